"""English for the review leftovers: the photo count of one upload (core.uploads.clean_photos)."""

GLOSSARY = {
    "最多上传 %(limit)s 张照片（本次选择了 %(count)s 张）": "At most %(limit)s photos can be uploaded at a time (%(count)s were chosen)",
}

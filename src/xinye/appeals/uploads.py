"""Photo uploads from the portal: type by magic bytes (never the file name) and size, Chinese messages."""

import secrets

from django.core.exceptions import ValidationError

from xinye.appeals import rules

SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
]


def stored_name(ext: str) -> str:
    """A file name for an uploaded photo that says nothing about its record and cannot be guessed from it
    (an appeal number or a report id would let anyone who knows one try the URL; the file is served only
    through the record's scope in any case, console.views.media)."""
    return f"{secrets.token_urlsafe(18)}.{ext}"


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def validate_image(file, *, max_bytes: int | None = None) -> tuple[str, str]:
    """Check one uploaded file is a JPEG, PNG or WebP image of at most 5 MiB; returns (content type, ext)."""
    max_bytes = max_bytes or rules.setting("XINYE_UPLOAD_MAX_BYTES", rules.MAX_PHOTO_BYTES)
    name = getattr(file, "name", "") or "照片"
    size = getattr(file, "size", None)
    if size is None:
        pos = file.tell()
        file.seek(0, 2)
        size = file.tell()
        file.seek(pos)
    if size == 0:
        raise ValidationError(f"照片“{name}”是空文件")
    if size > max_bytes:
        raise ValidationError(f"照片“{name}”超过 {max_bytes // (1024 * 1024)} MB，请压缩后再上传")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(f"照片“{name}”不是 JPEG、PNG 或 WebP 格式的图片")
    return kind


def validate_photos(files) -> list[tuple[object, str, str]]:
    files = [f for f in (files or ()) if f]
    if len(files) > rules.MAX_PHOTOS:
        raise ValidationError(f"最多上传 {rules.MAX_PHOTOS} 张照片")
    return [(f, *validate_image(f)) for f in files]

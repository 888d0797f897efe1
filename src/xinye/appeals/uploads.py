"""Photo uploads from the portal (appeals, and hazard reports through them): the checks are core.uploads's
(type by magic bytes and extension, size, decoded), the stored file is re-encoded without EXIF by the
model's `PhotoField`. Kept as this app's door for its callers: a list of at most MAX_PHOTOS."""

from django.core.exceptions import ValidationError

from xinye.appeals import rules
from xinye.core.uploads import check_image, stored_name

__all__ = ["stored_name", "validate_image", "validate_photos"]

CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def validate_image(file, *, max_bytes: int | None = None) -> tuple[str, str]:
    """Check one uploaded photo (core.uploads.check_image); returns (content type, ext)."""
    ext = check_image(
        file, max_bytes=max_bytes or rules.setting("XINYE_UPLOAD_MAX_BYTES", rules.MAX_PHOTO_BYTES)
    )
    return CONTENT_TYPES[ext], ext


def validate_photos(files) -> list[tuple[object, str, str]]:
    files = [f for f in (files or ()) if f]
    if len(files) > rules.MAX_PHOTOS:
        raise ValidationError(f"最多上传 {rules.MAX_PHOTOS} 张照片")
    return [(f, *validate_image(f)) for f in files]

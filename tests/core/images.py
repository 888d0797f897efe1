"""Real small images for upload tests (the checks decode them, so a magic number alone no longer passes)."""

import io

from PIL import Image

GPS_IFD = 0x8825


def image_bytes(fmt: str = "PNG", size=(8, 8), colour=(200, 30, 30), gps: bool = False) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    kwargs = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif.get_ifd(GPS_IFD).update(
            {1: "N", 2: (43.0, 37.0, 12.5), 3: "E", 4: (122.0, 15.0, 33.1)}  # 通辽, to the metre
        )
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
WEBP = image_bytes("WEBP")
GPS_JPEG = image_bytes("JPEG", gps=True)

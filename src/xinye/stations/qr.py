"""QR codes for station posters (segno; no image library needed for PNG or SVG)."""

import io

import segno
from django.conf import settings


def station_url(station, request=None) -> str:
    """The absolute https URL a QR code points to: XINYE_PUBLIC_BASE_URL if set, else this host."""
    base = getattr(settings, "XINYE_PUBLIC_BASE_URL", "").rstrip("/")
    if not base and request is not None:
        base = f"https://{request.get_host()}"
    return f"{base}{station.get_absolute_url()}"


def qr_png(url: str, scale: int = 10) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(url: str, scale: int = 10, *, omitsize: bool = False) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out,
        kind="svg",
        scale=scale,
        border=2,
        xmldecl=False,
        svgns=True,
        title="扫码进入服务站",
        omitsize=omitsize,
    )
    return out.getvalue()


def qr_svg_inline(url: str) -> str:
    """SVG markup for embedding in the A4 print page: a viewBox and no fixed size, so CSS sets its size."""
    return qr_svg(url, scale=1, omitsize=True).decode("utf-8")

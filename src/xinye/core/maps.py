"""Small maps of 通辽 drawn on the server as SVG, the same way everywhere: the bundled county outlines
(core/static/core/tongliao-counties.geojson, also the wall screen's) as the base layer that needs no internet,
the configured tile server's raster tiles under them when `XINYE_MAP_TILE_URL` is set, and markers on top.

Web Mercator throughout (the tiles' projection), so outlines, tiles and markers line up at any size. The
console's point picker (console/static/console/map.js) inverts the same projection from the figures the map
carries in its data attributes (`k`, `cx`, `cy`): pixel = (mercator unit − centre) × k + half the box.
Arguments are (lat, lng) in WGS-84 degrees, latitude first.
"""

import functools
import json
import math
import pathlib
from urllib.parse import urlsplit

from django.conf import settings

from xinye.core import geo

GEOJSON = pathlib.Path(__file__).resolve().parent / "static" / "core" / "tongliao-counties.geojson"
TILE = 256
MAX_ZOOM = 17
MIN_ZOOM = 10
MAX_LAT = 85.05112878


@functools.cache
def counties_geojson() -> dict:
    """The bundled outlines of 通辽's nine county-level units (simplified, approximate: not for measuring or
    for boundaries), keyed by region code in `properties.code`."""
    return json.loads(GEOJSON.read_text(encoding="utf-8"))


def tiles_config() -> dict | None:
    """`settings.XINYE_MAP_TILES` when it names a tile server, else None (the maps draw the outlines only)."""
    config = getattr(settings, "XINYE_MAP_TILES", None) or {}
    return config if config.get("url") else None


def tile_origins() -> list[str]:
    """The tile server's origins, for the content security policy's img-src: one per subdomain when the URL
    spreads tiles over `{s}` (a.tiles…, b.tiles…, c.tiles…), as the map draws from each of them."""
    config = tiles_config()
    if config is None:
        return []
    url = config["url"]
    names = config.get("subdomains", "abc") if "{s}" in url else "-"
    origins = []
    for name in names:
        parts = urlsplit(url.replace("{s}", name))
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins


def unit_xy(lat: float, lng: float) -> tuple[float, float]:
    """Web Mercator position of a point in the unit square (0, 0 = north-west corner of the world)."""
    lat = max(min(lat, MAX_LAT), -MAX_LAT)
    sin = math.sin(math.radians(lat))
    return (lng + 180.0) / 360.0, 0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)


def unit_latlng(x: float, y: float) -> tuple[float, float]:
    """The inverse of `unit_xy` (console/map.js does the same for a click)."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y)))), x * 360.0 - 180.0


def to_tile_system(lat: float, lng: float, system: str) -> tuple[float, float]:
    """A WGS-84 point in the tiles' coordinate system (高德/腾讯-style tiles are drawn in GCJ-02)."""
    if system == "gcj02":
        return geo.wgs84_to_gcj02(lat, lng)
    if system == "bd09":
        return geo.wgs84_to_bd09(lat, lng)
    return lat, lng


def world_pixel(lat: float, lng: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel coordinates of a point at `zoom` (256-pixel tiles)."""
    x, y = unit_xy(lat, lng)
    scale = TILE * (2**zoom)
    return x * scale, y * scale


def city_bounds() -> tuple[float, float, float, float]:
    """(south, west, north, east) of the bundled outlines."""
    points = [pt for f in counties_geojson()["features"] for pt in f["geometry"]["coordinates"][0]]
    return (
        min(lat for _lng, lat in points),
        min(lng for lng, _lat in points),
        max(lat for _lng, lat in points),
        max(lng for lng, _lat in points),
    )


def outline_map(
    markers: list[dict] | None = None,
    *,
    width: int = 480,
    height: int = 400,
    around: list[tuple[float, float]] | None = None,
    min_span_m: float = 1500.0,
) -> dict:
    """Everything a map template needs: the box, the county outlines as SVG paths, the tiles (when a tile
    server is configured) and the markers ({"lat", "lng", "kind", "title"}) placed in pixels.

    The whole city is shown, or with `around` the box around those points, at least `min_span_m` across so
    two points a few metres apart do not fill the map. The outlines are drawn in either case (clipped by the
    box), so a point is always seen against its county."""
    margin = 16
    if around:
        lats = [lat for lat, _lng in around]
        lngs = [lng for _lat, lng in around]
        half = math.degrees(min_span_m / 2 / 6371008.8)
        mid = (min(lats) + max(lats)) / 2
        south, north = min(min(lats), mid - half), max(max(lats), mid + half)
        widen = half / max(math.cos(math.radians(mid)), 1e-6)
        mid_lng = (min(lngs) + max(lngs)) / 2
        west, east = min(min(lngs), mid_lng - widen), max(max(lngs), mid_lng + widen)
    else:
        south, west, north, east = city_bounds()
    x0, y0 = unit_xy(north, west)
    x1, y1 = unit_xy(south, east)
    k = min((width - 2 * margin) / max(x1 - x0, 1e-12), (height - 2 * margin) / max(y1 - y0, 1e-12))
    k = min(k, TILE * 2**MAX_ZOOM)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def px(lat: float, lng: float) -> tuple[float, float]:
        ux, uy = unit_xy(lat, lng)
        return round((ux - cx) * k + width / 2, 1), round((uy - cy) * k + height / 2, 1)

    shapes = []
    for feature in counties_geojson()["features"]:
        ring = feature["geometry"]["coordinates"][0]
        props = feature["properties"]
        d = "M" + " L".join(f"{x},{y}" for x, y in (px(lat, lng) for lng, lat in ring)) + " Z"
        shapes.append({"code": props["code"], "name": props.get("short") or props["name"], "d": d})
    placed = []
    for marker in markers or []:
        x, y = px(marker["lat"], marker["lng"])
        placed.append({**marker, "x": x, "y": y})
    config = tiles_config()
    return {
        "width": width,
        "height": height,
        "k": repr(k),
        "cx": repr(cx),
        "cy": repr(cy),
        "shapes": shapes,
        "markers": placed,
        "tiles": _tiles(config, k, cx, cy, width, height) if config else [],
        "attribution": (config or {}).get("attribution", ""),
    }


def _tiles(config: dict, k: float, cx: float, cy: float, width: int, height: int) -> list[dict]:
    """The tiles covering the box at the zoom just below the map's scale, each stretched to its place.

    Tiles in GCJ-02 (or BD-09) are laid out around the box's centre converted to their system: the shift
    between the systems changes by metres only across a city, so one shift puts the whole layer under the
    WGS-84 outlines and markers (the ~500 m offset would otherwise show on a hazard's close-up)."""
    zoom = max(0, min(MAX_ZOOM + 1, math.floor(math.log2(k / TILE))))
    n = 2**zoom
    size = k / n  # a tile's side in the map's pixels
    tx_c, ty_c = unit_xy(*to_tile_system(*unit_latlng(cx, cy), config.get("coord", "wgs84")))
    left, top = tx_c * k - width / 2, ty_c * k - height / 2
    subdomains = config.get("subdomains", "abc")
    tiles = []
    for tx in range(math.floor(left / size), math.floor((left + width) / size) + 1):
        for ty in range(max(0, math.floor(top / size)), min(n - 1, math.floor((top + height) / size)) + 1):
            url = config["url"].format(z=zoom, x=tx % n, y=ty, s=subdomains[(tx + ty) % len(subdomains)])
            tiles.append(
                {
                    "url": url,
                    "x": round(tx * size - left, 1),
                    "y": round(ty * size - top, 1),
                    "size": round(size + 0.5, 1),  # half a pixel over: no hairline seams between tiles
                }
            )
    return tiles

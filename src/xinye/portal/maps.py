"""A map without JavaScript or third-party code: the tiles of a configured tile server (Web Mercator
"slippy" tiles) laid out server-side as <img> elements, with the stations marked on top.

Only drawn where `settings.XINYE_MAP_TILES` names a tile server the city may use (its own or a licensed
one); otherwise the portal shows the list alone. Stations are stored in WGS-84 and converted at the edge
to the tiles' coordinate system (GCJ-02 for 高德/腾讯-style tiles).
"""

from dataclasses import dataclass

from xinye.core.maps import MAX_ZOOM, MIN_ZOOM, TILE, tile_origins, tiles_config, to_tile_system, world_pixel

__all__ = ["Marker", "static_map", "tile_origins", "tiles_config", "world_pixel"]


@dataclass(frozen=True)
class Marker:
    label: str
    title: str
    lat: float
    lng: float


def static_map(
    center: tuple[float, float],
    markers: list[Marker],
    *,
    width: int = 320,
    height: int = 220,
    config: dict | None = None,
) -> dict | None:
    """Tiles and marker positions (pixels inside a width×height box) for a map centred on `center` (WGS-84),
    zoomed in as far as every marker still fits with a margin. None when no tile server is configured."""
    config = config or tiles_config()
    if config is None:
        return None
    system = config.get("coord", "wgs84")
    points = [to_tile_system(m.lat, m.lng, system) for m in markers]
    clat, clng = to_tile_system(*center, system)
    margin = 24
    zoom = MAX_ZOOM
    while zoom > MIN_ZOOM:
        cx, cy = world_pixel(clat, clng, zoom)
        if all(
            abs(px - cx) <= width / 2 - margin and abs(py - cy) <= height / 2 - margin
            for px, py in (world_pixel(lat, lng, zoom) for lat, lng in points)
        ):
            break
        zoom -= 1
    cx, cy = world_pixel(clat, clng, zoom)
    x0, y0 = cx - width / 2, cy - height / 2
    subdomains = config.get("subdomains", "abc")
    tiles = []
    for tx in range(int(x0 // TILE), int((x0 + width) // TILE) + 1):
        for ty in range(int(y0 // TILE), int((y0 + height) // TILE) + 1):
            url = config["url"].format(
                z=zoom, x=tx % (2**zoom), y=ty, s=subdomains[(tx + ty) % len(subdomains)]
            )
            tiles.append({"url": url, "left": round(tx * TILE - x0), "top": round(ty * TILE - y0)})
    placed = []
    for marker, (lat, lng) in zip(markers, points, strict=True):
        px, py = world_pixel(lat, lng, zoom)
        placed.append(
            {"label": marker.label, "title": marker.title, "left": round(px - x0), "top": round(py - y0)}
        )
    return {
        "width": width,
        "height": height,
        "zoom": zoom,
        "tiles": tiles,
        "markers": placed,
        "me": {"left": round(width / 2), "top": round(height / 2)},
        "attribution": config.get("attribution", ""),
    }

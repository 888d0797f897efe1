"""Map links for a station: 高德 and 百度 navigation URLs from a stored WGS-84 point.

The conversions and distances themselves are `xinye.core.geo` (one implementation in xinye: `distance_m`,
`bbox`, `to_wgs84`, the GCJ-02/BD-09 shifts); this module only builds the links the station pages and the
nearest-stations answer hand out. Arguments are (lat, lng) in degrees, latitude first.
"""

import functools
from types import MappingProxyType
from urllib.parse import quote

from xinye.core.geo import gcj02_to_bd09, wgs84_to_bd09, wgs84_to_gcj02


def amap_nav_url(lat: float, lng: float, name: str) -> str:
    """高德 URI API (uri.amap.com): GCJ-02 coordinates, opens the app or the mobile web page."""
    return _amap(*wgs84_to_gcj02(lat, lng), quote(name))


def baidu_nav_url(lat: float, lng: float, name: str) -> str:
    """百度 URI API (api.map.baidu.com/direction): BD-09 coordinates."""
    return _baidu(*wgs84_to_bd09(lat, lng), quote(name))


def _amap(glat: float, glng: float, qname: str) -> str:
    return (
        f"https://uri.amap.com/navigation?to={glng:.6f},{glat:.6f},{qname}"
        "&mode=ride&coordinate=gaode&callnative=1&src=xinye"
    )


def _baidu(blat: float, blng: float, qname: str) -> str:
    return (
        f"https://api.map.baidu.com/direction?destination=latlng:{blat:.6f},{blng:.6f}|name:{qname}"
        "&mode=riding&region=%E9%80%9A%E8%BE%BD&output=html&coord_type=bd09ll&src=xinye"
    )


@functools.lru_cache(maxsize=8192)
def edge(lat: float, lng: float, name: str):
    """Everything a map link needs from one WGS-84 point, each conversion done once:
    {"gcj02": (lat, lng), "bd09": (lat, lng), "amap": url, "baidu": url}, read-only. Kept per point and name
    (a city has a few thousand stations at most): the nearest-stations answer links every station it lists,
    and converting and quoting cost a sixth of that answer's own work."""
    gcj = wgs84_to_gcj02(lat, lng)
    bd = gcj02_to_bd09(*gcj)
    qname = quote(name)
    return MappingProxyType(
        {"gcj02": gcj, "bd09": bd, "amap": _amap(*gcj, qname), "baidu": _baidu(*bd, qname)}
    )

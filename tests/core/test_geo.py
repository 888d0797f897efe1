"""core.geo: the one great-circle distance and the datum conversions, against published reference pairs
(wandergis/coordtransform's own test values for 116.404, 39.915) and known great-circle figures."""

import math

import pytest

from xinye.core import geo
from xinye.core.errors import Refused

LAT, LNG = 39.915, 116.404


def close(a, b, tol=1e-9):
    return abs(a[0] - b[0]) < tol and abs(a[1] - b[1]) < tol


def test_distance_known_figures():
    # one degree of latitude ≈ 111.195 km on the mean sphere
    assert geo.distance_m(43.0, 122.0, 44.0, 122.0) == pytest.approx(111_195, rel=1e-4)
    # 北京 天安门 → 上海 人民广场 ≈ 1,067 km
    assert geo.distance_m(39.9087, 116.3975, 31.2304, 121.4737) == pytest.approx(1_067_000, rel=0.01)
    assert geo.distance_m(43.6, 122.2, 43.6, 122.2) == 0
    # symmetric, and antipodes do not fall off asin's domain
    assert geo.distance_m(43.6, 122.2, 45.5, 119.6) == geo.distance_m(45.5, 119.6, 43.6, 122.2)
    assert geo.distance_m(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_M, rel=1e-9)


def test_bbox_contains_the_circle():
    lat, lng, r = 43.62, 122.26, 5000
    min_lat, max_lat, min_lng, max_lng = geo.bbox(lat, lng, r)
    assert geo.distance_m(lat, lng, max_lat, lng) == pytest.approx(r, rel=1e-6)
    assert geo.distance_m(lat, lng, lat, max_lng) >= r
    assert min_lat < lat < max_lat and min_lng < lng < max_lng


def test_conversion_reference_pairs():
    assert close(geo.wgs84_to_gcj02(LAT, LNG), (39.91640428150164, 116.41024449916938))
    assert close(geo.gcj02_to_bd09(LAT, LNG), (39.92133699351021, 116.41036949371029))
    assert close(geo.bd09_to_gcj02(LAT, LNG), (39.90865673957631, 116.39762729119315))


@pytest.mark.parametrize("lat,lng", [(43.6225, 122.256), (45.532, 119.657), (42.735, 121.776)])
def test_round_trips_in_tongliao(lat, lng):
    assert close(geo.to_wgs84(*geo.wgs84_to_gcj02(lat, lng), "gcj02"), (lat, lng), 1e-8)
    assert geo.distance_m(lat, lng, *geo.to_wgs84(*geo.wgs84_to_bd09(lat, lng), "bd09")) < 0.5
    assert geo.to_wgs84(lat, lng, "wgs84") == (lat, lng)
    assert 100 < geo.distance_m(lat, lng, *geo.wgs84_to_gcj02(lat, lng)) < 1000


def test_outside_china_is_unchanged():
    assert geo.wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)
    assert geo.gcj02_to_wgs84(51.5, -0.12) == (51.5, -0.12)


def test_unknown_system_is_a_named_refusal():
    with pytest.raises(Refused) as exc:
        geo.to_wgs84(1, 2, "utm")
    assert "不支持的坐标系" in exc.value.message_dict["coord_system"][0]

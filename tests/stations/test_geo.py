"""Coordinate conversions against the published reference pairs (wandergis/coordtransform's own test
values for 116.404, 39.915) and distances against known great-circle figures."""

import pytest

from xinye.core.errors import Refused
from xinye.stations import geo

LAT, LNG = 39.915, 116.404


def close(a, b, tol=1e-9):
    return abs(a[0] - b[0]) < tol and abs(a[1] - b[1]) < tol


def test_wgs84_to_gcj02_reference():
    assert close(geo.wgs84_to_gcj02(LAT, LNG), (39.91640428150164, 116.41024449916938))


def test_gcj02_to_bd09_reference():
    assert close(geo.gcj02_to_bd09(LAT, LNG), (39.92133699351021, 116.41036949371029))


def test_bd09_to_gcj02_reference():
    assert close(geo.bd09_to_gcj02(LAT, LNG), (39.90865673957631, 116.39762729119315))


def test_gcj02_to_wgs84_is_the_exact_inverse():
    # the published one-step inverse gives (39.91359571849836, 116.39775550083061); ours iterates to
    # sub-millimetre and lands within ~1 m of it
    wlat, wlng = geo.gcj02_to_wgs84(LAT, LNG)
    assert close(geo.wgs84_to_gcj02(wlat, wlng), (LAT, LNG), 1e-9)
    assert geo.haversine_m(wlat, wlng, 39.91359571849836, 116.39775550083061) < 2.0


@pytest.mark.parametrize("lat,lng", [(43.6225, 122.256), (45.532, 119.657), (42.735, 121.776)])
def test_round_trips_in_tongliao(lat, lng):
    # 百度's published BD-09 inverse is itself approximate (≈0.2 m); GCJ-02 we invert exactly
    assert geo.haversine_m(lat, lng, *geo.bd09_to_wgs84(*geo.wgs84_to_bd09(lat, lng))) < 0.5
    assert close(geo.to_wgs84(*geo.wgs84_to_gcj02(lat, lng), "gcj02"), (lat, lng), 1e-8)
    # the GCJ-02 shift in 通辽 is a few hundred metres, never zero
    assert 100 < geo.haversine_m(lat, lng, *geo.wgs84_to_gcj02(lat, lng)) < 1000


def test_outside_china_is_unchanged():
    assert geo.wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)
    assert geo.gcj02_to_wgs84(51.5, -0.12) == (51.5, -0.12)


def test_unknown_system_is_refused_in_chinese():
    with pytest.raises(Refused, match="不支持的坐标系"):
        geo.to_wgs84(1, 2, "utm")


def test_haversine_known_distances():
    # one degree of latitude ≈ 111.195 km on the mean sphere
    assert geo.haversine_m(43.0, 122.0, 44.0, 122.0) == pytest.approx(111_195, rel=1e-4)
    # 北京 天安门 → 上海 人民广场 ≈ 1,067 km
    assert geo.haversine_m(39.9087, 116.3975, 31.2304, 121.4737) == pytest.approx(1_067_000, rel=0.01)
    assert geo.haversine_m(43.6, 122.2, 43.6, 122.2) == 0


def test_bbox_contains_the_circle():
    lat, lng, r = 43.62, 122.26, 5000
    min_lat, max_lat, min_lng, max_lng = geo.bbox(lat, lng, r)
    assert geo.haversine_m(lat, lng, max_lat, lng) == pytest.approx(r, rel=1e-6)
    assert geo.haversine_m(lat, lng, lat, max_lng) >= r


def test_navigation_links_use_converted_coordinates():
    amap = geo.amap_nav_url(43.6225, 122.256, "站")
    glat, glng = geo.wgs84_to_gcj02(43.6225, 122.256)
    assert f"to={glng:.6f},{glat:.6f}" in amap and "coordinate=gaode" in amap
    baidu = geo.baidu_nav_url(43.6225, 122.256, "站")
    blat, blng = geo.wgs84_to_bd09(43.6225, 122.256)
    assert f"latlng:{blat:.6f},{blng:.6f}" in baidu


def test_edge_is_kept_per_point_and_name_and_cannot_be_changed_by_a_caller():
    first = geo.edge(43.6225, 122.256, "科尔沁站")
    assert first["amap"] == geo.amap_nav_url(43.6225, 122.256, "科尔沁站")
    assert first["baidu"] == geo.baidu_nav_url(43.6225, 122.256, "科尔沁站")
    assert geo.edge(43.6225, 122.256, "科尔沁站") is first  # converted once
    assert geo.edge(43.6225, 122.256, "明仁站")["amap"] != first["amap"]  # a renamed station links anew
    with pytest.raises(TypeError):
        first["amap"] = "https://example.invalid/"  # shared between requests: read-only

"""A station's map links: 高德 (GCJ-02) and 百度 (BD-09) navigation URLs from the stored WGS-84 point. The
conversions and distances themselves are xinye.core.geo's, tested in tests/core/test_geo.py."""

import pytest

from xinye.core.geo import wgs84_to_bd09, wgs84_to_gcj02
from xinye.stations import geo


def test_navigation_links_use_converted_coordinates():
    amap = geo.amap_nav_url(43.6225, 122.256, "站")
    glat, glng = wgs84_to_gcj02(43.6225, 122.256)
    assert f"to={glng:.6f},{glat:.6f}" in amap and "coordinate=gaode" in amap
    baidu = geo.baidu_nav_url(43.6225, 122.256, "站")
    blat, blng = wgs84_to_bd09(43.6225, 122.256)
    assert f"latlng:{blat:.6f},{blng:.6f}" in baidu


def test_edge_is_kept_per_point_and_name_and_cannot_be_changed_by_a_caller():
    first = geo.edge(43.6225, 122.256, "科尔沁站")
    assert first["amap"] == geo.amap_nav_url(43.6225, 122.256, "科尔沁站")
    assert first["baidu"] == geo.baidu_nav_url(43.6225, 122.256, "科尔沁站")
    assert geo.edge(43.6225, 122.256, "科尔沁站") is first  # converted once
    assert geo.edge(43.6225, 122.256, "明仁站")["amap"] != first["amap"]  # a renamed station links anew
    with pytest.raises(TypeError):
        first["amap"] = "https://example.invalid/"  # shared between requests: read-only

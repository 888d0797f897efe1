"""The station map: tiles laid out server-side, stations marked, only where a tile server is configured."""

import pytest

from xinye.core import geo
from xinye.portal import maps

TILES = {"url": "https://tiles.example.cn/{z}/{x}/{y}.png", "coord": "wgs84", "attribution": "© 示例地图"}


def test_world_pixel_known_points():
    assert maps.world_pixel(0, 0, 1) == (256.0, 256.0)
    x, y = maps.world_pixel(85.05112878, -180, 0)
    assert (round(x), round(y)) == (0, 0)


def test_markers_inside_the_box_and_zoomed_to_fit():
    centre = (43.6230, 122.2600)
    near = maps.Marker("1", "近", 43.6250, 122.2620)
    far = maps.Marker("2", "远", 43.6500, 122.3000)
    close_map = maps.static_map(centre, [near], config=TILES)
    wide_map = maps.static_map(centre, [near, far], config=TILES)
    assert wide_map["zoom"] < close_map["zoom"]
    for m in wide_map["markers"]:
        assert 0 <= m["left"] <= wide_map["width"] and 0 <= m["top"] <= wide_map["height"]
    # the tiles cover the whole box
    lefts = [t["left"] for t in wide_map["tiles"]]
    tops = [t["top"] for t in wide_map["tiles"]]
    assert min(lefts) <= 0 and max(lefts) + 256 >= wide_map["width"]
    assert min(tops) <= 0 and max(tops) + 256 >= wide_map["height"]
    assert all(t["url"].startswith("https://tiles.example.cn/") for t in wide_map["tiles"])


def test_gcj02_tiles_get_converted_coordinates():
    centre = (43.6230, 122.2600)
    marker = maps.Marker("1", "站", 43.6250, 122.2620)
    wgs = maps.static_map(centre, [marker], config=TILES)
    gcj = maps.static_map(centre, [marker], config={**TILES, "coord": "gcj02"})
    # the marker keeps its place relative to the (also converted) centre, to within a pixel or two
    assert abs(wgs["markers"][0]["left"] - gcj["markers"][0]["left"]) <= 2
    glat, glng = geo.wgs84_to_gcj02(*centre)
    assert (glat, glng) != centre


def test_no_tile_server_no_map(settings):
    settings.XINYE_MAP_TILES = {"url": ""}
    assert maps.static_map((43.6, 122.2), [], config=None) is None


@pytest.mark.django_db
def test_home_draws_the_map_and_allows_only_that_tile_host(world, client, settings):
    from tests.stations.factories import make_station

    settings.XINYE_MAP_TILES = TILES
    make_station(world["units"]["street-kerqin-1-c1"], code="map001", name="地图上的站")
    response = client.get("/m/", {"lat": 43.6230, "lng": 122.2600})
    html = response.content.decode()
    assert 'id="map"' in html and "tiles.example.cn" in html and "地图上的站" in html
    assert "https://tiles.example.cn" in response["Content-Security-Policy"]
    settings.XINYE_MAP_TILES = {"url": ""}
    response = client.get("/m/", {"lat": 43.6230, "lng": 122.2600})
    assert 'id="map"' not in response.content.decode()
    assert "tiles.example.cn" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_tiles_spread_over_subdomains_are_all_allowed(world, client, settings):
    """A URL with {s} draws tiles from a., b. and c.: each of those hosts, and no other, may load images."""
    from tests.stations.factories import make_station

    settings.XINYE_MAP_TILES = {**TILES, "url": "https://{s}.tiles.example.cn/{z}/{x}/{y}.png"}
    make_station(world["units"]["street-kerqin-1-c1"], code="map002", name="子域名地图站")
    response = client.get("/m/", {"lat": 43.6230, "lng": 122.2600})
    html = response.content.decode()
    hosts = {h for h in ("a", "b", "c") if f"https://{h}.tiles.example.cn/" in html}
    assert len(hosts) >= 2  # the map really spreads its tiles
    policy = response["Content-Security-Policy"]
    img_src = next(d for d in policy.split(";") if d.strip().startswith("img-src"))
    for h in "abc":
        assert f"https://{h}.tiles.example.cn" in img_src
    assert "https://d.tiles.example.cn" not in img_src

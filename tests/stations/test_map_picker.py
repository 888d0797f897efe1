"""Issue 17: the station form's map point picker and the hazard's small map (xinye.core.maps)."""

import re

import pytest
from django.urls import reverse

from tests.appeals.helpers import key, worker
from tests.stations.factories import make_station
from xinye.core import maps
from xinye.hazards import services as hazards

TILES = {"url": "https://tiles.example.cn/{z}/{x}/{y}.png", "coord": "wgs84", "attribution": "© 示例图源"}


def _figure(html: str) -> str:
    start = html.index('<figure class="xinye-map')
    return html[start : html.index("</figure>", start)]


def test_station_form_shows_the_picker_tied_to_both_coordinate_inputs(client_for, world):
    html = client_for("community_admin").get("/admin/stations/station/add/").content.decode()
    figure = _figure(html)
    assert 'data-lat-input="id_latitude"' in figure and 'data-lng-input="id_longitude"' in figure
    # hidden until the script shows it: without script the form is the two inputs alone
    assert re.search(r"<figure[^>]* hidden>", figure)
    assert figure.count("<path ") == 9  # the nine county outlines, the offline base layer
    assert "<image " not in figure  # no tile server configured: nothing outside is loaded
    assert 'id="id_latitude"' in html and 'id="id_longitude"' in html
    assert "console/map.js" in html


def test_without_a_tile_server_the_console_loads_no_outside_images(client_for, world):
    response = client_for("community_admin").get("/admin/stations/station/add/")
    img_src = re.search(r"img-src ([^;]*)", response["Content-Security-Policy"]).group(1)
    assert "tiles.example.cn" not in img_src


def test_a_tile_server_adds_tiles_under_the_outlines_and_its_host_to_img_src(client_for, world, settings):
    settings.XINYE_MAP_TILES = TILES
    response = client_for("community_admin").get("/admin/stations/station/add/")
    figure = _figure(response.content.decode())
    tiles = re.findall(r'<image href="https://tiles\.example\.cn/(\d+)/(\d+)/(\d+)\.png"', figure)
    assert tiles and len({z for z, _x, _y in tiles}) == 1
    assert figure.index("<image ") < figure.index("<path ")  # tiles under the outlines
    assert "© 示例图源" in figure
    img_src = re.search(r"img-src ([^;]*)", response["Content-Security-Policy"]).group(1)
    assert "https://tiles.example.cn" in img_src.split()


def test_tiles_cover_the_whole_box(settings):
    settings.XINYE_MAP_TILES = TILES
    drawn = maps.outline_map(width=480, height=400)
    tiles = drawn["tiles"]
    assert min(t["x"] for t in tiles) <= 0 and min(t["y"] for t in tiles) <= 0
    assert max(t["x"] + t["size"] for t in tiles) >= 480 and max(t["y"] + t["size"] for t in tiles) >= 400


def test_a_hazard_far_from_any_station_shows_its_point_alone(world):
    r = hazards.submit_report(
        worker=worker(),
        category="fire",
        description="路边起火",
        latitude=45.2,  # 扎鲁特旗's north: no station within reach
        longitude=120.4,
        idempotency_key=key(),
    )
    shown = hazards.place(r)
    assert [m["kind"] for m in shown["map"]["markers"]] == ["report"]
    assert "最近驿站" not in shown["caption"] and "纬度 45.200000" in shown["caption"]
    marker = shown["map"]["markers"][0]
    assert 0 < marker["x"] < shown["map"]["width"] and 0 < marker["y"] < shown["map"]["height"]


@pytest.fixture
def report(world):
    station = make_station(world["units"]["street-kerqin-1-c1"], lat=43.6180, lng=122.2650, name="和平驿站")
    r = hazards.submit_report(
        worker=worker(),
        category="fire",
        description="楼道堆物",
        latitude=43.6172,
        longitude=122.2630,
        idempotency_key=key(),
    )
    r.unit = world["units"]["street-kerqin-1-c1"]
    r.save()
    return r, station


def test_hazard_pages_show_the_point_and_the_nearest_station_on_a_map(client_for, report):
    r, station = report
    c = client_for("community_admin")
    for url in (
        reverse("admin:hazards_hazardreport_change", args=[r.pk]),
        reverse("hazards:work", args=[r.pk]),
    ):
        html = c.get(url).content.decode()
        figure = _figure(html)
        assert "data-map-picker" not in figure and " hidden" not in figure.split(">")[0]  # read-only, shown
        assert 'data-marker="report"' in figure and 'data-marker="station"' in figure
        assert f"<title>{station.name}</title>" in figure
        caption = figure[figure.index("<figcaption") :]
        assert "纬度 43.617200，经度 122.263000" in caption and "最近驿站：和平驿站，相距" in caption


def test_gcj02_tiles_are_shifted_under_the_wgs84_outlines(settings):
    # a hazard's close-up: 高德-style tiles must sit where the WGS-84 point is, not ~500 m off
    point = (43.6172, 122.2630)
    settings.XINYE_MAP_TILES = {**TILES, "coord": "wgs84"}
    plain = maps.outline_map(around=[point], width=420, height=300)["tiles"]
    settings.XINYE_MAP_TILES = {**TILES, "coord": "gcj02"}
    shifted = maps.outline_map(around=[point], width=420, height=300)["tiles"]
    k = float(maps.outline_map(around=[point], width=420, height=300)["k"])
    gx, gy = maps.unit_xy(*maps.to_tile_system(*point, "gcj02"))
    wx, wy = maps.unit_xy(*point)
    by_url = {t["url"]: t for t in plain}
    common = [t for t in shifted if t["url"] in by_url]
    assert common
    dx = common[0]["x"] - by_url[common[0]["url"]]["x"]
    dy = common[0]["y"] - by_url[common[0]["url"]]["y"]
    # the layer moves back by exactly the GCJ-02 offset at this scale (to the rounding of 0.1 px)
    assert dx == pytest.approx(-(gx - wx) * k, abs=0.3) and dy == pytest.approx(-(gy - wy) * k, abs=0.3)
    assert abs(dx) + abs(dy) > 20  # and the offset is visible at this scale

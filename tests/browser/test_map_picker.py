"""Issue 17: a county administrator adds a station by clicking its place on the map; the inputs fill, typing
moves the marker, and the saved station has the clicked coordinates."""

import pytest

from tests.browser.helpers import sign_in
from xinye.stations.models import Station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_the_map_fills_the_coordinates_and_saves_them(
    browser, live_server, world, rebuild_world_after, artifacts
):
    unit = world["units"]["street-kerqin-1-c1"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(page, live_server.url, "kerqin_admin")
    page.goto(f"{live_server.url}/admin/stations/station/add/")
    figure = page.locator("figure[data-map-picker]")
    assert figure.is_visible()  # the script showed the map
    assert page.input_value("#id_latitude") == "" and page.input_value("#id_longitude") == ""

    county = page.locator('figure[data-map-picker] path[data-code="150502"]')  # 科尔沁区
    county.scroll_into_view_if_needed()
    box = county.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lat, lng = float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))
    assert 43.0 < lat < 44.5 and 121.5 < lng < 123.0  # inside 科尔沁区's box
    assert page.locator("[data-map-warning]").is_hidden()
    marker = page.locator("[data-map-marker]")
    placed = marker.get_attribute("transform")

    # typing moves the marker; a point outside the city is flagged
    page.fill("#id_latitude", "39.9")
    assert marker.get_attribute("transform") != placed
    assert page.locator("[data-map-warning]").is_visible()
    page.fill("#id_latitude", f"{lat:.6f}")
    assert page.locator("[data-map-warning]").is_hidden()
    page.screenshot(path=str(artifacts / "station-map-picker.png"), full_page=True)

    page.fill("#id_code", "map1")
    page.fill("#id_name", "地图选点驿站")
    page.select_option("#id_host_kind", "community")
    page.select_option("#id_unit", str(unit.pk))
    page.select_option("#id_region", str(unit.region_id))
    page.fill("#id_address", "测试路 1 号")
    page.fill("#id_contact_phone", "13904751234")
    page.click("input[name=_save], button[name=_save]")
    page.wait_for_url(lambda url: "/add/" not in url)  # saved: on to the list
    station = Station.objects.get(code="map1")
    assert station.latitude == pytest.approx(lat, abs=1e-6)
    assert station.longitude == pytest.approx(lng, abs=1e-6)
    page.close()

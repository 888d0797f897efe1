"""紧急求助 at 375 px (issue 17): the numbers are on screen at once as call buttons of a thumb's size, and the
nearest station's phone follows; nothing scrolls sideways."""

import pathlib

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    yield context.new_page()
    context.close()


def test_sos_shows_110_120_122_as_call_buttons_in_the_first_screen(
    phone, live_server, world, rebuild_world_after
):
    from tests.stations.factories import make_station

    make_station(world["units"]["street-kerqin-1-c1"], name="明仁大街骑手驿站", contact_phone="0475-8211009")
    page = phone
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/m/sos/?lat=43.6205&lng=122.2605")
    for number in ("110", "120", "122"):
        button = page.locator(f'.sos a[href="tel:{number}"]')
        box = button.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 667, number  # in the first screen
        assert box["width"] >= 44 and box["height"] >= 44, (number, box)
    assert page.locator('a[href="tel:0475-8211009"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-sos.png"), full_page=True)
    assert not errors

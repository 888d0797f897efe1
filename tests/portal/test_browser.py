"""A rider on a 375×667 phone: finds the nearest station by location, opens a station from its QR URL,
signs in with an SMS code, consents, checks in, files an appeal with a photo and sees it in "我的"."""

import base64
import pathlib

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
HERE = (43.6230, 122.2600)  # the rider's phone, downtown 科尔沁区


@pytest.fixture
def phone(browser, artifacts):
    context = browser.new_context(
        viewport={"width": 375, "height": 667},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        geolocation={"latitude": HERE[0], "longitude": HERE[1]},
        permissions=["geolocation"],
    )
    page = context.new_page()
    yield page
    context.close()


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def test_rider_finds_checks_in_signs_in_and_files_an_appeal(phone, live_server, world, rebuild_world_after):
    from tests.stations.factories import make_station
    from xinye.portal.sms import OUTBOX, last_code_for

    OUTBOX.clear()
    unit = world["units"]["street-kerqin-1-c1"]
    near = make_station(unit, code="brw001", name="明仁大街骑手驿站", lat=HERE[0] + 0.002, lng=HERE[1])
    make_station(unit, code="brw002", name="西门暖心驿站", lat=HERE[0] + 0.010, lng=HERE[1])
    make_station(unit, code="brw003", name="永清党建服务站", lat=HERE[0], lng=HERE[1] + 0.030)
    make_station(unit, code="brw004", name="已关闭的站", lat=HERE[0] + 0.0005, lng=HERE[1], status="closed")
    page = phone
    base = live_server.url

    # 1. nearest stations by the phone's location (JS fills lat/lng and POSTs the form: no location in the URL)
    page.goto(f"{base}/m/")
    page.click("#locate")
    page.wait_for_selector("#results .card")
    names = page.locator("#results .card .name").all_inner_texts()
    assert names[0] == "明仁大街骑手驿站" and "已关闭的站" not in names and len(names) == 3
    assert "222 米" in page.inner_text("#results")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    shot(page, "1-nearest")

    # 2. the QR code's URL: the station page, 签到 asks for sign-in first
    page.goto(f"{base}{near.get_absolute_url()}")
    assert "休息如厕" in page.content()
    shot(page, "2-station")
    page.click("#checkin")
    page.wait_for_url("**/m/login/**")
    page.fill("input[name=phone]", "13904751111")
    page.click("#send-code")
    page.wait_for_selector("input[name=code]")
    code = last_code_for("13904751111")
    assert code
    page.fill("input[name=code]", code)
    shot(page, "3-code")
    page.click("#verify")
    page.wait_for_url("**/m/consent/**")
    page.check("#agree")
    shot(page, "4-consent")
    page.click("#consent-submit")
    page.wait_for_url(f"{base}/m/s/brw001/")
    page.click("#checkin")
    page.wait_for_selector("text=签到成功")
    shot(page, "5-checked-in")

    # 3. an appeal with a photo
    page.goto(f"{base}/m/appeal/")
    page.select_option("select[name=category]", "wages")
    page.select_option("select[name=region]", "150502")
    page.fill("textarea[name=text]", "外卖平台拖欠我两个月工资，共 6000 元，希望帮忙协调。")
    page.set_input_files(
        "input[name=photos]", files=[{"name": "pay.png", "mimeType": "image/png", "buffer": PNG}]
    )
    shot(page, "6-appeal-form")
    page.click("#appeal-submit")
    page.wait_for_url("**/m/my/appeals/*/")
    assert "诉求已提交" in page.content()
    shot(page, "7-appeal-filed")

    # 4. "我的"
    page.goto(f"{base}/m/my/")
    assert "诉求 · 欠薪" in page.inner_text("#my-items")
    shot(page, "8-mine")

    from xinye.appeals.models import Appeal
    from xinye.stations.models import StationCheckIn

    assert StationCheckIn.objects.filter(station=near).count() == 1
    appeal = Appeal.objects.get()
    assert appeal.photos.count() == 1 and appeal.worker.phone == "13904751111"


def test_without_javascript_the_area_search_still_works(browser, live_server, world, rebuild_world_after):
    from tests.stations.factories import make_station

    make_station(world["units"]["street-kerqin-1-c1"], code="nojs01", name="无脚本也能找到的站")
    context = browser.new_context(
        viewport={"width": 375, "height": 667}, java_script_enabled=False, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/m/")
    assert not page.is_visible("#locate")  # the location button needs JS; it stays hidden
    page.select_option("select[name=street]", str(world["units"]["street-kerqin-1-c1"].parent_id))
    page.click("text=按地区查找")
    page.wait_for_selector("#results")
    assert "无脚本也能找到的站" in page.inner_text("#results")
    page.screenshot(path=str(ARTIFACTS / "portal-nojs-area.png"), full_page=True)
    context.close()

"""A rider on a 375×667 phone opens a station's page (its QR URL), finds the legal-aid point with its
on-duty times and phone, and a red-education session, signs in by SMS code and signs up; the sign-up shows
on the page and in /m/services/."""

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


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"care-{name}.png"), full_page=True)


def test_rider_finds_legal_aid_and_signs_up_for_red_education(phone, live_server, world, rebuild_world_after):
    from tests.care.factories import make_offer, make_session
    from tests.stations.factories import make_station
    from xinye.care.models import ServiceSignup
    from xinye.portal.sms import OUTBOX, last_code_for

    OUTBOX.clear()
    unit = world["units"]["street-kerqin-1-c1"]
    station = make_station(unit, code="care01", name="明仁大街骑手驿站")
    make_offer(
        unit,
        kind="legal_aid",
        title="小哥法律援助工作站",
        station=station,
        phone="12348",
        hours="周三、周六 14:00-17:00 律师驻站值班",
    )
    red = make_offer(unit, kind="red_education", title="通辽市革命烈士陵园", station=station)
    session = make_session(red, capacity=20, place="陵园东门集合")
    page = phone
    base = live_server.url

    page.goto(f"{base}/m/s/care01/")
    services = page.locator("#services")
    assert "小哥法律援助工作站" in services.inner_text()
    assert "周三、周六 14:00-17:00 律师驻站值班" in services.inner_text()
    assert services.locator('a[href="tel:12348"]').count() == 1
    assert "通辽市革命烈士陵园" in services.inner_text() and "陵园东门集合" in services.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    shot(page, "1-station")

    services.locator(".session a", has_text="登录后报名").click()
    page.wait_for_url("**/m/login/**")
    page.fill("input[name=phone]", "13904752222")
    page.click("#send-code")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", last_code_for("13904752222"))
    page.click("#verify")
    page.wait_for_url("**/m/consent/**")
    page.check("#agree")
    page.click("#consent-submit")
    page.wait_for_url(f"{base}/m/s/care01/")

    page.locator("#services .session button", has_text="报名").click()
    page.wait_for_selector("text=已报名：通辽市革命烈士陵园")
    assert page.locator("#services .session .ok").inner_text() == "已报名"
    shot(page, "2-signed-up")

    page.goto(f"{base}/m/services/")
    assert "通辽市革命烈士陵园" in page.inner_text("#my-signups")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "3-my-signups")
    assert ServiceSignup.objects.filter(session=session, worker__phone_hash__isnull=False).count() == 1

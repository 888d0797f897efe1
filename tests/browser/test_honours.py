"""A rider on a 375×667 phone opens 最美评选 from the portal home, finds a nominee of the 最美骑手 vote,
taps 投票, signs in by SMS code, votes, sees the thanks, and cannot vote for them twice the same day."""

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
    page.screenshot(path=str(ARTIFACTS / f"honours-{name}.png"), full_page=True)


def test_rider_signs_in_votes_sees_thanks_and_cannot_vote_twice(
    phone, live_server, world, rebuild_world_after
):
    from tests.honours.factories import make_campaign, make_nominee
    from xinye.honours.choices import Stage
    from xinye.honours.models import Nominee, Vote
    from xinye.orgs.models import OrgUnit
    from xinye.portal.sms import OUTBOX, last_code_for

    OUTBOX.clear()
    campaign = make_campaign(
        OrgUnit.objects.get(code="hydw-delivery"), stage=Stage.VOTING, title="2026年度通辽市最美骑手"
    )
    nominee = make_nominee(campaign, name="白霄荣", story="暴雨夜坚持送达急需药品")
    make_nominee(campaign, name="骆仁文")
    page = phone
    base = live_server.url

    page.goto(f"{base}/m/")
    page.click("text=最美评选")
    page.wait_for_url(f"{base}/m/campaigns/")
    page.click("text=2026年度通辽市最美骑手")
    page.click("#nominees >> text=白霄荣")
    assert "暴雨夜坚持送达急需药品" in page.inner_text("#story")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "1-nominee")

    page.click("#vote")  # not signed in: the button asks for the SMS sign-in first
    page.wait_for_url("**/m/login/**")
    page.fill("input[name=phone]", "13904753333")
    page.click("#send-code")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", last_code_for("13904753333"))
    page.click("#verify")
    page.wait_for_url("**/m/consent/**")
    page.check("#agree")
    page.click("#consent-submit")
    page.wait_for_url(f"{base}/m/campaigns/nominees/{nominee.pk}/")

    page.click("#vote")
    page.wait_for_selector("text=感谢您的投票")
    assert page.inner_text("#votes") == "1"
    assert "今天已为TA投过票" in page.inner_text("#voted")
    assert page.locator("button#vote").count() == 0
    shot(page, "2-thanks")

    # a second vote the same day (a replayed form) is refused with a reason, and not counted
    page.evaluate(
        """pk => { const f = document.createElement('form'); f.method = 'post';
        f.action = `/m/campaigns/nominees/${pk}/vote/`;
        const t = document.createElement('input'); t.name = 'csrfmiddlewaretoken';
        t.value = document.cookie.match(/csrftoken=([^;]+)/)[1]; f.appendChild(t);
        document.body.appendChild(f); f.submit(); }""",
        nominee.pk,
    )
    page.wait_for_selector("text=您今天已经为TA投过票了")
    assert page.inner_text("#votes") == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "3-twice")
    assert Vote.objects.filter(nominee=nominee).count() == 1
    assert Nominee.objects.get(pk=nominee.pk).votes == 1

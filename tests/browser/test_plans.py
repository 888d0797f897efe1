"""The 外卖骑手 行业党委 logs into the console, sees its overdue task on the home page, opens the 督办 board
and the month's ranking of its industry's offices with each score explained."""

import datetime

import pytest

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_sees_overdue_work_and_the_ranking(
    browser, live_server, world, rebuild_world_after, artifacts
):
    from django.utils import timezone

    from tests.plans.factories import make_task

    office = world["units"]["djb-naiman-delivery"]
    start = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
    make_task(office, title="报送骑手站点台账", due=datetime.date(2026, 3, 6), now=start)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(page, live_server.url, "rider_committee_admin")
    assert "逾期任务" in page.content()
    page.goto(f"{live_server.url}/admin/plans/board/")
    board = page.inner_text("#overdue")
    assert "报送骑手站点台账" in board and "奈曼旗外卖骑手行业党建办" in board
    page.goto(f"{live_server.url}/admin/plans/ranking/?month=2026-03")
    ranking = page.inner_text("#ranking")
    assert "奈曼旗外卖骑手行业党建办" in ranking and "未完成 1 件" in ranking
    assert "快递行业党建办" not in ranking  # another industry's offices are not shown
    page.screenshot(path=str(artifacts / "plans-ranking.png"), full_page=True)
    page.close()

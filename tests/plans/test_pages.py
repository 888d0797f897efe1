"""The console's pages: the home page's cards, the 督办 board, the ranking with its explanations and the
通报 download, a drive's daily progress read from the data."""

import datetime

from django.utils import timezone

from tests.coverage.helpers import enterprise, make_region
from tests.plans.factories import make_drive, make_task
from xinye.plans import drives


def _at(y, m, d, h=9):
    return timezone.make_aware(datetime.datetime(y, m, d, h))


def test_overdue_and_at_risk_tasks_on_each_levels_home_page(world, client_for):
    office = world["units"]["djb-kerqin-delivery"]
    make_task(office, title="逾期的任务", due=datetime.date(2026, 3, 6), now=_at(2026, 3, 2))
    page = client_for("kerqin_admin").get("/admin/").content.decode()
    assert "逾期任务" in page and "临期任务" in page
    board = client_for("kerqin_admin").get("/admin/plans/board/").content.decode()
    assert "逾期的任务" in board
    assert "逾期的任务" not in client_for("union_staff").get("/admin/plans/board/").content.decode()


def test_the_ranking_page_and_the_bulletin_download(world, client_for):
    client = client_for("city_admin")
    page = client.get("/admin/plans/ranking/?month=2026-03").content.decode()
    assert "科尔沁区外卖骑手行业党建办" in page and "权重" in page
    response = client.get("/admin/plans/ranking/bulletin/?month=2026-03")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert client_for("city_admin").get("/admin/plans/ranking/?month=03-2026").status_code == 404


def test_a_drives_daily_progress_comes_from_the_data(world, client_for):
    _region, offices = make_region(world)
    today = timezone.localdate()
    drive = make_drive(world["units"]["tl-lxgw"], start=today - datetime.timedelta(days=3))
    before = drives.progress(drive, today)
    row = next(c for c in before["counties"] if c["region"] == "159901")
    assert row["totals"]["surveyed"] == 0 and len(row["surveyed"]) == 4
    enterprise(offices["express"])
    enterprise(offices["delivery"])
    after = drives.progress(drive, today)
    row = next(c for c in after["counties"] if c["region"] == "159901")
    assert row["surveyed"][-1] == 2 and row["surveyed"][0] == 0
    page = client_for("city_admin").get(f"/admin/plans/drives/{drive.pk}/progress/").content.decode()
    assert "测试旗" in page
    assert client_for("kerqin_admin").get(f"/admin/plans/drives/{drive.pk}/progress/").status_code == 404

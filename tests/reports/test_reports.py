"""The reports on the small world: periods and scopes refused in Chinese with exit code 2, the sheet
registry, formula cells neutralised, the daily snapshots (tick once a day, back-fill, changes since last
month), the console download (scoped, logged) and the trend API."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.jobs.helpers import run_worker
from tests.ledger.factories import make_enterprise, make_member, make_practitioner
from xinye.accounts.permissions import system_actor
from xinye.audit.models import ChangeLog
from xinye.core.errors import OutOfScope, Refused
from xinye.coverage import aggregates
from xinye.jobs.models import Job
from xinye.reports import services, sheets, trends
from xinye.reports.context import parse_period, resolve_scope
from xinye.reports.models import DailySnapshot
from xinye.reports.sheets import Column, Sheet, Table
from xinye.reports.workbook import safe_text, write_workbook

SYSTEM = system_actor("test")
TODAY = datetime.date(2026, 12, 5)


# --- periods and scopes ---


def test_a_period_is_a_month_up_to_the_current_one():
    p = parse_period("2026-11", today=TODAY)
    assert (p.start, p.end, p.as_of, p.title) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
        datetime.date(2026, 11, 30),
        "2026年11月",
    )
    assert parse_period("2026-12", today=TODAY).as_of == TODAY  # the running month: flows up to today
    assert parse_period("2026-11", today=TODAY).made == TODAY
    assert parse_period("2026-03", today=TODAY).previous().label == "2026-02"
    assert parse_period("2026-01", today=TODAY).previous().label == "2025-12"
    assert parse_period("2026-11", today=TODAY).year_ago().label == "2025-11"
    for bad in ("2026-13", "11/2026", "2026", "2027-01"):
        with pytest.raises(Refused) as exc:
            parse_period(bad, today=TODAY)
        assert "统计期" in exc.value.messages[0]


def test_bad_arguments_exit_with_code_2_and_a_chinese_message(world, tmp_path):
    out = str(tmp_path / "x.xlsx")
    for args, words in (
        (["--period", "2026-13"], "统计期"),
        (["--period", "2026-11", "--scope", "no-such-unit"], "未知的单位编码 no-such-unit"),
    ):
        with pytest.raises(CommandError) as exc:
            call_command("report", "statistics", "--out", out, *args)
        assert exc.value.returncode == 2 and words in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("report", "--actor", "instructor", "briefing", "--period", "2026-11", "--out", out)
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("report", "backfill", "--since", "2026-02-30")
    assert exc.value.returncode == 2 and "日期" in str(exc.value)


def test_a_user_may_only_name_a_scope_they_may_see(world):
    kerqin = world["users"]["kerqin_admin"]
    assert resolve_scope(kerqin, "djb-kerqin-delivery").name == "科尔沁区外卖骑手行业党建办"
    with pytest.raises(Refused) as exc:
        resolve_scope(kerqin, "lxgw-naiman")  # exists, but outside: the same answer as an unknown code
    assert "未知的单位编码 lxgw-naiman" in exc.value.messages[0]


def test_a_named_scope_sees_its_subtree_only(world):
    kerqin_office = world["units"]["djb-kerqin-delivery"]
    naiman_office = world["units"]["djb-naiman-delivery"]
    make_enterprise(kerqin_office)
    make_enterprise(kerqin_office)
    make_enterprise(naiman_office)
    aggregates.refresh()
    city = resolve_scope(SYSTEM)
    kerqin = resolve_scope(world["users"]["city_admin"], "lxgw-kerqin")
    period = parse_period(None)
    assert sheets.build_ledger(city, period).totals[2] == 3
    assert sheets.build_ledger(kerqin, period).totals[2] == 2
    assert [r[0] for r in sheets.build_ledger(kerqin, period).rows] == ["科尔沁区"]


# --- the workbook ---


def test_a_past_months_sheets_state_live_stock_as_of_the_day_made_and_flows_over_the_month(world, tmp_path):
    out = tmp_path / "past.xlsx"
    today = timezone.localdate()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    end = today.replace(day=1) - datetime.timedelta(days=1)
    call_command("report", "statistics", "--period", f"{last_month:%Y-%m}", "--out", str(out))
    book = openpyxl.load_workbook(out)
    stock, flow = book.worksheets[0]["A2"].value, book.worksheets[2]["A2"].value
    assert f"截至 {today:%Y-%m-%d}" in stock
    assert f"{last_month:%Y-%m-%d} 至 {end:%Y-%m-%d}" in flow


def test_a_registered_sheet_joins_the_workbook_with_formulas_neutralised(world, tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "_REGISTRY", dict(sheets._REGISTRY))

    def build(scope, period):
        return Table(
            [Column("名称"), Column("数量", "个")], [['=HYPERLINK("x")', 2], ["@SUM(A1)", 3]], ["合计", 5]
        )

    sheets.register(Sheet("later", "后来的能力", build, order=999))
    out = tmp_path / "w.xlsx"
    assert write_workbook(out, resolve_scope(SYSTEM), parse_period(None)) == len(sheets.registered())
    ws = openpyxl.load_workbook(out).worksheets[-1]
    assert ws.title.endswith("后来的能力")
    assert [ws["A5"].value, ws["A6"].value, ws["B7"].value] == ['\'=HYPERLINK("x")', "'@SUM(A1)", 5]
    assert ws["A5"].data_type == "s"
    assert safe_text("-1") == "'-1" and safe_text("科尔沁区") == "科尔沁区"


def test_the_workbook_export_is_logged(world, tmp_path):
    before = ChangeLog.objects.filter(action="export").count()
    call_command(
        "report", "statistics", "--period", f"{timezone.localdate():%Y-%m}", "--out", str(tmp_path / "a.xlsx")
    )
    entry = ChangeLog.objects.filter(action="export").latest("pk")
    assert ChangeLog.objects.filter(action="export").count() == before + 1
    assert "统计报表" in entry.note and "全市" in entry.note


# --- daily snapshots ---


def _cells(world):
    office = world["units"]["djb-kerqin-delivery"]
    enterprise = make_enterprise(office)
    make_practitioner(enterprise)
    make_member(enterprise)
    make_enterprise(world["units"]["djb-naiman-express"])
    aggregates.refresh()
    return office


def test_the_tick_writes_the_days_snapshot_once(world):
    _cells(world)
    now = timezone.make_aware(datetime.datetime(2026, 12, 5, 9, 0))
    first = services.tick(actor=SYSTEM, now=now)
    assert first.days == 1 and "统计快照" in first.summary
    row = DailySnapshot.objects.get(day=datetime.date(2026, 12, 5), region="150502", industry="delivery")
    assert (row.enterprises, row.practitioners, row.party_members) == (1, 2, 1)
    assert services.tick(actor=SYSTEM, now=now).days == 0  # once a day
    with pytest.raises(OutOfScope):
        services.tick(actor=world["users"]["city_admin"], now=now)
    with pytest.raises(OutOfScope):
        services.take_snapshot(TODAY, actor=world["users"]["city_admin"])


def test_backfill_rebuilds_what_history_allows_and_leaves_the_rest_unknown(world):
    _cells(world)
    today = timezone.localdate()
    days = services.backfill(today - datetime.timedelta(days=3), today, actor=SYSTEM)
    assert days == 4
    row = DailySnapshot.objects.get(day=today, region="150502", industry="delivery")
    assert row.enterprises == 1 and row.source == "backfill"
    assert row.independent is None  # coverage statuses keep no history
    before = DailySnapshot.objects.get(
        day=today - datetime.timedelta(days=3), region="150502", industry="delivery"
    )
    assert before.enterprises == 0  # created today
    assert services.backfill(today - datetime.timedelta(days=3), today, actor=SYSTEM) == 0  # nothing missing
    with pytest.raises(Refused):
        services.backfill(today, today - datetime.timedelta(days=1), actor=SYSTEM)


def test_changes_since_last_month_and_a_year_ago_are_summed_over_the_scope(world):
    office = world["units"]["djb-kerqin-delivery"]
    other = world["units"]["djb-naiman-express"]
    for day, n in ((datetime.date(2026, 10, 31), 7), (datetime.date(2025, 11, 30), 4)):
        for unit in (office, other):
            DailySnapshot.objects.create(
                day=day,
                unit=unit,
                region=unit.region,
                industry=unit.industry,
                enterprises=n,
                source="backfill",
            )
    period = parse_period("2026-11", today=TODAY)
    kerqin = resolve_scope(world["users"]["kerqin_admin"])
    result = trends.compare(kerqin, period, {"enterprises": 10, "practitioners": 5})
    assert result["previous_day"] == datetime.date(2026, 10, 31)
    assert result["figures"]["enterprises"] == (10, 3, 6)  # 10 − 7, 10 − 4: 奈曼's rows are not counted
    assert result["figures"]["practitioners"] == (5, None, None)  # unknown then: no change stated
    city = resolve_scope(SYSTEM)
    assert trends.compare(city, period, {"enterprises": 20})["figures"]["enterprises"] == (20, 6, 12)


# --- console and API ---


def test_the_console_offers_the_users_scopes_and_builds_a_logged_workbook(world, client_for):
    client = client_for("kerqin_admin")
    page = client.get("/admin/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "lxgw-kerqin" in html and "lxgw-naiman" not in html and "djb-kerqin-delivery" in html
    period = f"{timezone.localdate():%Y-%m}"
    # the button queues a background job (tests/jobs has the whole flow); the worker builds the file
    started = client.post(
        "/admin/reports/statistics.xlsx", {"period": period, "scope": "djb-kerqin-delivery"}
    )
    run_worker()
    job = Job.objects.get(token=started["Location"].split("/")[-2])
    response = client.get(f"/admin/jobs/{job.token.hex}/download/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "科尔沁区外卖骑手行业党建办" in book.worksheets[0]["A1"].value
    entry = ChangeLog.objects.filter(action="export").latest("pk")
    assert entry.username == "kerqin_admin" and "统计报表" in entry.note
    # another county's unit: refused with the message, nothing exported
    count = ChangeLog.objects.filter(action="export").count()
    refused = client.post(
        "/admin/reports/briefing.docx", {"period": period, "scope": "lxgw-naiman"}, follow=True
    )
    assert "未知的单位编码" in refused.content.decode()
    run_worker()
    assert ChangeLog.objects.filter(action="export").count() == count
    # the sidebar leads there; a role without the export grant finds neither the link nor the page
    assert 'href="/admin/reports/"' in client.get("/admin/").content.decode()
    instructor = client_for("instructor")
    assert 'href="/admin/reports/"' not in instructor.get("/admin/").content.decode()
    assert instructor.get("/admin/reports/").status_code == 404
    assert instructor.post("/admin/reports/statistics.xlsx", {"period": period}).status_code == 404


def test_the_trend_api_sums_the_users_snapshots(world, api_client):
    today = timezone.localdate()
    for unit in (world["units"]["djb-kerqin-delivery"], world["units"]["djb-naiman-express"]):
        DailySnapshot.objects.create(
            day=today, unit=unit, region=unit.region, industry=unit.industry, enterprises=5
        )
    points = (
        api_client("kerqin_admin").get("/api/v1/reports/trend", {"figure": "enterprises", "days": 3}).json()
    )
    assert [p["value"] for p in points["points"]] == [None, None, 5]
    city = api_client("city_admin").get("/api/v1/reports/trend", {"figure": "enterprises", "days": 1}).json()
    assert city["points"][0]["value"] == 10
    bad = api_client("city_admin").get("/api/v1/reports/trend", {"figure": "salary"})
    assert bad.status_code == 422 and "未知的指标" in bad.json()["detail"]

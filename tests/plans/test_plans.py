"""Plans: live goals follow the data, reported goals need evidence; the task loop with its deadlines,
reminders and escalation under a frozen clock; 督办 with a reply; the ranking against a hand-computed
example, and the rule table changing it; the API contracts and the CLI."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.coverage.helpers import enterprise, make_region
from tests.plans.factories import SYSTEM, make_goal, make_plan, make_task
from xinye.accounts.models import User
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.ledger import services as ledger
from xinye.orglife.models import Meeting
from xinye.orgs.models import OrgUnit
from xinye.plans import indicators, ranking, services
from xinye.plans.models import PlanNotice, ScoreRule


def _at(y, m, d, h=9):
    return timezone.make_aware(datetime.datetime(y, m, d, h))


# --- goals ---


def test_live_goals_move_when_the_data_moves(world):
    region, offices = make_region(world)
    wc = OrgUnit.objects.get(code="lxgw-test")
    plan = make_plan(wc)
    rate = make_goal(plan, indicator="organisation_rate", target="50")
    developed = make_goal(plan, indicator="members_developed", target="5")
    today = timezone.localdate()
    assert indicators.actual(rate, today) == Decimal(0)
    e1, e2 = enterprise(offices["express"]), enterprise(offices["express"])
    assert indicators.actual(rate, today) == Decimal(0)
    ledger.create_party_organisation(actor=SYSTEM, kind="branch", enterprises=[e1], founded_on=today)
    assert indicators.actual(rate, today) == Decimal("50.00")
    before = indicators.actual(developed, today)
    from tests.coverage.helpers import members

    member = members(e2, probationary=1)[0]
    member.joined_on = today
    member.save()
    assert indicators.actual(developed, today) == before + 1


def test_a_live_goal_is_never_typed_in_and_a_reported_one_needs_evidence(world):
    plan = make_plan(world["units"]["lxgw-kerqin"])
    live = make_goal(plan, indicator="visits", target="100")
    with pytest.raises(Refused, match="系统按实际数据计算"):
        services.report_goal(live, value=5, evidence="台账", actor=SYSTEM)
    reported = make_goal(plan, indicator="reported", target="200")
    with pytest.raises(Refused, match="佐证"):
        services.report_goal(reported, value=120, evidence="  ", actor=SYSTEM)
    services.report_goal(reported, value=120, evidence="培训签到表 4 份", actor=SYSTEM)
    reported.refresh_from_db()
    assert reported.reported_value == Decimal(120) and reported.reported_at is not None
    assert indicators.actual(reported, timezone.localdate()) == Decimal(120)


# --- the task loop ---


def test_the_task_loop_and_its_transitions(world):
    office = world["units"]["djb-kerqin-delivery"]
    task = make_task(office)
    with pytest.raises(Refused, match="请先签收"):
        services.report_task(task, actor=SYSTEM, text="进展")
    services.sign_task(task, actor=SYSTEM)
    with pytest.raises(Refused, match="不能改为"):
        services.sign_task(task, actor=SYSTEM)
    services.report_task(task, actor=SYSTEM, text="已部署")
    services.report_task(task, actor=SYSTEM, text="全部完成", kind="final")
    task.refresh_from_db()
    assert task.status == "done" and not task.finished_late and task.reports.count() == 2
    with pytest.raises(Refused):
        services.report_task(task, actor=SYSTEM, text="再报")


def test_a_task_goes_to_an_office_on_a_working_day_from_a_unit_on_its_lines(world):
    office = world["units"]["djb-kerqin-delivery"]
    now = _at(2026, 3, 2)
    with pytest.raises(Refused, match="不是工作日"):
        make_task(office, due=datetime.date(2026, 3, 7), now=now)  # a Saturday
    with pytest.raises(Refused, match="不能早于今天"):
        make_task(office, due=datetime.date(2026, 2, 27), now=now)
    with pytest.raises(Refused, match="不是.*上级"):
        make_task(office, issuer=world["units"]["lxgw-naiman"], due=datetime.date(2026, 3, 6), now=now)
    with pytest.raises(Refused, match="下达到行业党建办"):
        make_task(
            world["units"]["lxgw-kerqin"],
            issuer=world["units"]["tl-lxgw"],
            due=datetime.date(2026, 3, 6),
            now=now,
        )
    committee = OrgUnit.objects.get(code="hydw-delivery")
    task = make_task(office, issuer=committee, due=datetime.date(2026, 3, 6), now=now)
    assert task.sign_due == datetime.date(2026, 3, 3)  # 1 working day


def test_tick_reminds_and_escalates_once_under_a_frozen_clock(world):
    office = world["units"]["djb-kerqin-delivery"]
    tick = system_actor("tick")
    task = make_task(office, due=datetime.date(2026, 3, 6), now=_at(2026, 3, 2))  # Monday; due Friday
    r = services.tick(actor=tick, now=_at(2026, 3, 4, 10))
    assert (r.signs, r.due_soon, r.reminded, r.escalated) == (1, 1, 0, 0)
    assert services.tick(actor=tick, now=_at(2026, 3, 4, 11)).total == 0  # idempotent
    r = services.tick(actor=tick, now=_at(2026, 3, 7, 8))  # the day after the deadline
    assert (r.reminded, r.escalated) == (1, 0)
    assert PlanNotice.objects.get(task=task, kind="overdue").unit == office
    assert services.tick(actor=tick, now=_at(2026, 3, 12, 23)).escalated == 0  # 4 working days later
    r = services.tick(actor=tick, now=_at(2026, 3, 13, 9))  # 5 working days after the deadline
    assert r.escalated == 1
    up = set(PlanNotice.objects.filter(task=task, kind="escalation").values_list("unit__code", flat=True))
    assert up == {"lxgw-kerqin", "hydw-delivery"}
    supervision = PlanNotice.objects.get(task=task, kind="supervision")
    assert supervision.reply_required and supervision.unit == office
    assert supervision.reply_due == datetime.date(2026, 3, 18)
    task.refresh_from_db()
    assert task.escalated_to.code == "lxgw-kerqin"
    assert services.tick(actor=tick, now=_at(2026, 3, 16, 9)).total == 0
    r = services.tick(actor=tick, now=_at(2026, 3, 19, 9))  # the 督办 still unanswered after its reply date
    assert r.reminded == 1 and "未在 2026-03-18 前回复督办" in r.details[0]
    assert services.tick(actor=tick, now=_at(2026, 3, 19, 10)).total == 0
    services.reply_notice(supervision, actor=SYSTEM, reply="本周内完成")
    with pytest.raises(Refused, match="重复回复"):
        services.reply_notice(supervision, actor=SYSTEM, reply="再答")
    with pytest.raises(OutOfScope):
        services.tick(actor=User.objects.get(username="city_admin"))


def test_a_finished_task_is_never_reminded_and_late_work_is_marked_late(world):
    office = world["units"]["djb-kerqin-delivery"]
    task = make_task(office, due=datetime.date(2026, 3, 6), now=_at(2026, 3, 2))
    services.sign_task(task, actor=SYSTEM, now=_at(2026, 3, 2, 10))
    services.report_task(task, actor=SYSTEM, text="完成", kind="final", now=_at(2026, 3, 9))
    task.refresh_from_db()
    assert task.finished_late
    assert services.tick(actor=system_actor("tick"), now=_at(2026, 3, 20)).total == 0


def test_supervision_goes_to_an_office_and_requires_a_reply(world):
    office = world["units"]["djb-naiman-delivery"]
    committee = OrgUnit.objects.get(code="hydw-delivery")
    rider = User.objects.get(username="rider_committee_admin")
    notice = services.send_supervision(actor=rider, office=office, sender=committee, message="请报送走访台账")
    assert notice.reply_required and notice.reply_due > timezone.localdate()
    express = world["units"]["djb-naiman-express"]
    with pytest.raises(OutOfScope):  # another industry's office
        services.send_supervision(actor=rider, office=express, sender=committee, message="越权督办")


# --- the ranking ---


def _example(world):
    """Office A (快递): 4 tasks due in March 2026 — 2 on time, 1 late, 1 open; 4 enterprises, 1 covered by an
    organisation founded in 2025 (with a 支委会 in March), 1 by one founded in March; office B (外卖骑手):
    nothing. The city plan's 党组织覆盖率 target is 80 %."""
    _region, offices = make_region(world)
    a, b = offices["express"], offices["delivery"]
    plan = make_plan(world["units"]["tl-lxgw"], year=2026)
    make_goal(plan, indicator="organisation_rate", target="80")
    now = _at(2026, 3, 2)
    tasks = [make_task(a, due=datetime.date(2026, 3, 20), now=now) for _ in range(4)]
    for task, day in zip(tasks[:3], (18, 20, 25), strict=True):
        services.sign_task(task, actor=SYSTEM, now=now)
        services.report_task(task, actor=SYSTEM, text="完成", kind="final", now=_at(2026, 3, day))
    ents = [enterprise(a) for _ in range(4)]
    old = ledger.create_party_organisation(
        actor=SYSTEM, kind="branch", enterprises=[ents[0]], founded_on=datetime.date(2025, 6, 1)
    )
    ledger.create_party_organisation(
        actor=SYSTEM, kind="branch", enterprises=[ents[1]], founded_on=datetime.date(2026, 3, 10)
    )
    Meeting.objects.create(
        unit=old.unit,
        region=old.region,
        industry=old.industry,
        kind="committee_meeting",
        date=datetime.date(2026, 3, 12),
        topic="支委会",
    )
    return a, b, OrgUnit.objects.filter(code__startswith="djb-test-")


def test_the_ranking_matches_a_hand_computed_example(world):
    a, b, offices = _example(world)
    items = ranking.compute(datetime.date(2026, 3, 1), timezone.localdate(), offices)
    by = {i["office_id"]: i for i in items}
    # A: tasks (2 + 0.5×1)/4 = 62.5; goals 50 % / 80 % = 62.5; coverage +25 points ≥ 5 → 100; health 1/2 = 50
    # 0.4×62.5 + 0.2×62.5 + 0.2×100 + 0.2×50 = 67.5
    assert [p["value"] for p in by[a.pk]["parts"]] == ["62.50", "62.50", "100.00", "50.00"]
    assert by[a.pk]["score"] == Decimal("67.50")
    # B: no task due 100, no enterprise 100 and 100, no organisation 0 → 80
    assert by[b.pk]["score"] == Decimal("80.00")
    assert [i["office_id"] for i in items] == [b.pk, a.pk] and [i["rank"] for i in items] == [1, 2]
    lines = [p["explanation"] for p in by[a.pk]["parts"]]
    assert "按期完成 2 件，逾期完成 1 件" in lines[0] and "= 25.00 分" in lines[0]
    assert "2/4 家企业" in lines[1] and "目标 80" in lines[1]


def test_editing_the_rule_table_in_the_console_changes_the_ranking(world, client_for):
    a, b, offices = _example(world)
    services.ensure_score_rules(actor=SYSTEM, owner=world["units"]["tl-lxgw"])
    health = ScoreRule.objects.get(key="health")
    client = client_for("city_admin")
    response = client.post(
        f"/admin/plans/scorerule/{health.pk}/change/",
        {"weight": "60", "param": "0", "description": health.description},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    items = ranking.compute(datetime.date(2026, 3, 1), timezone.localdate(), offices)
    by = {i["office_id"]: i for i in items}
    # weights 40/20/20/60 of 140: A = (2500 + 1250 + 2000 + 3000)/140 = 62.5; B = 8000/140 = 57.14
    assert by[a.pk]["score"] == Decimal("62.50") and by[b.pk]["score"] == Decimal("57.14")
    assert items[0]["office_id"] == a.pk
    # a county may not edit the city's rule table
    response = client_for("kerqin_admin").post(
        f"/admin/plans/scorerule/{health.pk}/change/", {"weight": "0", "param": "0"}
    )
    assert response.status_code == 404
    health.refresh_from_db()
    assert health.weight == Decimal(60)


def test_the_ranking_of_a_month_takes_a_handful_of_queries(world, django_assert_max_num_queries):
    _example(world)
    with django_assert_max_num_queries(8):
        items = ranking.compute(datetime.date(2026, 3, 1), timezone.localdate())
    assert len(items) == OrgUnit.objects.filter(kind="industry_office", is_active=True).count()


# --- API and CLI ---


def test_the_api_contracts(world, api_client):
    _example(world)
    city = api_client("city_admin")
    body = city.get("/api/v1/plans").json()
    plan = next(p for p in body["items"] if p["year"] == 2026)
    assert plan["owner"]["name"] == "通辽市两新工委"
    goal = plan["goals"][0]
    assert goal["indicator"] == "organisation_rate" and goal["source"] == "live"
    assert {"target", "actual"} <= set(goal)
    office = world["units"]["djb-kerqin-delivery"]
    late = make_task(office, due=datetime.date(2026, 3, 6), now=_at(2026, 3, 2))
    make_task(office)  # not due yet
    items = city.get("/api/v1/plan-tasks?status=overdue").json()["items"]
    assert late.pk in {i["id"] for i in items} and all(i["state"] == "逾期" for i in items)
    ranking_body = city.get("/api/v1/offices/ranking?month=2026-03").json()
    n = OrgUnit.objects.filter(kind="industry_office", is_active=True).count()
    assert ranking_body["count"] == n and not ranking_body["stored"]
    first = ranking_body["items"][0]
    assert {"office", "score", "rank", "parts"} <= set(first) and first["rank"] == 1
    assert city.get("/api/v1/offices/ranking?month=2026-13").status_code == 422
    # a 行业党委 sees its own industry's offices only
    rider = api_client("rider_committee_admin").get("/api/v1/offices/ranking?month=2026-03").json()
    names = {i["office"] for i in rider["items"]}
    assert names and all("外卖骑手" in name for name in names)


def test_an_office_sees_its_own_tasks_and_a_committee_its_industrys(world, api_client):
    now = _at(2026, 3, 2)
    due = datetime.date(2026, 3, 20)
    kerqin = make_task(world["units"]["djb-kerqin-delivery"], due=due, now=now)
    naiman = make_task(world["units"]["djb-naiman-delivery"], due=due, now=now)
    express = make_task(world["units"]["djb-naiman-express"], due=due, now=now)
    rider = {i["id"] for i in api_client("rider_committee_admin").get("/api/v1/plan-tasks").json()["items"]}
    assert {kerqin.pk, naiman.pk} <= rider and express.pk not in rider
    county = {i["id"] for i in api_client("kerqin_admin").get("/api/v1/plan-tasks").json()["items"]}
    assert kerqin.pk in county and naiman.pk not in county


def test_the_cli_ranks_publishes_and_writes_the_bulletin(world, tmp_path):
    from django.core.management import call_command
    from docx import Document

    from xinye.plans.models import OfficeScore

    _example(world)
    out = tmp_path / "tongbao.docx"
    call_command("plans", "rank", "--month", "2026-03", "--publish")
    assert (
        OfficeScore.objects.filter(month=datetime.date(2026, 3, 1)).count()
        == OrgUnit.objects.filter(kind="industry_office", is_active=True).count()
    )
    call_command("plans", "bulletin", "--month", "2026-03", "--out", str(out))
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "2026年3月" in text and "本月到期任务 4 件，按期完成 2 件，逾期完成 1 件" in text
    table = Document(str(out)).tables[0]
    assert any("测试旗快递行业党建办" in row.cells[1].text for row in table.rows)


def test_a_task_not_yet_due_does_not_count_against_the_office(world):
    _region, offices = make_region(world)
    express = offices["express"]
    task = make_task(express)  # due in 10 working days, still open
    month = task.due_date.replace(day=1)
    items = ranking.compute(month, timezone.localdate(), OrgUnit.objects.filter(pk=express.pk))
    part = items[0]["parts"][0]
    assert part["value"] == "100.00" and "另有 1 件尚未到期" in part["explanation"]
    # once its date has passed it counts as not done
    later = ranking.compute(
        month, task.due_date + datetime.timedelta(days=1), OrgUnit.objects.filter(pk=express.pk)
    )
    assert later[0]["parts"][0]["value"] == "0.00"

"""Visits, quotas and the overdue list on a frozen clock; assignment confirmation; API and console pages."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.guidance import helpers
from xinye.accounts.permissions import clear_cache, system_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.guidance import services
from xinye.guidance.models import Visit, VisitProblem
from xinye.ledger.models import Enterprise
from xinye.orgs.models import Responsibility
from xinye.orgs.services import assign_responsibility

pytestmark = pytest.mark.django_db
SYSTEM = system_actor("test")
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def field(world):
    """The demo instructor as an agent with three Kerqin enterprises and one in Naiman they do not cover."""
    user = world["users"]["instructor"]
    kerqin = world["units"]["djb-kerqin-delivery"]
    agent = helpers.agent(kerqin, "instructor", "王指导", user=user)
    ents = [helpers.enterprise(kerqin, f"美团外卖{n}站") for n in ("明仁", "建国", "和平")]
    for e in ents:
        assign_responsibility(e, "instructor", agent=agent, actor=system_actor("test"))
    other = helpers.enterprise(world["units"]["djb-naiman-delivery"], "奈曼某站")
    clear_cache(user)
    return {"user": user, "agent": agent, "ents": ents, "other": other}


def _visit(agent, ent, day, **kw):
    return Visit.objects.create(agent=agent, enterprise=ent, date=day, **kw)


@time_machine.travel(NOW, tick=False)
def test_quarterly_due_and_overdue_list(field):
    agent, (e1, e2, e3) = field["agent"], field["ents"]
    _visit(agent, e1, dt.date(2026, 10, 15))  # this quarter: done
    _visit(agent, e2, dt.date(2026, 8, 1))  # last quarter only: due this quarter
    _visit(agent, e3, dt.date(2026, 5, 1))  # not last quarter either: overdue
    rows = {r.enterprise_name: r for r in services.due_for_agent(agent)}
    assert rows["美团外卖明仁站"].status == "done"
    assert rows["美团外卖建国站"].status == "due"
    assert (
        rows["美团外卖建国站"].message == "本季度尚未走访，还剩 41 天（2026-12-31 截止），上次走访 2026-08-01"
    )
    assert rows["美团外卖和平站"].status == "overdue"
    assert "上次走访 2026-05-01" in rows["美团外卖和平站"].message
    assert [r.enterprise_name for r in services.due_for_agent(agent)][0] == "美团外卖和平站"  # overdue first
    listed = services.overdue_list([agent], Enterprise.objects.all())
    assert [(a.pk, r.enterprise_name, r.status) for a, r in listed] == [
        (agent.pk, "美团外卖和平站", "overdue"),
        (agent.pk, "美团外卖建国站", "due"),
    ]


@time_machine.travel(NOW, tick=False)
def test_the_console_home_counts_what_the_overdue_list_lists(field):
    """The 工作台's card counts in the database (issue 17) and must state the same two figures as the list."""
    from xinye.orgs.models import Agent

    agent, (e1, e2, e3) = field["agent"], field["ents"]
    _visit(agent, e1, dt.date(2026, 10, 15))
    _visit(agent, e2, dt.date(2026, 8, 1))
    _visit(agent, e3, dt.date(2026, 5, 1))
    fresh = helpers.enterprise(e1.unit, "美团外卖新华站")  # assigned this quarter: due, not overdue
    assign_responsibility(
        fresh, "instructor", agent=agent, since=dt.date(2026, 10, 2), actor=system_actor("test")
    )
    helpers.enterprise(e1.unit, "未分配站")  # nobody's: in neither figure
    agents, enterprises = Agent.objects.filter(pk=agent.pk), Enterprise.objects.all()
    listed = services.overdue_list(agents, enterprises)
    overdue, pending = services.overdue_counts(agents, enterprises)
    assert (overdue, pending) == (1, 3)
    assert (overdue, pending) == (sum(1 for _a, r in listed if r.status == "overdue"), len(listed))


@time_machine.travel(NOW, tick=False)
def test_yearly_evidence_and_quotas(field):
    agent, (e1, e2, e3) = field["agent"], field["ents"]
    for q_month in (2, 5, 8):
        for e in (e1, e2, e3):
            _visit(agent, e, dt.date(2026, q_month, 10))
    v = _visit(agent, e1, dt.date(2026, 6, 1), is_heart_to_heart=True)
    VisitProblem.objects.create(
        visit=v, description="缺少休息点", status="resolved", resolved_on=dt.date(2026, 6, 9)
    )
    VisitProblem.objects.create(visit=v, description="子女入学")
    ev = services.evidence_for(agent, 2026)
    assert (ev.assigned, ev.visits, ev.enterprises_visited) == (3, 10, 3)
    assert ev.quarter_coverage == 1.0  # Q1–Q3 are over and fully visited; Q4 is still running
    assert (ev.heart_to_heart, ev.care_visits, ev.problems_found, ev.problems_resolved) == (1, 0, 2, 1)
    assert ev.shortfalls == ["走访慰问 0 次，尚未达到每年至少 1 次"]


@time_machine.travel(NOW, tick=False)
def test_record_visit_only_for_assigned_enterprises(field):
    user, agent, ent = field["user"], field["agent"], field["ents"][0]
    visit = services.record_visit(
        actor=user, enterprise=ent, topics=["政策宣讲", "care"], summary="宣讲", problems=["充电难", " "]
    )
    assert visit.agent == agent and visit.unit == ent.unit and visit.topics == ["policy", "care"]
    assert [p.description for p in visit.problems.all()] == ["充电难"]
    with pytest.raises(OutOfScope):
        services.record_visit(actor=user, enterprise=field["other"])
    with pytest.raises(ValidationError, match="晚于今天"):
        services.record_visit(actor=user, enterprise=ent, date=dt.date(2026, 12, 1))
    with pytest.raises(ValidationError, match="走访内容"):
        services.record_visit(actor=user, enterprise=ent, topics=["喝茶"])


@time_machine.travel(NOW, tick=False)
def test_problem_workflow(field):
    visit = _visit(field["agent"], field["ents"][0], dt.date(2026, 11, 2))
    problem = VisitProblem.objects.create(visit=visit, description="充电桩不足")
    services.set_problem_status(problem, "resolved", resolution="社区加装 4 个充电桩", actor=SYSTEM)
    assert problem.resolved_on == dt.date(2026, 11, 20)
    with pytest.raises(ValidationError, match="不能改为“解决中”"):
        services.set_problem_status(problem, "in_progress", actor=SYSTEM)
    services.set_problem_status(problem, "open", actor=SYSTEM)
    assert problem.resolved_on is None


def test_convert_problem_to_appeal_is_idempotent(field, world):
    pytest.importorskip("xinye.appeals.services")
    from xinye.appeals import services as appeals

    if not hasattr(appeals, "submit_appeal"):
        pytest.skip("appeals.submit_appeal not available yet")
    visit = _visit(field["agent"], field["ents"][0], dt.date(2026, 11, 2))
    problem = VisitProblem.objects.create(visit=visit, description="骑手子女入学难")
    admin = world["users"]["kerqin_admin"]
    first = services.convert_problem_to_appeal(problem, actor=admin)
    again = services.convert_problem_to_appeal(problem, actor=admin)
    assert first.pk == again.pk == problem.appeal_id
    assert problem.status == "in_progress"


def test_confirm_assignment_is_scope_checked(world):
    kerqin_admin = world["users"]["kerqin_admin"]
    office = world["units"]["djb-kerqin-express"]
    ent = helpers.enterprise(office)
    liaison = helpers.agent(office, "liaison", "李联络")
    services.confirm_assignment(
        [{"enterprise_id": ent.pk, "agent_id": liaison.pk, "kind": "liaison"}], actor=kerqin_admin
    )
    assert Responsibility.objects.filter(object_id=ent.pk, role="liaison", agent=liaison).exists()
    naiman = helpers.enterprise(world["units"]["djb-naiman-express"])
    with pytest.raises(OutOfScope):
        services.confirm_assignment(
            [{"enterprise_id": naiman.pk, "agent_id": liaison.pk, "kind": "liaison"}], actor=kerqin_admin
        )
    with pytest.raises(ValidationError, match="是驻企联络员"):
        services.confirm_assignment(
            [{"enterprise_id": ent.pk, "agent_id": liaison.pk, "kind": "instructor"}], actor=kerqin_admin
        )


def test_assignment_api_propose_then_confirm(world, api_client):
    office = world["units"]["djb-kerqin-logistics"]
    ents = [helpers.enterprise(office, f"物流园{i}", lat=43.6 + i * 0.01, lng=122.26) for i in range(4)]
    for i in range(2):
        helpers.agent(office, "instructor", f"指导员甲{i}", latitude=43.6 + i * 0.03, longitude=122.26)
        helpers.agent(office, "liaison", f"联络员乙{i}", latitude=43.6 + i * 0.03, longitude=122.26)
    client = api_client("kerqin_admin")
    r = client.post("/api/v1/assignments/propose", {"region": "150502"}, content_type="application/json")
    assert r.status_code == 200, r.content
    mine = [i for i in r.json()["items"] if i["enterprise_id"] in {e.pk for e in ents}]
    assert {(i["enterprise_id"], i["kind"]) for i in mine} == {
        (e.pk, k) for e in ents for k in ("instructor", "liaison")
    }
    assert all(
        i["explanation"].startswith("科尔沁区 物流园") and "同一旗县" in i["explanation"] for i in mine
    )
    r = client.post(
        "/api/v1/assignments/confirm",
        {"items": [{k: i[k] for k in ("enterprise_id", "agent_id", "kind")} for i in mine]},
        content_type="application/json",
    )
    assert r.json() == {"recorded": 8}
    r = client.post("/api/v1/assignments/propose", {"region": "150502"}, content_type="application/json")
    assert not [i for i in r.json()["items"] if i["enterprise_id"] in {e.pk for e in ents}]
    # an instructor cannot plan assignments
    assert (
        api_client("instructor")
        .post("/api/v1/assignments/propose", {}, content_type="application/json")
        .status_code
        == 403
    )


@time_machine.travel(NOW, tick=False)
def test_visit_api_and_my_list(field, api_client):
    client = api_client("instructor")
    ent = field["ents"][1]
    r = client.post(
        "/api/v1/visits",
        {"enterprise_id": ent.pk, "topics": ["policy"], "summary": "宣讲新政策", "problems": ["缺少饮水点"]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["problems"][0]["status"] == "open"
    r = client.post("/api/v1/visits", {"enterprise_id": field["other"].pk}, content_type="application/json")
    assert r.status_code == 404
    rows = client.get("/api/v1/guidance/my-enterprises").json()
    assert {row["enterprise_name"]: row["status"] for row in rows}[ent.name] == "done"
    assert client.get("/api/v1/guidance/my-enterprises", {"status": "overdue"}).json()  # never visited before


@time_machine.travel(NOW, tick=False)
def test_phone_page_lists_my_enterprises_and_logs_a_visit(field, client_for):
    client = client_for("instructor")
    page = client.get("/admin/guidance/my/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "美团外卖明仁站" in text and "逾期未走访" in text and 'name="viewport"' in text
    assert "奈曼某站" not in text
    assert "本季度待走访" in client.get("/admin/").content.decode()  # the console home card
    ent = field["ents"][0]
    r = client.post(
        "/admin/guidance/my/",
        {
            "enterprise": ent.pk,
            "date": "2026-11-19",
            "topics": ["care"],
            "is_care_visit": "1",
            "summary": "慰问",
        },
    )
    assert r.status_code == 302
    visit = Visit.objects.get(agent=field["agent"], enterprise=ent)
    assert visit.is_care_visit and visit.date == dt.date(2026, 11, 19)
    # someone else's enterprise is not offered and cannot be forced
    client.post("/admin/guidance/my/", {"enterprise": field["other"].pk, "summary": "x"})
    assert not Visit.objects.filter(enterprise=field["other"]).exists()


def test_assignment_console_page(world, client_for):
    office = world["units"]["djb-kerqin-internet"]
    ent = helpers.enterprise(office, "某直播基地", lat=43.62, lng=122.27)
    helpers.agent(office, "instructor", "赵指导", latitude=43.62, longitude=122.26)
    client = client_for("kerqin_admin")
    page = client.get("/admin/guidance/assignment/", {"county": "150502"})
    assert page.status_code == 200
    assert "科尔沁区 某直播基地 → 党建指导员 赵指导：同一旗县" in page.content.decode()
    client.post(
        "/admin/guidance/assignment/",
        {
            "county": "150502",
            "confirm": "1",
            "pick": [f"{ent.pk}:instructor"],
            f"agent-{ent.pk}-instructor": "",
        },
    )
    assert client_for("instructor").get("/admin/guidance/assignment/").status_code == 404


@time_machine.travel(NOW, tick=False)
def test_problem_api_and_admin_actions(field, api_client, client_for):
    visit = _visit(field["agent"], field["ents"][0], dt.date(2026, 11, 2))
    problem = VisitProblem.objects.create(visit=visit, description="缺少饮水点")
    client = api_client("instructor")
    r = client.post(
        f"/api/v1/visit-problems/{problem.pk}/status",
        {"status": "resolved", "resolution": "已加装饮水机"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["resolved_on"] == "2026-11-20"
    r = client.post(
        f"/api/v1/visit-problems/{problem.pk}/status",
        {"status": "in_progress"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "不能改为“解决中”" in r.json()["errors"][0]["message"]
    # the console moves the status only through the workflow's actions
    admin = client_for("kerqin_admin")
    admin.post("/admin/guidance/visitproblem/", {"action": "reopen", "_selected_action": [problem.pk]})
    problem.refresh_from_db()
    assert problem.status == "open" and problem.resolved_on is None


def test_assessment_api_with_evidence(world, api_client):
    office = world["units"]["djb-kerqin-express"]
    instructor = helpers.agent(office, "instructor", "孙指导")
    client = api_client("kerqin_admin")
    r = client.post(
        "/api/v1/assessments",
        {"agent_id": instructor.pk, "year": 2025, "grade": "称职", "comment": "走访扎实"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["grade"] == "competent" and body["evidence"]["year"] == 2025
    assert "谈心谈话 0 次，未达到每年至少 1 次" in body["evidence"]["shortfalls"]
    r = client.post(
        "/api/v1/assessments",
        {"agent_id": instructor.pk, "year": 2025, "grade": "很好"},
        content_type="application/json",
    )
    assert r.status_code == 422
    naiman = helpers.agent(world["units"]["djb-naiman-express"], "instructor")
    r = client.post(
        "/api/v1/assessments",
        {"agent_id": naiman.pk, "year": 2025, "grade": "competent"},
        content_type="application/json",
    )
    assert r.status_code == 404


def test_cli_proposes_and_confirms(world):
    from io import StringIO

    from django.core.management import call_command

    office = world["units"]["djb-kulun-delivery"] if "djb-kulun-delivery" in world["units"] else None
    if office is None:
        office = next(
            u for c, u in world["units"].items() if c.startswith("djb-") and u.region_id == "150524"
        )
    ent = helpers.enterprise(office, "库伦某配送站", lat=42.73, lng=121.77)
    helpers.agent(office, "liaison", "钱联络", latitude=42.74, longitude=121.77)
    out = StringIO()
    call_command("propose_assignments", "--region", "150524", "--confirm", stdout=out)
    text = out.getvalue()
    assert "库伦旗 库伦某配送站 → 驻企联络员 钱联络：同一旗县" in text
    assert Responsibility.objects.filter(object_id=ent.pk, role="liaison", agent__name="钱联络").exists()


def test_field_agents_log_only_their_own_visits_and_do_not_grade(field, world, api_client):
    colleague = helpers.agent(world["units"]["djb-kerqin-delivery"], "instructor", "同事")
    with pytest.raises(Refused, match="只能记录本人的走访"):
        services.record_visit(actor=field["user"], agent=colleague, enterprise=field["ents"][0])
    r = api_client("instructor").post(
        "/api/v1/assessments",
        {"agent_id": colleague.pk, "year": 2025, "grade": "excellent"},
        content_type="application/json",
    )
    assert r.status_code == 403
    # a county admin may log a visit for an agent of the county
    visit = services.record_visit(
        actor=world["users"]["kerqin_admin"], agent=colleague, enterprise=field["ents"][0]
    )
    assert visit.agent == colleague


@time_machine.travel(NOW, tick=False)
def test_overdue_api_and_visit_list_queries(field, api_client, django_assert_max_num_queries):
    agent, ents = field["agent"], field["ents"]
    for e in ents:
        for month in (4, 8, 10):
            v = _visit(agent, e, dt.date(2026, month, 3))
            VisitProblem.objects.create(visit=v, description="问题")
    _visit(agent, ents[0], dt.date(2026, 11, 3))
    Visit.objects.filter(enterprise=ents[2], date__month__in=(8, 10)).delete()  # last seen in April: overdue
    client = api_client("kerqin_admin")
    r = client.get("/api/v1/guidance/overdue")
    mine = [i for i in r.json()["items"] if i["agent_id"] == agent.pk]
    assert [(i["enterprise_name"], i["status"]) for i in mine] == [("美团外卖和平站", "overdue")]
    assert mine[0]["agent_name"] == "王指导" and mine[0]["status_label"] == "逾期未走访"
    with django_assert_max_num_queries(12):
        r = client.get("/api/v1/visits", {"limit": 50})
    assert r.json()["count"] >= 8


@time_machine.travel(NOW, tick=False)
def test_a_newly_assigned_enterprise_is_due_not_overdue_and_counts_from_its_quarter(field):
    agent = field["agent"]
    fresh = helpers.enterprise(field["ents"][0].unit, "新站点")
    Responsibility.objects.filter(agent=agent).update(since=dt.date(2026, 4, 1))
    assign_responsibility(
        fresh, "instructor", agent=agent, since=dt.date(2026, 11, 2), actor=system_actor("test")
    )
    rows = {r.enterprise_name: r.status for r in services.due_for_agent(agent)}
    assert rows["新站点"] == "due" and rows["美团外卖明仁站"] == "overdue"
    for e in field["ents"]:
        for day in (dt.date(2026, 5, 5), dt.date(2026, 8, 5)):
            _visit(agent, e, day)
    ev = services.evidence_for(agent, 2026)
    # Q1 was before the assignment and Q4 is not over: Q2 and Q3 for three enterprises, all visited
    assert ev.quarter_coverage == 1.0 and ev.assigned == 4


@time_machine.travel(NOW, tick=False)
def test_add_a_problem_to_a_visit_through_the_api(field, api_client):
    visit = _visit(field["agent"], field["ents"][0], dt.date(2026, 11, 2))
    r = api_client("instructor").post(
        f"/api/v1/visits/{visit.pk}/problems", {"description": "缺少雨具"}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["status"] == "open"
    other = Visit.objects.create(
        agent=helpers.agent(field["other"].unit), enterprise=field["other"], date=dt.date(2026, 11, 2)
    )
    r = api_client("instructor").post(
        f"/api/v1/visits/{other.pk}/problems", {"description": "x"}, content_type="application/json"
    )
    assert r.status_code == 404


def test_phone_page_for_staff_without_an_agent_says_so(world, client_for):
    page = client_for("kerqin_admin").get("/admin/guidance/my/")
    assert page.status_code == 200 and "本账号未关联党建指导员或驻企联络员" in page.content.decode()
    assert client_for("union_staff").get("/admin/guidance/my/").status_code == 404


def test_the_quarter_shortfall_names_the_ended_quarters_it_counts():
    """A Q1 gap stays in the year's figure, but the line says it is the ended quarters and which one — not a
    quarter label on a year-to-date rate that visiting everyone this quarter could never clear (issue 17)."""
    import datetime

    from xinye.guidance.services import evidence

    as_of = datetime.date(2026, 12, 4)
    visits = [(1, datetime.date(2026, m, 10), False, False) for m in (5, 8, 11)]  # Q2, Q3, Q4; not Q1
    visits += [(2, datetime.date(2026, m, 10), False, False) for m in (2, 5, 8, 11)]
    ev = evidence(2026, [1, 2], visits, [], as_of)
    (line,) = [s for s in ev.shortfalls if "季度" in s]
    assert "本年已结束的季度中有 1 个企业·季度未走访（第1季度" in line and "83%" in line
    everyone = evidence(2026, [2], visits, [], as_of)
    assert not [s for s in everyone.shortfalls if "季度" in s]


@time_machine.travel(NOW, tick=False)
def test_a_visit_keeps_its_photos_for_the_record(field, client_for, world):
    """走访留痕: the instructor's phone page takes photos with the visit, all or none; they show as thumbnails
    and are served only within the visit's scope."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.appeals.helpers import PNG

    client = client_for("instructor")
    ent = field["ents"][1]
    data = {"enterprise": ent.pk, "date": "2026-11-19", "topics": ["care"], "summary": "留痕测试"}
    bad = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    client.post("/admin/guidance/my/", {**data, "photos": [bad]})
    assert not Visit.objects.filter(enterprise=ent).exists()  # a bad photo: nothing written
    photo = SimpleUploadedFile("site.png", PNG, content_type="image/png")
    r = client.post("/admin/guidance/my/", {**data, "photos": [photo]})
    assert r.status_code == 302
    visit = Visit.objects.get(enterprise=ent)
    (stored,) = visit.photos.all()
    assert stored.content_type == "image/png" and "site" not in stored.file.name
    page = client.get("/admin/guidance/my/").content.decode()
    assert f'<img src="{stored.file.url}"' in page
    assert client.get(stored.file.url).status_code == 200
    naiman = client_for("city_admin")  # in scope: the city sees every county
    assert naiman.get(stored.file.url).status_code == 200
    assert client_for("community_admin").get(stored.file.url).status_code == 404
    change = client_for("kerqin_admin").get(f"/admin/guidance/visit/{visit.pk}/change/").content.decode()
    assert f'<img src="{stored.file.url}"' in change and 'name="photos"' in change


@time_machine.travel(NOW, tick=False)
def test_a_7th_visit_photo_is_refused_and_6_are_kept(field, client_for, world):
    """走访留痕 takes at most six photos at a time (core.uploads.MAX_PHOTOS): a 7th refuses them all with the
    Chinese message on the phone page, nothing written; six are kept."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.appeals.helpers import PNG

    client = client_for("instructor")
    ent = field["ents"][1]
    data = {"enterprise": ent.pk, "date": "2026-11-19", "topics": ["care"], "summary": "七张照片"}

    def photos(n):
        return [SimpleUploadedFile(f"site{i}.png", PNG, content_type="image/png") for i in range(n)]

    r = client.post("/admin/guidance/my/", {**data, "photos": photos(7)}, follow=True)
    assert "最多上传 6 张照片（本次选择了 7 张）" in r.content.decode()
    assert not Visit.objects.filter(enterprise=ent).exists()
    client.post("/admin/guidance/my/", {**data, "photos": photos(6)})
    assert Visit.objects.get(enterprise=ent).photos.count() == 6

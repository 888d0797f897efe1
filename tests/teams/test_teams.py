"""The three teams: appointment rules (a member, or dispatched with the dispatching unit), the history and the
ledger kept in step, alerts with a frozen clock, the tick, training completion, the assessment, 先锋岗, the
figures' contract."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.ledger.factories import make_member
from tests.teams.factories import make_org, make_worker, member_of, with_committee_room
from xinye.accounts.permissions import system_actor
from xinye.audit.models import ChangeLog
from xinye.core.errors import Refused
from xinye.members.choices import CourseKind
from xinye.members.models import Course, StudyRecord
from xinye.teams import services
from xinye.teams.models import PartyWorker, TermReminder, TrainingPlan

SYSTEM = system_actor("test")
pytestmark = pytest.mark.django_db


def at(y, m, d):
    return timezone.make_aware(datetime.datetime(y, m, d, 10, 0))


@pytest.fixture
def office(world):
    return world["units"]["djb-kerqin-delivery"]


@pytest.fixture
def org(office):
    return make_org(office, next_election_on=datetime.date(2027, 3, 1))


def _field_message(exc, field):
    return " ".join(exc.value.message_dict[field])


# --- appointment rules ---


def test_an_internal_secretary_is_a_full_member_of_the_organisation(org, office):
    stranger = make_member(make_org(office).enterprises.first())
    with pytest.raises(Refused) as exc:
        services.appoint(org, post="secretary", member=stranger, actor=SYSTEM)
    assert "不是本组织的党员" in _field_message(exc, "member")
    assert "外部选派" in _field_message(exc, "member")  # says how to do it instead

    probationary = member_of(org, is_full=False)
    with pytest.raises(Refused) as exc:
        services.appoint(org, post="secretary", member=probationary, actor=SYSTEM)
    assert "正式党员" in _field_message(exc, "member")

    with pytest.raises(Refused) as exc:
        services.appoint(org, post="secretary", actor=SYSTEM)
    assert "本组织的党员" in _field_message(exc, "member")
    assert not PartyWorker.objects.filter(organisation=org).exists()


def test_a_dispatched_secretary_names_the_dispatching_unit(org, office):
    with pytest.raises(Refused) as exc:
        services.appoint(org, post="secretary", source="dispatched", name="王建国", actor=SYSTEM)
    assert "选派单位" in _field_message(exc, "dispatched_from")

    # from outside: a member of another organisation may be dispatched, or someone not in the ledger at all
    outsider = make_member(make_org(office).enterprises.first())
    worker = services.appoint(
        org,
        post="secretary",
        source="dispatched",
        member=outsider,
        dispatched_from="通辽市交通运输局",
        full_time=True,
        actor=SYSTEM,
    )
    org.refresh_from_db()
    assert org.secretary == outsider
    assert worker.term_ends_on == datetime.date(2027, 3, 1)  # the organisation's term

    other = make_org(office)
    external = services.appoint(
        other,
        post="secretary",
        source="dispatched",
        name="王建国",
        dispatched_from="市委组织部",
        actor=SYSTEM,
    )
    other.refresh_from_db()
    assert external.member is None and other.secretary is None


def test_cross_appointment_needs_level_and_post(org):
    member = member_of(with_committee_room(org))
    with pytest.raises(Refused) as exc:
        services.appoint(
            org, post="committee_member", member=member, enterprise_post="副总经理", actor=SYSTEM
        )
    assert "高级或中级" in _field_message(exc, "management_level")
    with pytest.raises(Refused) as exc:
        services.appoint(org, post="committee_member", member=member, management_level="senior", actor=SYSTEM)
    assert "企业职务" in _field_message(exc, "enterprise_post")
    worker = services.appoint(
        org,
        post="committee_member",
        member=member,
        management_level="senior",
        enterprise_post="副总经理",
        actor=SYSTEM,
    )
    assert worker.cross_appointed
    with pytest.raises(Refused) as exc:
        services.appoint(org, post="committee_member", member=member, actor=SYSTEM)
    assert "已在本组织担任委员" in _field_message(exc, "member")


def test_a_new_secretary_ends_the_predecessor_and_keeps_the_history(org):
    first, second = member_of(org), member_of(org)
    old = services.appoint(org, post="secretary", member=first, since=datetime.date(2023, 3, 1), actor=SYSTEM)
    with pytest.raises(Refused) as exc:  # cannot start before the serving one did
        services.appoint(org, post="secretary", member=second, since=datetime.date(2022, 1, 1), actor=SYSTEM)
    assert "不能早于现任书记" in _field_message(exc, "since")
    new = services.appoint(
        org, post="secretary", member=second, since=datetime.date(2025, 6, 1), actor=SYSTEM
    )
    old.refresh_from_db()
    org.refresh_from_db()
    assert old.until == datetime.date(2025, 6, 1)
    assert second.practitioner.name in old.end_reason
    assert org.secretary == second
    assert list(services.current().filter(organisation=org, post="secretary")) == [new]
    # the change log holds the appointment and the ending
    ct = ContentType.objects.get_for_model(PartyWorker)
    assert ChangeLog.objects.filter(content_type=ct, object_id=str(old.pk), action="update").exists()
    assert ChangeLog.objects.filter(content_type=ct, object_id=str(new.pk), action="create").exists()


def test_removal_is_a_step_with_a_reason_and_leaves_the_organisation_without_secretary(org):
    worker = services.appoint(
        org, post="secretary", member=member_of(org), since=datetime.date(2024, 1, 1), actor=SYSTEM
    )
    with pytest.raises(Refused) as exc:
        services.remove(worker, actor=SYSTEM)
    assert "原因" in _field_message(exc, "end_reason")
    with pytest.raises(Refused) as exc:
        services.remove(worker, on=datetime.date(2023, 1, 1), reason="调离", actor=SYSTEM)
    assert "不能早于任职日期" in _field_message(exc, "until")
    services.remove(worker, reason="调离本企业", actor=SYSTEM)
    worker.refresh_from_db()
    org.refresh_from_db()
    assert worker.until == services.today() and org.secretary is None
    assert list(services.organisations_without_secretary(type(org).objects.filter(pk=org.pk))) == [org]
    with pytest.raises(Refused):
        services.update_worker(worker, full_time=True, actor=SYSTEM)  # history is not edited


def test_a_branch_secretary_cannot_appoint_a_secretary_but_may_record_party_workers(world):
    from tests.teams.factories import org_for

    user = world["users"]["secretary"]
    org = org_for(user.role_assignments.first().unit)
    with pytest.raises(Refused) as exc:
        services.appoint(org, post="secretary", member=member_of(org), actor=user)
    assert "上级党组织" in _field_message(exc, "post")
    worker = services.appoint(org, post="party_worker", member=member_of(org), actor=user)
    assert worker.appointed_by == user


def test_out_of_scope_appointment_is_absent(world, office):
    from xinye.core.errors import OutOfScope

    naiman = make_org(world["units"]["djb-naiman-delivery"])
    with pytest.raises(OutOfScope):
        services.appoint(
            naiman, post="party_worker", member=member_of(naiman), actor=world["users"]["kerqin_admin"]
        )
    assert not PartyWorker.objects.filter(organisation=naiman).exists()


# --- alerts, figures, tick ---


def test_alerts_with_a_frozen_clock_and_the_tick_reminds_once(office):
    soon, later, none = make_org(office), make_org(office), make_org(office)
    with time_machine.travel(at(2026, 10, 1), tick=False):
        services.appoint(
            soon,
            post="secretary",
            member=member_of(soon),
            term_ends_on=datetime.date(2026, 12, 15),
            actor=SYSTEM,
        )
        services.appoint(
            later,
            post="secretary",
            member=member_of(later),
            term_ends_on=datetime.date(2027, 3, 1),
            actor=SYSTEM,
        )
        orgs = type(soon).objects.filter(pk__in=[soon.pk, later.pk, none.pk])
        figures = services.team_figures(orgs)[""]
        assert figures.terms_ending_90d == 1  # 75 days away; the other 151
        assert figures.organisations_without_secretary == 1
        assert [
            w.organisation for w in services.terms_ending(PartyWorker.objects.filter(organisation__in=orgs))
        ] == [soon]
        result = services.tick(actor=SYSTEM)
        assert result.total == 1 and "还有 75 天" in result.details[0]
        assert services.tick(actor=SYSTEM).total == 0
    with time_machine.travel(at(2026, 12, 20), tick=False):  # past its end and still serving: overdue
        figures = services.team_figures(orgs)[""]
        assert (figures.terms_ending_90d, figures.terms_overdue) == (1, 1)
        result = services.tick(actor=SYSTEM)
        assert result.total == 1  # only the newly due one
    assert TermReminder.objects.filter(worker__organisation__in=orgs).count() == 2


def test_cross_appointment_rate_full_part_and_structure(office):
    a, b = with_committee_room(make_org(office)), make_org(office)
    services.appoint(a, post="secretary", member=member_of(a), full_time=True, actor=SYSTEM)
    services.appoint(
        a,
        post="committee_member",
        member=member_of(a),
        management_level="middle",
        enterprise_post="站长",
        actor=SYSTEM,
    )
    services.appoint(b, post="secretary", member=member_of(b), actor=SYSTEM)
    services.appoint(
        b,
        post="party_worker",
        member=member_of(b),
        management_level="senior",
        enterprise_post="总经理",
        actor=SYSTEM,
    )
    f = services.team_figures(type(a).objects.filter(pk__in=[a.pk, b.pk]))[""]
    # only a 书记 or 委员 in management counts (rules.md), not a 党务工作者
    assert f.cross_appointment_rate == 0.5
    assert (f.full_time, f.part_time) == (1, 3)
    assert (f.secretaries, f.committee_members, f.party_workers) == (2, 1, 1)
    assert sum(f.ages.values()) == 4 and sum(f.educations.values()) == 4
    assert f.ages["36–45岁"] == 4  # the factories' members were born in 1990


def test_stats_api_keeps_the_contract(office, api_client):
    org = make_org(office)
    services.appoint(org, post="secretary", member=member_of(org), actor=SYSTEM)
    response = api_client("kerqin_admin").get("/api/v1/stats/party-workers")
    assert response.status_code == 200, response.content
    body = response.json()
    for key in (
        "secretaries",
        "committee_members",
        "party_workers",
        "organisations_without_secretary",
        "terms_ending_90d",
        "cross_appointment_rate",
        "full_time",
        "part_time",
        "training_completion_rate",
    ):
        assert key in body, key
    assert body["secretaries"] >= 1
    assert 0 <= body["cross_appointment_rate"] <= 1 and 0 <= body["training_completion_rate"] <= 1
    by = api_client("kerqin_admin").get("/api/v1/stats/party-workers/structure", {"by": "industry"})
    assert by.status_code == 200 and by.json()["rows"]
    assert (
        api_client("kerqin_admin").get("/api/v1/stats/party-workers/structure", {"by": "x"}).status_code
        == 422
    )


def test_the_roster_api_lists_who_serves_and_the_history_on_request(org, api_client):
    first = services.appoint(
        org, post="secretary", member=member_of(org), since=datetime.date(2022, 1, 1), actor=SYSTEM
    )
    second = services.appoint(
        org,
        post="secretary",
        source="dispatched",
        name="李卫东",
        dispatched_from="市邮政管理局",
        actor=SYSTEM,
    )
    client = api_client("kerqin_admin")
    items = client.get("/api/v1/party-workers", {"organisation": org.pk}).json()["items"]
    assert [i["id"] for i in items] == [second.pk]
    item = items[0]
    assert (item["post"], item["source"], item["full_time"], item["enterprise_post"]) == (
        "secretary",
        "dispatched",
        False,
        None,
    )
    assert item["organisation"]["name"] == org.unit.name and item["since"] == str(services.today())
    history = client.get("/api/v1/party-workers", {"organisation": org.pk, "history": True}).json()["items"]
    assert {i["id"] for i in history} == {first.pk, second.pk}
    # appointment through the API: a refusal is a 422 naming the field
    refused = client.post(
        "/api/v1/party-workers",
        {"organisation_id": org.pk, "post": "committee_member", "source": "dispatched", "name": "张"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "dispatched_from"
    removed = client.post(
        f"/api/v1/party-workers/{second.pk}/remove", {"reason": "任期届满"}, content_type="application/json"
    )
    assert removed.status_code == 200 and removed.json()["until"] == str(services.today())


# --- training, assessment, incentives, 先锋岗 ---


def test_training_completion_from_the_learning_records(org, office):
    with_committee_room(org)
    secretary = services.appoint(org, post="secretary", member=member_of(org), actor=SYSTEM)
    worker = services.appoint(org, post="party_worker", member=member_of(org), actor=SYSTEM)
    outsider = services.appoint(
        org,
        post="committee_member",
        source="dispatched",
        name="外派委员",
        dispatched_from="市委组织部",
        actor=SYSTEM,
    )
    year = services.today().year
    course = Course.objects.create(
        title="书记示范培训班", unit=office, hours=Decimal("40"), kind=CourseKind.THEORY
    )
    plan = services.save_plan(
        TrainingPlan(unit=office, year=year, title="科尔沁区外卖行业培训计划"), courses=[course], actor=SYSTEM
    )
    day = datetime.date(year, 1, 2)
    for member, hours, kind, c in [
        (secretary.member, "40", CourseKind.THEORY, course),  # a plan course: counts
        (secretary.member, "16", CourseKind.WORKER_TRAINING, None),  # 党务工作者培训: counts
        (secretary.member, "30", CourseKind.THEORY, None),  # other study: does not count
        (worker.member, "10", CourseKind.WORKER_TRAINING, None),
    ]:
        StudyRecord.objects.create(
            practitioner=member.practitioner,
            unit=org.unit,
            course=c,
            kind=kind,
            title="培训",
            date=day,
            hours=Decimal(hours),
        )
    rows = {c.worker.pk: c for c in services.plan_completion(plan)}
    assert (rows[secretary.pk].hours, rows[secretary.pk].required, rows[secretary.pk].done) == (
        Decimal("56"),
        56,
        True,
    )
    assert (rows[worker.pk].done, rows[worker.pk].missing) == (False, Decimal("22"))
    assert rows[outsider.pk].done is None  # trained by the dispatching unit: not counted
    assert services.team_figures(type(org).objects.filter(pk=org.pk))[""].training_completion_rate == 0.5
    with pytest.raises(Refused) as exc:
        services.save_plan(TrainingPlan(unit=office, year=year, title="重复"), actor=SYSTEM)
    assert "已有" in _field_message(exc, "year")


def test_the_yearly_assessment_reuses_the_four_grades(org, world):
    worker = make_worker(org, post="secretary", since=datetime.date(2024, 3, 1))
    assessment = services.assess(worker, 2025, "优秀", comment="带头作用突出", actor=SYSTEM)
    assert assessment.grade == "excellent" and assessment.get_grade_display() == "优秀"
    again = services.assess(worker, 2025, "competent", actor=SYSTEM)  # a correction, not a second row
    assert again.pk == assessment.pk and worker.assessments.count() == 1
    with pytest.raises(Refused) as exc:
        services.assess(worker, 2023, "competent", actor=SYSTEM)
    assert "不在该职务上" in _field_message(exc, "year")
    with pytest.raises(Refused) as exc:
        services.assess(worker, 2025, "良好", actor=SYSTEM)
    assert "优秀、称职、基本称职、不称职" in _field_message(exc, "grade")
    assert "培训" in services.evidence_for(worker, 2025)


def test_incentives_need_an_amount_for_a_subsidy(org):
    worker = make_worker(org)
    with pytest.raises(Refused) as exc:
        services.grant_incentive(
            worker, kind="subsidy", title="岗位补贴", granted_on=datetime.date(2026, 6, 30), actor=SYSTEM
        )
    assert "金额" in _field_message(exc, "amount")
    row = services.grant_incentive(
        worker,
        kind="subsidy",
        title="岗位补贴",
        amount="600",
        granted_on=datetime.date(2026, 6, 30),
        actor=SYSTEM,
    )
    assert row.amount == Decimal("600.00") and row.unit_id == org.unit_id


def test_vanguard_posts_belong_to_the_organisation_and_its_enterprises(org, office):
    from xinye.teams.models import VanguardPost

    other = make_org(office)
    post = VanguardPost(
        organisation=org, member=member_of(other), title="先锋岗", since=datetime.date(2026, 3, 1)
    )
    with pytest.raises(Refused) as exc:
        services.save_vanguard(post, actor=SYSTEM)
    assert "本组织的党员" in _field_message(exc, "member")
    post.member = member_of(org)
    post.enterprise = other.enterprises.first()
    with pytest.raises(Refused) as exc:
        services.save_vanguard(post, actor=SYSTEM)
    assert "不在本组织覆盖的企业中" in _field_message(exc, "enterprise")
    post.enterprise = org.enterprises.first()
    saved = services.save_vanguard(post, actor=SYSTEM)
    assert saved.unit_id == org.unit_id and saved.region_id == org.region_id


def test_reserve_pool_and_appointment_from_it(org):
    member = member_of(org)
    candidate = services.add_reserve(org, member, note="重点培养", actor=SYSTEM)
    with pytest.raises(Refused):
        services.add_reserve(org, member, actor=SYSTEM)
    services.appoint(org, post="secretary", member=member, actor=SYSTEM)
    candidate.refresh_from_db()
    assert candidate.status == "appointed"


# --- the ledger's console and the teams console ---


def test_the_ledger_console_shows_the_secretary_read_only(org, client_for):
    services.appoint(org, post="secretary", member=member_of(org), actor=SYSTEM)
    page = client_for("kerqin_admin").get(f"/admin/ledger/partyorganisation/{org.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "secretary" not in form.fields and "enterprises" in form.fields


def test_the_console_appoints_and_removes(org, client_for):
    console = client_for("kerqin_admin")
    member = member_of(org)
    response = console.post(
        "/admin/teams/partyworker/add/",
        {
            "organisation": org.pk,
            "post": "secretary",
            "source": "internal",
            "member": member.pk,
            "since": "2025-01-02",
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    worker = PartyWorker.objects.get(organisation=org)
    org.refresh_from_db()
    assert org.secretary == member
    # a stranger is refused beside the member field
    stranger = make_member(make_org(org.unit.parent).enterprises.first())
    response = console.post(
        "/admin/teams/partyworker/add/",
        {
            "organisation": org.pk,
            "post": "committee_member",
            "source": "internal",
            "member": stranger.pk,
            "since": "2025-01-02",
        },
    )
    assert response.status_code == 200
    assert "不是本组织的党员" in str(response.context["adminform"].form.errors["member"])
    # removal on the person's page
    response = console.post(
        f"/admin/teams/partyworker/{worker.pk}/change/",
        {"leave_on": str(services.today()), "leave_reason": "调离", "full_time": ""},
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    org.refresh_from_db()
    assert worker.until == services.today() and org.secretary is None
    overview = console.get("/admin/teams/overview/")
    assert overview.status_code == 200 and org.unit.name in overview.content.decode()


@pytest.mark.parametrize("username", ["city_admin", "kerqin_admin", "secretary", "rider_committee_admin"])
def test_the_console_pages_open(org, username, client_for):
    worker = services.appoint(org, post="secretary", member=member_of(org), actor=SYSTEM)
    services.assess(worker, services.today().year, "competent", actor=SYSTEM)
    console = client_for(username)
    for model in (
        "partyworker",
        "reservecandidate",
        "trainingplan",
        "incentive",
        "teamassessment",
        "vanguardpost",
    ):
        assert console.get(f"/admin/teams/{model}/").status_code == 200, model
    assert console.get("/admin/").status_code == 200
    if username in ("city_admin", "kerqin_admin"):
        assert console.get("/admin/teams/partyworker/add/").status_code == 200
        page = console.get(f"/admin/teams/partyworker/{worker.pk}/change/")
        assert page.status_code == 200 and "本组织本职务的历任" in page.content.decode()
        assessment = worker.assessments.get()
        assert "培训" in console.get(f"/admin/teams/teamassessment/{assessment.pk}/change/").content.decode()


def test_xinye_tick_runs_the_teams_duty(org):
    from xinye.core import ticks

    assert "teams" in dict(ticks.duties())
    services.appoint(
        org,
        post="secretary",
        member=member_of(org),
        term_ends_on=services.today() + datetime.timedelta(days=30),
        actor=SYSTEM,
    )
    results = dict(ticks.run_all(actor=SYSTEM))
    assert results["teams"].total == 1 and "还有 30 天" in results["teams"].details[0]
    assert dict(ticks.run_all(actor=SYSTEM))["teams"].total == 0


def test_the_api_changes_what_changes_without_a_new_appointment(org, api_client):
    worker = services.appoint(org, post="party_worker", member=member_of(org), actor=SYSTEM)
    client = api_client("kerqin_admin")
    response = client.patch(
        f"/api/v1/party-workers/{worker.pk}",
        {"full_time": True, "management_level": "middle", "enterprise_post": "站长"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["full_time"] is True and response.json()["enterprise_post"] == "站长"
    refused = client.patch(
        f"/api/v1/party-workers/{worker.pk}", {"management_level": ""}, content_type="application/json"
    )
    assert refused.status_code == 422  # a post in the enterprise needs its level

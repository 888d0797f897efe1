"""规范组建流程 and 换届: the legal path forms the organisation; illegal steps are refused in Chinese."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.ledger.factories import make_enterprise, make_member
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.ledger import services
from xinye.ledger.models import FormationCase, PartyMember, PartyOrganisation
from xinye.orgs.choices import UnitKind

SYSTEM = system_actor("test")

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


@pytest.fixture
def office(world):
    return world["units"]["djb-kerqin-express"]


@pytest.fixture
def ready(office):
    """An enterprise with 3 full members and no organisation: it should form its own branch."""
    ent = make_enterprise(office, name="中通快递科尔沁西门网点")
    for _ in range(3):
        make_member(ent)
    return ent


LEGAL_PATH = [
    ("application", datetime.date(2026, 9, 1)),
    ("superior_approved", datetime.date(2026, 9, 10)),
    ("members_meeting_elected", datetime.date(2026, 9, 20)),
    ("establishment_approved", datetime.date(2026, 9, 25)),
    ("registered", datetime.date(2026, 9, 26)),
]


@time_machine.travel(TODAY, tick=False)
def test_legal_path_creates_the_organisation(ready, world):
    actor = world["users"]["kerqin_admin"]
    case = services.start_formation(
        actor=actor, enterprises=[ready], date=datetime.date(2026, 8, 20), note="摸排发现 3 名正式党员"
    )
    for state, day in LEGAL_PATH:
        case = services.apply_formation_transition(case, state, actor=actor, date=day, note=f"办理{state}")
    assert case.state == "registered"
    org = case.organisation
    assert org is not None and org.unit.kind == UnitKind.BRANCH
    assert list(org.enterprises.all()) == [ready]
    assert org.founded_on == datetime.date(2026, 9, 25)  # the day the superior approved its establishment
    assert org.next_election_on == datetime.date(2029, 9, 25)
    assert PartyMember.objects.filter(enterprise=ready, unit=org.unit).count() == 3
    steps = list(case.steps.order_by("date", "pk"))
    assert [s.to_state for s in steps] == ["proposal"] + [s for s, _d in LEGAL_PATH]
    assert all(s.actor == actor for s in steps)
    assert services.coverage_status(ready) == "independent"


@time_machine.travel(TODAY, tick=False)
def test_illegal_transition_is_refused_with_a_chinese_message(ready):
    case = services.start_formation(enterprises=[ready], actor=SYSTEM)
    with pytest.raises(ValidationError) as exc:
        services.apply_formation_transition(case, "registered", actor=SYSTEM)
    message = exc.value.message_dict["state"][0]
    assert "当前为“提出组建建议”，不能直接进入“已录入台账”" in message
    assert "可进入：提交组建申请、已撤回" in message
    assert not PartyOrganisation.objects.filter(enterprises=ready).exists()
    case = services.apply_formation_transition(case, "withdrawn", note="企业迁出本市", actor=SYSTEM)
    with pytest.raises(ValidationError) as exc:
        services.apply_formation_transition(case, "application", actor=SYSTEM)
    assert "流程已结束" in exc.value.message_dict["state"][0]


@time_machine.travel(TODAY, tick=False)
def test_rules_of_the_workflow(ready, office, world):
    lonely = make_enterprise(office)
    make_member(lonely)
    with pytest.raises(ValidationError) as exc:
        services.start_formation(enterprises=[lonely], actor=SYSTEM)
    assert "正式党员合计 1 人，不足 3 人" in exc.value.message_dict["enterprises"][0]
    case = services.start_formation(enterprises=[ready], date=datetime.date(2026, 10, 1), actor=SYSTEM)
    with pytest.raises(ValidationError) as exc:
        services.apply_formation_transition(case, "application", date=datetime.date(2026, 9, 1), actor=SYSTEM)
    assert "不能早于上一环节日期 2026-10-01" in exc.value.message_dict["date"][0]
    secretary = world["users"]["secretary"]  # may record steps (change) but holds no approve grant
    case = services.apply_formation_transition(case, "application", actor=secretary)
    assert case.steps.get(to_state="application").actor == secretary
    with pytest.raises(ValidationError) as exc:
        services.apply_formation_transition(case, "rejected", actor=SYSTEM)
    assert "须写明理由" in exc.value.message_dict["note"][0]
    assert services.allowed_transitions(case, secretary) == ["withdrawn"]
    with pytest.raises(Refused) as denied:
        services.apply_formation_transition(case, "superior_approved", actor=secretary)
    assert "审批权限" in str(denied.value)
    with pytest.raises(OutOfScope):  # an instructor only views the ledger
        services.apply_formation_transition(case, "withdrawn", actor=world["users"]["instructor"], note="x")
    case.refresh_from_db()
    assert case.state == "application"


@time_machine.travel(TODAY, tick=False)
def test_joint_branch_formation_through_the_api(office, api_client):
    a, b = make_enterprise(office), make_enterprise(office)
    make_member(a), make_member(a), make_member(b)
    client = api_client("kerqin_admin")
    r = client.post(
        "/api/v1/formation-cases",
        {"enterprises": [a.pk, b.pk], "kind": "joint_branch", "date": "2026-10-01"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["state"] == "proposal" and case["next_states"] == ["application", "withdrawn"]
    r = client.post(
        f"/api/v1/formation-cases/{case['id']}/transitions",
        {"to_state": "registered"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "不能直接进入" in r.json()["errors"][0]["message"]
    for state, day in [
        ("application", "2026-10-02"),
        ("superior_approved", "2026-10-10"),
        ("members_meeting_elected", "2026-10-20"),
        ("establishment_approved", "2026-10-25"),
        ("registered", "2026-10-26"),
    ]:
        r = client.post(
            f"/api/v1/formation-cases/{case['id']}/transitions",
            {"to_state": state, "date": day},
            content_type="application/json",
        )
        assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "registered" and len(body["steps"]) == 6
    org = PartyOrganisation.objects.get(pk=body["organisation"])
    assert org.unit.kind == "joint_branch" and set(org.enterprises.all()) == {a, b}
    # Out of another county's scope: 404, never a write.
    r = api_client("rider_committee_admin").post(
        f"/api/v1/formation-cases/{case['id']}/transitions",
        {"to_state": "withdrawn", "note": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_console_formation_buttons_and_transition(ready, client_for):
    case = services.start_formation(enterprises=[ready], date=datetime.date(2026, 10, 1), actor=SYSTEM)
    client = client_for("kerqin_admin")
    page = client.get(f"/admin/ledger/formationcase/{case.pk}/change/").content.decode()
    assert f"/admin/ledger/formationcase/{case.pk}/transition/application/" in page
    assert "提交组建申请" in page
    r = client.post(
        f"/admin/ledger/formationcase/{case.pk}/transition/application/",
        {"date": "2026-10-05", "note": "已提交申请书"},
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "application" and case.state_changed_on == datetime.date(2026, 10, 5)
    r = client.post(f"/admin/ledger/formationcase/{case.pk}/transition/registered/", {"date": "2026-10-06"})
    assert r.status_code == 200 and "不能直接进入" in r.content.decode()


def _org(office, founded: datetime.date, kind=UnitKind.BRANCH):
    ent = make_enterprise(office)
    return services.create_party_organisation(kind=kind, enterprises=[ent], founded_on=founded, actor=SYSTEM)


@time_machine.travel(TODAY, tick=False)
def test_term_expiry_list(office, api_client, client_for):
    due = _org(office, datetime.date(2023, 12, 20))  # term ends 2026-12-20: 22 days left
    overdue = _org(office, datetime.date(2023, 9, 1))  # ended 2026-09-01
    later = _org(office, datetime.date(2024, 6, 1))  # 2027-06-01: not yet
    committee = _org(
        office, datetime.date(2022, 1, 10), kind=UnitKind.PARTY_COMMITTEE
    )  # 5 years: 2027-01-10, 43 days
    got = set(services.due_for_election(PartyOrganisation.objects.all()))
    assert {due, overdue, committee} <= got and later not in got
    r = api_client("kerqin_admin").get("/api/v1/organisations/due-for-election")
    assert r.status_code == 200
    items = {i["id"]: i for i in r.json()["items"]}
    assert set(items) >= {due.pk, overdue.pk, committee.pk} and later.pk not in items
    assert items[due.pk]["days_left"] == 22 and items[overdue.pk]["days_left"] < 0
    assert (
        api_client("rider_committee_admin").get("/api/v1/organisations/due-for-election").json()["count"] == 0
    )
    page = client_for("kerqin_admin").get("/admin/ledger/due-for-election/").content.decode()
    assert due.unit.name in page and later.unit.name not in page and "已超期" in page
    home = client_for("kerqin_admin").get("/admin/").content.decode()
    assert "换届提醒" in home and "/admin/ledger/due-for-election/" in home
    services.record_election(due, datetime.date(2026, 11, 20), actor=SYSTEM)
    assert due.next_election_on == datetime.date(2029, 11, 20)
    assert due not in set(services.due_for_election(PartyOrganisation.objects.all()))


def test_case_list_filters(ready, api_client):
    with time_machine.travel(TODAY, tick=False):
        services.start_formation(enterprises=[ready], actor=SYSTEM)
    r = api_client("kerqin_admin").get("/api/v1/formation-cases", {"status": "proposal"})
    assert r.json()["count"] == FormationCase.objects.filter(state="proposal", region="150502").count() >= 1
    assert api_client("kerqin_admin").get("/api/v1/formation-cases", {"status": "bogus"}).status_code == 422


@time_machine.travel(TODAY, tick=False)
def test_step_document_upload_through_the_api(ready, api_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = services.start_formation(enterprises=[ready], date=datetime.date(2026, 10, 1), actor=SYSTEM)
    client = api_client("kerqin_admin")
    url = f"/api/v1/formation-cases/{case.pk}/transitions/upload"
    bad = SimpleUploadedFile("申请书.exe", b"MZ...", content_type="application/octet-stream")
    r = client.post(url, {"to_state": "application", "date": "2026-10-08", "document": bad})
    assert r.status_code == 422 and "只接受" in r.json()["errors"][0]["message"]
    pdf = SimpleUploadedFile("组建申请书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = client.post(
        url, {"to_state": "application", "date": "2026-10-08", "note": "申请书已盖章", "document": pdf}
    )
    assert r.status_code == 200, r.content
    step = r.json()["steps"][-1]
    assert (
        step["to_state"] == "application"
        and step["document"].endswith(".pdf")
        and step["note"] == "申请书已盖章"
    )


@time_machine.travel(TODAY, tick=False)
def test_console_starts_a_case_and_refuses_an_unready_one(ready, office, client_for):
    client = client_for("kerqin_admin")
    assert (
        client.get(f"/admin/ledger/formationcase/add/?enterprise={ready.pk}&kind=branch").status_code == 200
    )
    lonely = make_enterprise(office)
    data = {"name": "", "kind": "branch", "enterprise": lonely.pk, "date": "2026-11-01", "note": ""}
    data.update({"steps-TOTAL_FORMS": 0, "steps-INITIAL_FORMS": 0})
    response = client.post("/admin/ledger/formationcase/add/", data)
    assert response.status_code == 200 and "不足 3 人，暂不具备组建条件" in response.content.decode()
    data.update(enterprise=ready.pk, note="指导员建议")
    response = client.post("/admin/ledger/formationcase/add/", data)
    assert response.status_code == 302
    case = FormationCase.objects.get(enterprise=ready)
    assert case.state == "proposal" and case.name == "中共中通快递科尔沁西门网点支部"
    assert case.steps.get().actor.username == "kerqin_admin"


@time_machine.travel(TODAY, tick=False)
def test_elections_command(office):
    from io import StringIO

    from django.core.management import call_command

    due = _org(office, datetime.date(2023, 12, 20))
    out = StringIO()
    call_command("elections", "--region", "150502", "--actor", "kerqin_admin", stdout=out)
    assert "2026-12-20  还有 22 天" in out.getvalue() and due.unit.name in out.getvalue()
    out = StringIO()
    call_command("elections", "--actor", "rider_committee_admin", stdout=out)
    assert due.unit.name not in out.getvalue() and "共 0 个党组织 90 天内应换届" in out.getvalue()

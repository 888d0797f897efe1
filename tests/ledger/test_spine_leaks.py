"""Regression tests for the scope and privacy leaks of issue 12 that live in the ledger and coverage, each as
the demo role that found it, through the API and the console.

- Leak 5: a 支部书记 sees, read-only, the enterprises their own organisation covers (coverage pages, lists).
- Leak 6: without view_sensitive a birth date is shown as its year only, wherever the masked ID is shown.
- Leak 8: a search by a whole ID number or phone is logged, rate-limited per user and answers in scope only;
  partial digits find nothing.
- Leak 9 (part): the import preview does not name the county another person is registered in.
"""

import datetime
import json

import openpyxl
import pytest
from django.urls import reverse

from tests.ledger.factories import make_id
from tests.ledger.io_helpers import PRACTITIONER_HEADERS, person, xlsx
from xinye.accounts.models import RoleAssignment
from xinye.accounts.permissions import clear_cache, system_actor
from xinye.accounts.services import assign_role
from xinye.audit.models import ChangeLog
from xinye.ledger import services
from xinye.ledger.exporters import export_ledger
from xinye.ledger.imports.kinds import run_import
from xinye.orgs.models import Agent
from xinye.orgs.services import assign_responsibility

SYSTEM = system_actor("test")
BIRTH = datetime.date(1990, 5, 17)
# The ways a full birth date could be written in a response: ISO, compact (inside a clear ID), Chinese.
FULL_BIRTH = ("1990-05-17", "19900517", "1990年5月17日", "1990/05/17")

pytestmark = pytest.mark.django_db


def _enterprise(world, office_code: str, name: str):
    office = world["units"][office_code]
    return services.create_enterprise(
        actor=SYSTEM, name=name, industry=office.industry, region=office.region, unit=office
    )


def _person(ent, name: str, birth=BIRTH, region: str = "150502", phone: str = "13812345678"):
    return services.create_practitioner(
        actor=SYSTEM,
        enterprise=ent,
        name=name,
        id_number=make_id(region, birth),
        phone=phone,
        political_status="full",
    )


def _assign_instructor(world, *enterprises):
    user = world["users"]["instructor"]
    agent, _ = Agent.objects.get_or_create(
        user=user,
        defaults={
            "kind": "instructor",
            "name": "测试指导员",
            "unit": world["units"]["lxgw-kerqin"],
            "region": world["units"]["lxgw-kerqin"].region,
        },
    )
    for ent in enterprises:
        assign_responsibility(ent, "instructor", agent=agent, actor=system_actor("test"))
    clear_cache(user)
    return agent


# --- Leak 5: the secretary and the enterprises their organisation covers ---


@pytest.fixture
def secretary_org(world):
    """A 党支部 covering one Kerqin delivery enterprise, with the demo secretary bound to it (as the demo does)."""
    covered = _enterprise(world, "djb-kerqin-delivery", "书记所在骑手站")
    other = _enterprise(world, "djb-kerqin-delivery", "别家骑手站")
    _person(covered, "党员甲")
    org = services.create_party_organisation(actor=SYSTEM, kind="branch", enterprises=[covered])
    user = world["users"]["secretary"]
    RoleAssignment.objects.filter(user=user, role__code="secretary").delete()
    assign_role(user, "secretary", org.unit, actor=system_actor("test"))
    clear_cache(user)
    return org, covered, other


def test_leak5_secretary_sees_the_covered_enterprise_through_the_api(secretary_org, api_client):
    _org, covered, other = secretary_org
    client = api_client("secretary")
    names = {e["name"] for e in client.get("/api/v1/enterprises", {"limit": 500}).json()["items"]}
    assert covered.name in names and other.name not in names
    assert client.get(f"/api/v1/enterprises/{covered.pk}").status_code == 200
    assert client.get(f"/api/v1/enterprises/{other.pk}").status_code == 404

    overview = client.get("/api/v1/stats/overview").json()
    assert overview["enterprises"] == 1
    assert overview["coverage"]["independent"] == 1 and overview["practitioners"] == 1
    rows = client.get("/api/v1/stats/coverage", {"by": "county"}).json()["rows"]
    assert sum(r["enterprises"] for r in rows) == 1
    listed = client.get("/api/v1/coverage/enterprises", {"limit": 500}).json()["items"]
    assert [e["name"] for e in listed] == [covered.name]

    # read-only: the covered enterprise is not the secretary's to change
    r = client.patch(f"/api/v1/enterprises/{covered.pk}", {"staff_count": 3}, content_type="application/json")
    assert r.status_code == 404
    covered.refresh_from_db()
    assert covered.staff_count != 3


def test_leak5_secretary_sees_the_covered_enterprise_in_the_console(secretary_org, client_for):
    _org, covered, other = secretary_org
    console = client_for("secretary")
    page = console.get(reverse("coverage:enterprises")).content.decode()
    assert covered.name in page and other.name not in page
    dashboard = console.get(reverse("coverage:dashboard"))
    assert dashboard.status_code == 200
    changelist = console.get("/admin/ledger/enterprise/").content.decode()
    assert covered.name in changelist and other.name not in changelist
    assert console.get(f"/admin/ledger/enterprise/{covered.pk}/change/").status_code == 200
    # read-only in the console as well: a change is refused as out of scope
    r = console.post(f"/admin/ledger/enterprise/{covered.pk}/change/", {"name": "改名"})
    assert r.status_code in (403, 404)
    covered.refresh_from_db()
    assert covered.name == "书记所在骑手站"


# --- Leak 6: the birth date beside the masked ID ---


@pytest.fixture
def people(world):
    ent = _enterprise(world, "djb-kerqin-delivery", "科尔沁测试骑手站")
    person = _person(ent, "巴特尔")
    _assign_instructor(world, ent)
    return ent, person


def _no_full_birth_beside_a_mask(payload) -> None:
    """Every object showing a masked ID shows no full birth date (and no response text holds one then)."""
    items = payload.get("items", [payload]) if isinstance(payload, dict) else payload
    for item in items:
        if "*" in (item.get("id_number") or ""):
            text = json.dumps(item, ensure_ascii=False)
            assert not any(b in text for b in FULL_BIRTH), item
            if "birth_date" in item:
                assert item["birth_date"] in (None, "1990-**-**"), item


@pytest.mark.parametrize("username", ["kerqin_admin", "instructor"])
def test_leak6_api_lists_and_details_show_the_birth_year_only(people, api_client, username):
    ent, person = people
    client = api_client(username)
    listed = client.get("/api/v1/practitioners", {"enterprise": ent.pk}).json()
    assert listed["count"] == 1 and "*" in listed["items"][0]["id_number"]
    assert listed["items"][0]["birth_date"] == "1990-**-**"
    _no_full_birth_beside_a_mask(listed)
    detail = client.get(f"/api/v1/practitioners/{person.pk}").json()
    _no_full_birth_beside_a_mask(detail)
    if username == "instructor":  # no view_sensitive: the detail is masked too
        assert "*" in detail["id_number"] and detail["birth_date"] == "1990-**-**"
    else:  # view_sensitive: both in clear, and that view is logged
        assert detail["id_number"] == person.id_number and detail["birth_date"] == "1990-05-17"
    members = client.get("/api/v1/party-members", {"enterprise": ent.pk}).json()
    _no_full_birth_beside_a_mask(members)
    for item in members["items"]:
        _no_full_birth_beside_a_mask(client.get(f"/api/v1/party-members/{item['id']}").json())


@pytest.mark.parametrize("username", ["kerqin_admin", "instructor"])
def test_leak6_console_list_detail_and_history(people, client_for, username):
    ent, person = people
    console = client_for(username)
    listing = console.get("/admin/ledger/practitioner/", {"enterprise__id__exact": ent.pk}).content.decode()
    assert person.name in listing and "1990-**-**" in listing
    assert not any(b in listing for b in FULL_BIRTH)
    detail = console.get(f"/admin/ledger/practitioner/{person.pk}/change/").content.decode()
    if username == "instructor":
        assert "1990-**-**" in detail and not any(b in detail for b in FULL_BIRTH)
    history = console.get(f"/admin/ledger/practitioner/{person.pk}/history/")
    assert history.status_code == 200
    assert not any(b in history.content.decode() for b in FULL_BIRTH)


def test_leak6_change_log_and_exports_hold_no_full_birth_date(people, world, tmp_path):
    _ent, person = people
    entry = ChangeLog.objects.filter(content_type__model="practitioner", object_id=str(person.pk)).latest(
        "pk"
    )
    assert entry.after["birth_date"] == "1990-**-**"
    assert "*" in entry.after["id_number"]
    path = tmp_path / "people.xlsx"
    export_ledger("practitioners", path, actor=world["users"]["kerqin_admin"])
    cells = [str(c) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row]
    assert any(person.name == c for c in cells)
    assert not any(b in c for c in cells for b in FULL_BIRTH)


# --- Leak 8: searching by a whole number ---


def _searches_logged(user) -> int:
    return ChangeLog.objects.filter(user=user, action="view_sensitive", note__contains="检索：").count()


def test_leak8_number_search_is_scoped_logged_and_rate_limited(people, world, api_client, settings):
    _ent, person = people
    elsewhere = _enterprise(world, "djb-kailu-freight", "开鲁车队")
    stranger = _person(elsewhere, "外县司机", region="150523", phone="13900001111")
    user = world["users"]["instructor"]
    client = api_client("instructor")

    def search(term):
        return client.get("/api/v1/practitioners", {"q": term})

    found = search(person.id_number).json()
    assert [p["name"] for p in found["items"]] == ["巴特尔"]
    assert search("13812345678").json()["count"] == 1
    assert search(stranger.id_number).json()["count"] == 0  # out of scope: not there
    assert search("13900001111").json()["count"] == 0
    assert _searches_logged(user) == 4
    entry = ChangeLog.objects.filter(user=user, note__contains="检索：").latest("pk")
    assert "*" in entry.note and stranger.phone not in entry.note  # the log holds the masked number

    # partial digits and the masked form find nothing (and are no lookups at all)
    for partial in (
        person.id_number[-4:],
        person.id_number[6:14],
        "5678",
        person.id_number[:10] + "****1234",
    ):
        assert search(partial).json()["count"] == 0
    assert search(person.id_number[:6] + "********" + person.id_number[-4:]).json()["count"] == 0
    assert _searches_logged(user) == 4

    settings.XINYE_SENSITIVE_SEARCH_LIMIT = (5, 600)
    assert search(person.id_number).status_code == 200  # the 5th
    refused = search(person.id_number)
    assert refused.status_code == 422 and "过于频繁" in json.dumps(refused.json(), ensure_ascii=False)
    assert _searches_logged(user) == 5
    # another user has a count of their own
    assert (
        api_client("kerqin_admin").get("/api/v1/practitioners", {"q": person.id_number}).json()["count"] == 1
    )


def test_leak8_console_search_goes_through_the_same_door(people, world, client_for, settings):
    _ent, person = people
    user = world["users"]["instructor"]
    console = client_for("instructor")
    page = console.get("/admin/ledger/practitioner/", {"q": person.id_number}).content.decode()
    assert "巴特尔" in page
    assert _searches_logged(user) == 1
    assert "巴特尔" not in console.get("/admin/ledger/practitioner/", {"q": "1234"}).content.decode()
    settings.XINYE_SENSITIVE_SEARCH_LIMIT = (1, 600)
    page = console.get("/admin/ledger/practitioner/", {"q": person.id_number}).content.decode()
    assert "巴特尔" not in page and "过于频繁" in page


# --- Leak 9 (part): the import preview names no other county ---


def test_leak9_import_preview_does_not_name_another_county(world, tmp_path):
    ent = _enterprise(world, "djb-kailu-freight", "开鲁货运站")
    worker = _person(ent, "外县职工", region="150523")
    mine = _enterprise(world, "djb-kerqin-delivery", "科尔沁导入站")
    path = xlsx(tmp_path / "p.xlsx", PRACTITIONER_HEADERS, [person("外县职工", worker.id_number, mine.name)])
    result = run_import("practitioners", path, actor=world["users"]["kerqin_admin"])
    reasons = " ".join(e.reason for e in result.errors)
    assert result.error_count == 1 and "范围以外" in reasons
    assert "开鲁" not in reasons and ent.name not in reasons

"""Issue 12's leaks in guidance, orglife and members, each as the demo role that found it.

Leak 1: an instructor or liaison reads only their assigned enterprises, those enterprises' organisations,
members and meetings, and their own Agent record and assessment — never the county's — through the API
lists and the console's changelists; their own pages (my enterprises, the visit form) keep working.
Leak 9 (part): a 行业党委's and a 主管部门's overdue-visit lists hold only their industry's enterprises.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.guidance import helpers
from xinye.accounts.permissions import clear_cache, system_actor
from xinye.guidance.models import InstructorAssessment, Visit
from xinye.ledger.models import PartyOrganisation
from xinye.orglife import services as orglife
from xinye.orglife.models import Meeting
from xinye.orgs.models import Agent
from xinye.orgs.services import assign_responsibility

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
SYSTEM = system_actor("test")


def _covered_enterprise(office, name, meetings: int):
    """An enterprise covered by its own branch (with one member) that held `meetings` theme days."""
    ent = helpers.enterprise(office, name)
    unit = helpers.branch(office, f"{name}党支部")
    organisation = PartyOrganisation.objects.get(unit=unit)
    organisation.enterprises.add(ent)
    helpers.member(unit, f"{name}党员", ent=ent)
    for month in range(1, meetings + 1):
        orglife.record_meeting(
            actor=SYSTEM,
            unit=unit,
            kind="theme_day",
            date=dt.date(2026, month, 8),
            topic="主题党日",
            place="站点",
        )
    return ent, organisation


@pytest.fixture
def county(world):
    """Kerqin: the instructor (two enterprises) and the liaison (one) each have an Agent record, beside a
    colleague and enterprises of the county they are not assigned to; every agent has a 2025 grade."""
    office = world["units"]["djb-kerqin-delivery"]
    users = world["users"]
    mine = [_covered_enterprise(office, f"指导站{n}", meetings=2) for n in (1, 2)]
    liaised = _covered_enterprise(office, "联络站", meetings=1)
    others = [_covered_enterprise(office, f"他站{n}", meetings=3) for n in (1, 2, 3)]
    instructor = helpers.agent(office, "instructor", "王指导", user=users["instructor"])
    liaison = helpers.agent(office, "liaison", "李联络", user=users["liaison"])
    colleague = helpers.agent(office, "instructor", "同事")
    for ent, _org in mine:
        assign_responsibility(ent, "instructor", agent=instructor, actor=system_actor("test"))
    assign_responsibility(liaised[0], "liaison", agent=liaison, actor=system_actor("test"))
    for ent, _org in others:
        assign_responsibility(ent, "instructor", agent=colleague, actor=system_actor("test"))
    for agent in (instructor, liaison, colleague):
        InstructorAssessment.objects.create(agent=agent, year=2025, grade="competent")
    for user in (users["instructor"], users["liaison"]):
        clear_cache(user)
    return {"mine": mine, "liaised": liaised, "others": others, "instructor": instructor, "liaison": liaison}


def _api_ids(client, url):
    response = client.get(url, {"limit": 500})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def _changelist(client, model):
    meta = model._meta
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    if response.status_code in (403, 404):  # no view grant on the type at all
        return set()
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def test_instructor_reads_only_the_assigned_enterprises_and_their_own_record(county, api_client, client_for):
    orgs = {org.pk for _e, org in county["mine"]}
    meetings = set(
        Meeting.objects.filter(unit__in=[org.unit_id for _e, org in county["mine"]]).values_list(
            "pk", flat=True
        )
    )
    own_agent = county["instructor"]
    own_grade = {InstructorAssessment.objects.get(agent=own_agent).pk}
    assert len(meetings) == 4  # two enterprises, two meetings each — not the county's 4 + 2 + 9

    api = api_client("instructor")
    assert _api_ids(api, "/api/v1/meetings") == meetings
    assert _api_ids(api, "/api/v1/organisations") == orgs
    assert _api_ids(api, "/api/v1/assessments") == own_grade

    console = client_for("instructor")
    assert _changelist(console, Meeting) == meetings
    assert _changelist(console, PartyOrganisation) == orgs
    assert _changelist(console, Agent) == {own_agent.pk}
    assert _changelist(console, InstructorAssessment) == own_grade
    page = console.get(reverse("guidance:assessments"), {"year": 2025}).content.decode()
    assert "王指导" in page and "同事" not in page and "李联络" not in page


def test_liaison_reads_only_their_own_record_and_no_county_totals(county, api_client, client_for):
    own_agent = county["liaison"]
    own_grade = {InstructorAssessment.objects.get(agent=own_agent).pk}
    api = api_client("liaison")
    assert _api_ids(api, "/api/v1/meetings") == set()  # a liaison holds no grant on organisational life
    assert _api_ids(api, "/api/v1/assessments") == own_grade
    console = client_for("liaison")
    assert _changelist(console, Agent) == {own_agent.pk}
    assert _changelist(console, InstructorAssessment) == own_grade
    assert _changelist(console, Meeting) == set()


@time_machine.travel(NOW, tick=False)
def test_instructor_pages_keep_working(county, client_for):
    (first, _org), (second, _org2) = county["mine"]
    console = client_for("instructor")
    page = console.get(reverse("guidance:my")).content.decode()
    assert first.name in page and second.name in page
    assert not any(ent.name in page for ent, _o in county["others"])
    response = console.post(
        reverse("guidance:my"), {"enterprise": first.pk, "summary": "手机走访", "topics": ["policy"]}
    )
    assert response.status_code == 302
    assert Visit.objects.filter(enterprise=first, agent=county["instructor"], summary="手机走访").exists()
    add = reverse("admin:guidance_visit_add")
    assert console.get(add).status_code == 200
    data = {
        "date": "2026-11-19",
        "agent": county["instructor"].pk,
        "enterprise": second.pk,
        "summary": "工作台走访",
        "topics": ["policy"],
        "problems-TOTAL_FORMS": 0,
        "problems-INITIAL_FORMS": 0,
    }
    assert console.post(add, data).status_code == 302
    visit = Visit.objects.get(summary="工作台走访")
    assert visit.enterprise == second and visit.created_by.username == "instructor"
    # an enterprise of the county the instructor is not assigned to is not in the form's choices
    other = county["others"][0][0]
    refused = console.post(add, {**data, "enterprise": other.pk, "summary": "越界走访"})
    assert refused.status_code == 200 and not Visit.objects.filter(summary="越界走访").exists()


@pytest.fixture
def two_industries(world):
    """Two agents who also serve an enterprise of another industry (a delivery agent with a freight
    station, a freight agent with a delivery station); nothing visited this quarter."""
    units = world["units"]
    delivery, freight = units["djb-kerqin-delivery"], units["djb-kerqin-freight"]
    rider_agent = helpers.agent(delivery, "instructor", "骑手指导员")
    truck_agent = helpers.agent(freight, "instructor", "货车指导员")
    ents = {
        "delivery_own": helpers.enterprise(delivery, "外卖站甲"),
        "delivery_foreign": helpers.enterprise(freight, "货运站甲"),
        "freight_own": helpers.enterprise(freight, "货运站乙"),
        "freight_foreign": helpers.enterprise(delivery, "外卖站乙"),
    }
    assign_responsibility(ents["delivery_own"], "instructor", agent=rider_agent, actor=system_actor("test"))
    assign_responsibility(
        ents["delivery_foreign"], "instructor", agent=rider_agent, actor=system_actor("test")
    )
    assign_responsibility(ents["freight_own"], "instructor", agent=truck_agent, actor=system_actor("test"))
    assign_responsibility(
        ents["freight_foreign"], "instructor", agent=truck_agent, actor=system_actor("test")
    )
    return ents


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("username", "own", "foreign"),
    [
        ("rider_committee_admin", "delivery_own", "delivery_foreign"),
        ("transport_dept", "freight_own", "freight_foreign"),
    ],
)
def test_overdue_lists_hold_only_the_roles_industry(
    two_industries, api_client, client_for, username, own, foreign
):
    own, foreign = two_industries[own], two_industries[foreign]
    response = api_client(username).get("/api/v1/guidance/overdue", {"limit": 500})
    assert response.status_code == 200
    listed = {row["enterprise_id"] for row in response.json()["items"]}
    assert own.pk in listed and foreign.pk not in listed
    page = client_for(username).get(reverse("guidance:overdue")).content.decode()
    assert own.name in page and foreign.name not in page

"""The 通辽 ledger demo reproduces the seed's figures through the API, and a second run (on top of the whole
demo, `xinye demo`'s data set: the `full_demo` fixture) changes nothing."""

import pytest
from django.db.models import Count

from xinye.core.context import actor_context

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("full_demo")]


def _load_ledger_demo() -> dict:
    """The demo loaders the ledger depends on, then the ledger's own (as `xinye demo` runs them)."""
    from xinye.demo import accounts as accounts_demo
    from xinye.demo import coverage as coverage_demo
    from xinye.demo import ledger as ledger_demo
    from xinye.demo import orgs as orgs_demo

    world: dict = {}
    with actor_context(source="system", label="demo"):
        orgs_demo.load(world)
        accounts_demo.load(world)
        ledger_demo.load(world)
        coverage_demo.load(world)  # the statistics' aggregates, rebuilt after the bulk-written ledger
    return world


def _count(client, path, **params) -> int:
    response = client.get(path, {"limit": 1, **params})
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_demo_reproduces_the_seed(full_demo, world, api_client):
    from stdnum.cn import uscc

    from xinye.ledger.models import Enterprise, PartyOrganisation, Practitioner
    from xinye.orgs.models import Agent
    from xinye.orgs.services import gaps

    def counts():
        return (
            Enterprise.objects.count(),
            Practitioner.objects.count(),
            PartyOrganisation.objects.count(),
            Agent.objects.count(),
        )

    before = counts()
    demo_world = _load_ledger_demo()  # again, on top of the whole demo: nothing new, the same rows returned
    assert counts() == before
    assert {e.pk for e in demo_world["enterprises"]} == set(Enterprise.objects.values_list("pk", flat=True))
    client = api_client("city_admin")
    assert _count(client, "/api/v1/enterprises") == 310
    assert _count(client, "/api/v1/practitioners") == 10_381
    assert _count(client, "/api/v1/party-members") == 350
    assert _count(client, "/api/v1/organisations") == 53
    assert _count(client, "/api/v1/organisations", kind="party_committee") == 1
    branches = _count(client, "/api/v1/organisations", kind="branch")
    joint = _count(client, "/api/v1/organisations", kind="joint_branch")
    assert branches + joint == 52 and joint > 0
    assert Agent.objects.filter(kind="instructor").count() == 50
    assert Agent.objects.filter(kind="liaison").count() == 179
    stats = client.get("/api/v1/stats/overview").json()
    assert (stats["enterprises"], stats["practitioners"], stats["party_members"]) == (310, 10_381, 350)
    assert (stats["instructors"], stats["liaisons"]) == (50, 179)
    orgs = stats["party_organisations"]
    assert (orgs["total"], orgs["党委"], orgs["党总支"], orgs["党支部"], orgs["联合党支部"]) == (
        53,
        1,
        0,
        52,
        joint,
    )
    assert stats["coverage"]["work_rate"] == 1.0
    # 100 % work coverage: no enterprise is blank, every one has every required owner and an instructor.
    assert _count(client, "/api/v1/enterprises", status="blank") == 0
    enterprises = Enterprise.objects.all()
    assert gaps(enterprises) == []
    assert gaps(enterprises, ["liaison", "instructor"]) == []
    loads = (
        Agent.objects.filter(kind="instructor")
        .annotate(n=Count("responsibilities"))
        .values_list("n", flat=True)
    )
    assert min(loads) >= 5 and max(loads) <= 8  # balanced, about 6–7 each
    # Spread: 9 county-level units, 5 industries, riders and couriers the largest, 科尔沁区 the biggest county.
    by_region = dict(enterprises.values_list("region").annotate(n=Count("pk")))
    assert len(by_region) == 9 and max(by_region, key=by_region.get) == "150502"
    by_industry = dict(enterprises.values_list("industry").annotate(n=Count("pk")))
    assert len(by_industry) == 5
    assert sorted(by_industry, key=by_industry.get)[-2:] in (["delivery", "express"], ["express", "delivery"])
    assert all(uscc.is_valid(code) for code in enterprises.values_list("uscc", flat=True))
    # People: valid IDs (the model derives gender and birth date only from a valid one), old 1523 codes,
    # a realistic Mongolian share, ages 18–58 on the demo's reference date.
    people = list(Practitioner.objects.only("id_number", "ethnicity", "birth_date", "gender"))
    assert all(p.birth_date and p.gender for p in people)
    from xinye.demo.ledger import REFERENCE_DATE
    from xinye.ledger.services import age_on

    ages = [age_on(p.birth_date, REFERENCE_DATE) for p in people]
    assert min(ages) == 18 and max(ages) == 58
    assert sum(p.id_number.startswith("1523") for p in people) > 500
    mongolian = sum(p.ethnicity == "蒙古族" for p in people) / len(people)
    assert 0.2 <= mongolian <= 0.3
    # Demo accounts linked to the field.
    users = demo_world["users"]
    assert Agent.objects.get(user=users["instructor"]).region_id == "150502"
    assert Agent.objects.get(user=users["liaison"]).kind == "liaison"
    sec = users["secretary"].role_assignments.get()
    assert sec.unit.kind == "branch" and sec.unit.industry == "delivery" and sec.unit.region_id == "150502"
    assert PartyOrganisation.objects.get(unit=sec.unit).secretary_user == users["secretary"]
    # The instructor sees only assigned enterprises.
    agent = Agent.objects.get(user=users["instructor"])
    assigned = agent.responsibilities.count()
    assert _count(api_client("instructor"), "/api/v1/enterprises") == assigned
    assert _count(client, "/api/v1/enterprises", agent=agent.pk) == assigned  # the roster: who covers what
    assert len(demo_world["enterprises"]) == 310 and len(demo_world["party_orgs"]) == 53

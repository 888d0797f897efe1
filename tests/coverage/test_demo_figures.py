"""`xinye demo` reproduces every figure of the seed through GET /api/v1/stats/overview (as the city admin),
and the aggregates it leaves behind equal a full recompute."""

import pytest

from tests.coverage.helpers import snapshot


@pytest.mark.django_db(transaction=True)
def test_demo_reproduces_the_seed_figures(world, api_client, rebuild_world_after):
    from xinye.core.context import actor_context
    from xinye.coverage import aggregates, services
    from xinye.demo import load_demo

    with actor_context(source="system", label="demo"):
        load_demo()

    response = api_client("city_admin").get("/api/v1/stats/overview")
    assert response.status_code == 200, response.content
    figures = response.json()
    assert figures["enterprises"] == 310
    assert figures["practitioners"] == 10_381
    assert figures["party_members"] == 350
    orgs = figures["party_organisations"]
    assert (orgs["total"], orgs["党委"], orgs["党总支"], orgs["党支部"]) == (53, 1, 0, 52)
    assert 0 < orgs["联合党支部"] < 52  # some of the 52 branches are joint ones
    assert figures["instructors"] == 50
    assert figures["liaisons"] == 179
    assert figures["industry_committees"] == 5
    assert figures["industry_offices"] == 53
    assert figures["coverage"]["work_rate"] == 1.0
    assert figures["coverage"]["blank"] == 0
    assert 0 < figures["coverage"]["independent_rate"] <= figures["coverage"]["organisation_rate"] < 1.0

    # The same through the naive scan, and the aggregates equal a full recompute.
    from xinye.accounts.models import User

    assert services.naive_overview(User.objects.get(username="city_admin")) == figures
    kept = snapshot()
    aggregates.refresh()
    assert snapshot() == kept

    # By county: 9 county-level units, all at 100 % work coverage.
    rows = api_client("city_admin").get("/api/v1/stats/coverage", {"by": "county"}).json()["rows"]
    assert len(rows) == 9 and sum(r["enterprises"] for r in rows) == 310
    assert all(r["work_rate"] == 1.0 for r in rows)
    # The 应建尽建 list and the joint proposals come out of the demo too, each explained.
    must = api_client("city_admin").get("/api/v1/coverage/must-form", {"limit": 500}).json()
    assert must["count"] == figures["must_form"] > 0
    assert all("应单独组建" in item["reason"] for item in must["items"])
    proposals = api_client("city_admin").get("/api/v1/coverage/joint-proposals", {"limit": 500}).json()
    assert all("可联合组建党支部" in p["explanation"] for p in proposals["items"])

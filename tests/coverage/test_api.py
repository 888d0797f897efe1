"""The statistics API: keys, scoping (city vs county vs industry committee), filters, lists behind figures;
and the console dashboard pages."""

import pytest
from django.urls import reverse

from tests.coverage.helpers import agent, enterprise, members, organisation
from xinye.orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

USERS = ("city_admin", "kerqin_admin", "rider_committee_admin", "transport_dept")


def overview(api_client, username, **params):
    response = api_client(username).get("/api/v1/stats/overview", params)
    assert response.status_code == 200, response.content
    return response.json()


def make_four(world):
    """One enterprise in each of 科尔沁区 快递 / 外卖骑手 and 奈曼旗 快递 / 外卖骑手."""
    units = {code: OrgUnit.objects.get(code=code) for code in ("djb-kerqin-express", "djb-kerqin-delivery")}
    units |= {code: OrgUnit.objects.get(code=code) for code in ("djb-naiman-express", "djb-naiman-delivery")}
    made = {code: enterprise(unit, f"{unit.name}测试企业") for code, unit in units.items()}
    members(made["djb-kerqin-delivery"], full=3)
    organisation("branch", [made["djb-kerqin-delivery"]], units["djb-kerqin-delivery"])
    agent("liaison", units["djb-naiman-delivery"], made["djb-naiman-delivery"])
    return made


@pytest.fixture
def four(world):
    return make_four(world)


def test_overview_keys_and_scoping(world, api_client):
    before = {u: overview(api_client, u) for u in USERS}
    make_four(world)
    after = {u: overview(api_client, u) for u in USERS}
    for key in (
        "enterprises",
        "practitioners",
        "party_members",
        "party_organisations",
        "instructors",
        "liaisons",
        "industry_committees",
        "industry_offices",
        "coverage",
    ):
        assert key in after["city_admin"]
    assert set(after["city_admin"]["party_organisations"]) >= {
        "total",
        "党委",
        "党总支",
        "党支部",
        "联合党支部",
    }
    assert set(after["city_admin"]["coverage"]) >= {"organisation_rate", "independent_rate", "work_rate"}

    def delta(user, key):
        return after[user][key] - before[user][key]

    assert delta("city_admin", "enterprises") == 4
    assert delta("kerqin_admin", "enterprises") == 2  # 科尔沁区 快递 + 外卖骑手
    assert delta("rider_committee_admin", "enterprises") == 2  # 外卖骑手 in 科尔沁区 + 奈曼旗
    assert delta("transport_dept", "enterprises") == 0  # 大货车 only
    assert delta("city_admin", "party_members") == 3
    assert delta("kerqin_admin", "party_members") == 3
    assert delta("rider_committee_admin", "party_members") == 3
    org_delta = {
        u: after[u]["party_organisations"]["党支部"] - before[u]["party_organisations"]["党支部"]
        for u in USERS
    }
    assert org_delta == {"city_admin": 1, "kerqin_admin": 1, "rider_committee_admin": 1, "transport_dept": 0}
    liaisons = {u: delta(u, "liaisons") for u in USERS}
    assert liaisons == {"city_admin": 1, "kerqin_admin": 0, "rider_committee_admin": 1, "transport_dept": 0}
    assert after["city_admin"]["industry_offices"] >= 53 and after["city_admin"]["industry_committees"] == 5
    assert after["kerqin_admin"]["industry_offices"] == 9  # 5 + 东片×3 + 城北片
    assert after["rider_committee_admin"]["industry_committees"] == 1
    assert after["rider_committee_admin"]["industry_offices"] == 12  # 9 counties + 3 area offices
    assert after["transport_dept"]["industry_offices"] == 10  # 9 + 开鲁 货运场站


def test_filters(world, api_client, four):
    all_kerqin = overview(api_client, "city_admin", region="150502")
    kerqin_delivery = overview(api_client, "city_admin", region="150502", industry="delivery")
    naiman = overview(api_client, "city_admin", region="150525")
    assert kerqin_delivery["enterprises"] <= all_kerqin["enterprises"]
    assert kerqin_delivery["industry_offices"] == 3 and kerqin_delivery["industry_committees"] == 1
    # The county admin's figures equal the city admin's figures filtered to that county.
    assert overview(api_client, "kerqin_admin") == all_kerqin
    # A county admin filtering on another county sees nothing of it.
    outside = overview(api_client, "kerqin_admin", region="150525")
    assert outside["enterprises"] == 0 and naiman["enterprises"] >= 2
    bad = api_client("city_admin").get("/api/v1/stats/overview", {"region": "999999"})
    assert bad.status_code == 422 and "区划" in bad.json()["detail"]
    assert api_client("city_admin").get("/api/v1/stats/overview", {"industry": "x"}).status_code == 422


def test_forbidden_without_grant(world, api_client):
    for username in ("liaison", "sysadmin", "auditor"):
        response = api_client(username).get("/api/v1/stats/overview")
        assert response.status_code == 403 and response.json()["detail"]


def test_coverage_table_and_lists(world, api_client, four):
    client = api_client("kerqin_admin")
    table = client.get("/api/v1/stats/coverage", {"by": "county"}).json()
    assert [r["region"] for r in table["rows"]] == ["150502"]
    rows = client.get("/api/v1/stats/coverage", {"by": "county_industry"}).json()["rows"]
    assert {r["region"] for r in rows} == {"150502"} and all(0 <= r["work_rate"] <= 1 for r in rows)
    assert client.get("/api/v1/stats/coverage", {"by": "street"}).status_code == 422

    listed = client.get("/api/v1/coverage/enterprises", {"status": "independent", "limit": 500}).json()
    names = {i["name"] for i in listed["items"]}
    assert "科尔沁区外卖骑手行业党建办测试企业" in names
    assert all(i["region"] == "150502" and i["status"] == "independent" for i in listed["items"])
    blank = api_client("rider_committee_admin").get("/api/v1/coverage/enterprises", {"limit": 500}).json()
    assert {i["industry"] for i in blank["items"]} == {"delivery"}
    naiman = api_client("city_admin").get(
        "/api/v1/coverage/enterprises", {"region": "150525", "status": "work", "limit": 500}
    )
    assert "奈曼旗外卖骑手行业党建办测试企业" in {i["name"] for i in naiman.json()["items"]}

    assert client.get("/api/v1/coverage/must-form").status_code == 200
    assert client.get("/api/v1/coverage/joint-proposals").status_code == 200
    gaps = client.get("/api/v1/coverage/gaps", {"limit": 500}).json()
    ours = [g for g in gaps["items"] if g["name"].endswith("测试企业")]
    assert ours and all("liaison" in g["missing"] or g["missing"] for g in ours)
    assert all(g["region"] == "150502" for g in gaps["items"])


def test_must_form_list(world, api_client):
    office = OrgUnit.objects.get(code="djb-kerqin-express")
    big = enterprise(office, "党员多未建企业")
    members(big, full=4, probationary=1)
    items = api_client("kerqin_admin").get("/api/v1/coverage/must-form", {"limit": 500}).json()["items"]
    mine = [i for i in items if i["id"] == big.pk]
    assert mine and mine[0]["suggested_kind"] == "党支部"
    assert "正式党员 4 名" in mine[0]["reason"]
    others = api_client("rider_committee_admin").get("/api/v1/coverage/must-form", {"limit": 500}).json()
    assert big.pk not in {i["id"] for i in others["items"]}


def test_console_dashboard(world, client_for, four):
    client = client_for("kerqin_admin")
    page = client.get(reverse("coverage:dashboard"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "组织覆盖率" in text and "应建尽建" in text and "科尔沁区" in text
    assert '<script src="http' not in text  # no external JS for the charts
    assert reverse("coverage:enterprises") + "?" in text  # figures link to their lists
    listed = client.get(reverse("coverage:enterprises"), {"status": "independent"})
    assert "科尔沁区外卖骑手行业党建办测试企业" in listed.content.decode()
    assert client.get(reverse("coverage:proposals")).status_code == 200
    assert client_for("liaison").get(reverse("coverage:dashboard")).status_code == 404


def test_dashboard_cards(world, rf):
    from xinye.accounts.permissions import clear_cache
    from xinye.console.navigation import dashboard_callback
    from xinye.coverage.views import dashboard_cards

    request = rf.get("/admin/")
    request.user = world["users"]["city_admin"]
    clear_cache(request.user)
    cards = dashboard_cards(request)
    assert {c["title"] for c in cards} >= {"工作覆盖率", "应建尽建企业"}
    assert all(set(c) == {"title", "value", "link"} for c in cards)
    home = {c["title"] for c in dashboard_callback(request, {})["xinye_cards"]}
    assert home >= {"工作覆盖率", "应建尽建企业"}, "the console home finds the cards in coverage.views"
    request.user = world["users"]["sysadmin"]
    assert dashboard_cards(request) == []


def test_dashboard_asks_for_a_county_over_a_large_pool(world, client_for, four, monkeypatch):
    from xinye.coverage import views

    monkeypatch.setattr(views, "DASHBOARD_POOL_MAX", 0)
    text = client_for("city_admin").get(reverse("coverage:dashboard")).content.decode()
    assert "请先选择旗县区查看建议" in text


def test_joint_proposals_and_unmatched_through_the_api(world, api_client):
    office = OrgUnit.objects.get(code="djb-kerqin-express")
    a = enterprise(office, "联合测试甲", lat=43.65, lon=122.20)
    b = enterprise(office, "联合测试乙", lat=43.652, lon=122.20)  # 220 m north
    lone = enterprise(OrgUnit.objects.get(code="djb-naiman-express"), "孤立测试丙", lat=42.85, lon=120.65)
    members(a, full=2)
    members(b, full=1)
    members(lone, full=1)
    client = api_client("city_admin")
    groups = client.get("/api/v1/coverage/joint-proposals", {"limit": 500}).json()["items"]
    ours = [g for g in groups if {e["name"] for e in g["enterprises"]} & {"联合测试甲", "联合测试乙"}]
    assert len(ours) == 1 and [e["name"] for e in ours[0]["enterprises"]][:2] == ["联合测试甲", "联合测试乙"]
    assert ours[0]["explanation"].startswith("科尔沁区 2 家快递企业相距不超过 0.2 公里，合计正式党员 3 名")
    unmatched = client.get("/api/v1/coverage/joint-proposals/unmatched", {"limit": 500}).json()["items"]
    assert "孤立测试丙" in {u["name"] for u in unmatched}
    # A county admin sees proposals of the county only.
    kerqin = (
        api_client("kerqin_admin").get("/api/v1/coverage/joint-proposals/unmatched", {"limit": 500}).json()
    )
    assert "孤立测试丙" not in {u["name"] for u in kerqin["items"]}


def test_the_county_filter_offers_only_the_counties_in_scope(world, client_for):
    """A county admin picks from its own county, the rider committee from every county, the city from all 9."""
    import re

    def offered(username: str) -> set[str]:
        html = client_for(username).get(reverse("coverage:dashboard")).content.decode()
        return set(re.findall(r'<option value="(15\d{4})"', html))

    assert offered("kerqin_admin") == {"150502"}
    assert len(offered("city_admin")) == 9
    assert len(offered("rider_committee_admin")) == 9

"""The policy catalogue and its reach, 银企/保险对接 and their outcomes, the statistics, and the API as a county
clerk, a handling unit and the city use it."""

import datetime
from decimal import Decimal

import pytest

from tests.ledger.factories import make_enterprise
from tests.support import factories as f
from xinye.accounts.permissions import system_actor
from xinye.core.errors import Refused
from xinye.support import services
from xinye.support.models import PolicyReach

SYS = system_actor("test")


@pytest.fixture
def setup(world):
    units = world["units"]
    city = units["tl-lxgw"]
    kerqin = make_enterprise(units["djb-kerqin-delivery"], name="饿了么科尔沁区站", staff_count=50)
    naiman = make_enterprise(units["djb-naiman-delivery"], name="美团奈曼旗站", staff_count=30)
    bank = f.make_institution(city, kind="bank", name="农业银行通辽分行")
    loan = f.make_product(city, institution=bank, kind="loan", max_amount=Decimal("1000000"))
    insurer = f.make_institution(city, kind="insurer", name="人保财险通辽分公司")
    cover = f.make_product(city, institution=insurer, kind="accident", name="骑手意外险", max_amount=None)
    event = f.make_event(city)
    return {
        "kerqin": kerqin,
        "naiman": naiman,
        "bank": bank,
        "loan": loan,
        "insurer": insurer,
        "cover": cover,
        "event": event,
        "city_policy": f.make_policy(city, effective_until=datetime.date(2099, 12, 31)),
        "kerqin_policy": f.make_policy(units["lxgw-kerqin"], title="科尔沁区站点用房支持"),
    }


def test_policy_reach_rules(world, setup):
    county = world["users"]["kerqin_admin"]
    kerqin, naiman = setup["kerqin"], setup["naiman"]
    taken = services.record_reach(
        setup["city_policy"], kerqin, actor=county, kind="taken_up", benefit=Decimal("3000")
    )
    # taking a policy up records it as told too
    assert set(PolicyReach.objects.filter(enterprise=kerqin).values_list("kind", flat=True)) == {
        "told",
        "taken_up",
    }
    assert taken.recorded_by == county
    with pytest.raises(Refused, match="无需重复记录"):
        services.record_reach(setup["city_policy"], kerqin, actor=county, kind="taken_up")
    with pytest.raises(Refused, match="只适用于科尔沁区"):  # a county's policy for its own enterprises
        services.record_reach(setup["kerqin_policy"], naiman, actor=SYS, kind="told")
    with pytest.raises(Refused, match="不在有效期内"):
        services.record_reach(
            setup["kerqin_policy"], kerqin, actor=county, kind="taken_up", date=datetime.date(2025, 6, 1)
        )
    with pytest.raises(Refused, match="只有已享受"):
        services.record_reach(setup["kerqin_policy"], kerqin, actor=county, kind="told", benefit=Decimal("1"))
    with pytest.raises(Refused, match="不能早于施行日期"):
        services.clean_policy(
            title="x", effective_from=datetime.date(2026, 5, 1), effective_until=datetime.date(2026, 1, 1)
        )


def test_match_rules_and_outcome_fixed_once(world, setup):
    county = world["users"]["kerqin_admin"]
    kerqin = setup["kerqin"]
    with pytest.raises(Refused, match="保险对接须选择保险机构"):
        services.record_match(actor=county, enterprise=kerqin, institution=setup["bank"], kind="accident")
    with pytest.raises(Refused, match="不是农业银行通辽分行的产品"):
        services.record_match(
            actor=county, enterprise=kerqin, institution=setup["bank"], kind="loan", product=setup["cover"]
        )
    match = services.record_match(
        actor=county,
        enterprise=kerqin,
        institution=setup["bank"],
        kind="loan",
        product=setup["loan"],
        event=setup["event"],
    )
    assert match.status == "proposed" and match.region_id == "150502"
    with pytest.raises(Refused, match="超过产品"):
        services.conclude_match(match, actor=county, status="concluded", amount=Decimal("2000000"))
    with pytest.raises(Refused, match="贷款不覆盖从业人员"):
        services.conclude_match(
            match, actor=county, status="concluded", amount=Decimal("1"), workers_covered=3
        )
    services.conclude_match(match, actor=county, status="concluded", amount=Decimal("500000"))
    with pytest.raises(Refused, match="结果不能再修改"):
        services.conclude_match(match, actor=county, status="declined")

    cover = services.record_match(
        actor=county, enterprise=kerqin, institution=setup["insurer"], kind="accident"
    )
    with pytest.raises(Refused, match="不能超过企业从业人员数 50 人"):
        services.conclude_match(
            cover, actor=county, status="concluded", amount=Decimal("1"), workers_covered=51
        )
    with pytest.raises(Refused, match="须填写覆盖的从业人员数"):
        services.conclude_match(cover, actor=county, status="concluded", amount=Decimal("1"))


def test_statistics_by_kind_status_on_time_reach_and_county_totals(world, setup):
    county = world["users"]["kerqin_admin"]
    kerqin, naiman = setup["kerqin"], setup["naiman"]
    a = services.file_need(actor=county, enterprise=kerqin, kind="financing", title="需要周转资金 50 万元")
    services.file_need(actor=county, enterprise=kerqin, kind="insurance", title="骑手意外险")
    services.file_need(actor=SYS, enterprise=naiman, kind="financing", title="需要周转资金 20 万元")
    (task,) = services.dispatch_need(a, actor=county)
    services.sign_need_task(task, actor=county)
    services.answer_need_task(task, actor=county, answer="已对接")
    services.answer_need(a, actor=county, answer="已对接")
    services.close_need(a, actor=county, resolved=True)
    for enterprise, institution, kind, amount, workers in (
        (kerqin, setup["bank"], "loan", "500000", 0),
        (kerqin, setup["insurer"], "accident", "15000000", 50),
        (naiman, setup["insurer"], "accident", "9000000", 30),
    ):
        m = services.record_match(actor=SYS, enterprise=enterprise, institution=institution, kind=kind)
        services.conclude_match(
            m, actor=SYS, status="concluded", amount=Decimal(amount), workers_covered=workers
        )
    services.record_reach(
        setup["city_policy"], kerqin, actor=county, kind="taken_up", benefit=Decimal("2500")
    )
    services.record_reach(setup["city_policy"], naiman, actor=SYS, kind="told")

    body = world_client(world, "kerqin_admin").get("/api/v1/stats/enterprise-services").json()
    needs = body["needs"]
    assert needs["total"] == 2  # 奈曼旗's need is not 科尔沁区's
    assert needs["by_kind"]["financing"] == 1 and needs["by_kind"]["insurance"] == 1
    assert needs["by_status"] == {"submitted": 1, "dispatched": 0, "answered": 0, "closed": 1, "rejected": 0}
    assert needs["closed"] == needs["on_time"] == 1 and needs["on_time_rate"] == "100.0"
    finance = body["finance"]
    assert finance["financing"] == {"amount": "500000.00", "matches": 1, "enterprises": 1}
    assert finance["cover"] == {"amount": "15000000.00", "workers": 50, "matches": 1, "enterprises": 1}
    assert [c["county"] for c in finance["by_county"]] == ["150502"]
    reach = {p["title"]: p for p in body["policies"]}
    assert reach[setup["city_policy"].title] == {
        "policy_id": setup["city_policy"].pk,
        "title": setup["city_policy"].title,
        "told": 1,
        "taken_up": 1,
        "benefit": "2500.00",
    }
    # the city sees both counties, one line each
    city = world_client(world, "city_admin").get("/api/v1/stats/enterprise-services").json()["finance"]
    assert city["cover"]["workers"] == 80 and city["cover"]["amount"] == "24000000.00"
    assert {c["county"]: c["cover"]["workers"] for c in city["by_county"]} == {"150502": 50, "150525": 30}


def world_client(world, username):
    from tests.conftest import login

    return login(username)


def test_api_needs_list_is_scoped_and_filtered_and_tasks_go_to_the_handling_unit(world, setup):
    kerqin_admin = world_client(world, "kerqin_admin")
    response = kerqin_admin.post(
        "/api/v1/enterprise-needs",
        {"enterprise": setup["kerqin"].pk, "kind": "insurance", "title": "为骑手统一投保意外险"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    need_id = response.json()["id"]
    services.file_need(actor=SYS, enterprise=setup["naiman"], kind="financing", title="需要周转资金")
    listed = kerqin_admin.get("/api/v1/enterprise-needs").json()
    assert [n["id"] for n in listed["items"]] == [need_id] and listed["count"] == 1
    assert kerqin_admin.get("/api/v1/enterprise-needs", {"kind": "financing"}).json()["count"] == 0
    bad = kerqin_admin.get("/api/v1/enterprise-needs", {"status": "open"})
    assert bad.status_code == 422
    refused = kerqin_admin.post(
        "/api/v1/enterprise-needs",
        {"enterprise": setup["kerqin"].pk, "kind": "insurance", "title": "险"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "title"

    dispatched = kerqin_admin.post(
        f"/api/v1/enterprise-needs/{need_id}/dispatch", {}, content_type="application/json"
    )
    assert dispatched.status_code == 200 and dispatched.json()["status"] == "dispatched"
    (task,) = dispatched.json()["tasks"]
    assert task["unit"]["name"] == "通辽市总工会"

    union = world_client(world, "union_staff")
    assert union.get("/api/v1/enterprise-needs").json()["count"] == 0  # the need stays the county's
    tasks = union.get("/api/v1/enterprise-need-tasks").json()
    assert [t["id"] for t in tasks["items"]] == [task["id"]]
    assert tasks["items"][0]["need"]["title"] == "为骑手统一投保意外险"
    assert union.post(f"/api/v1/enterprise-need-tasks/{task['id']}/sign").json()["status"] == "signed"
    assert (
        world_client(world, "community_admin")
        .post(
            f"/api/v1/enterprise-need-tasks/{task['id']}/answer",
            {"text": "x"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_api_catalogues_city_rows_for_every_county_own_rows_for_the_county(world, setup):
    naiman_policy = f.make_policy(world["units"]["lxgw-naiman"], title="奈曼旗站点补贴")
    kerqin_admin = world_client(world, "kerqin_admin")
    titles = {p["title"] for p in kerqin_admin.get("/api/v1/policies").json()["items"]}
    assert setup["city_policy"].title in titles and "科尔沁区站点用房支持" in titles
    assert naiman_policy.title not in titles
    assert kerqin_admin.get(f"/api/v1/policies/{naiman_policy.pk}").status_code == 404
    names = {i["name"] for i in kerqin_admin.get("/api/v1/financial-institutions").json()["items"]}
    assert names == {"农业银行通辽分行", "人保财险通辽分公司"}
    # a county clerk records a match with a city bank at the city's event, and its outcome
    created = kerqin_admin.post(
        "/api/v1/financing-matches",
        {
            "enterprise": setup["kerqin"].pk,
            "institution": setup["bank"].pk,
            "kind": "loan",
            "event": setup["event"].pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    outcome = kerqin_admin.post(
        f"/api/v1/financing-matches/{created.json()['id']}/outcome",
        {"status": "concluded", "amount": "300000", "workers_covered": 0},
        content_type="application/json",
    )
    assert outcome.status_code == 200 and outcome.json()["amount"] == "300000.00"
    # but the city's bank is not the county's to edit: it reads it (read-only), a change is forbidden
    assert (
        kerqin_admin.post(
            f"/admin/support/institution/{setup['bank'].pk}/change/", {"name": "改名", "kind": "bank"}
        ).status_code
        == 403
    )
    setup["bank"].refresh_from_db()
    assert setup["bank"].name == "农业银行通辽分行"
    # nor may it record another county's enterprise
    other = kerqin_admin.post(
        "/api/v1/financing-matches",
        {"enterprise": setup["naiman"].pk, "institution": setup["bank"].pk, "kind": "loan"},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_the_needs_list_reads_in_a_fixed_number_of_queries(world, setup, django_assert_max_num_queries):
    for i in range(8):
        need = services.file_need(
            actor=SYS, enterprise=setup["kerqin"], kind="financing", title=f"周转资金第{i}笔"
        )
        services.dispatch_need(need, actor=SYS)
    client = world_client(world, "kerqin_admin")
    client.get("/api/v1/enterprise-needs")  # warm the session and the grants
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/enterprise-needs").json()["count"] == 8
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/enterprise-need-tasks").json()["count"] == 8

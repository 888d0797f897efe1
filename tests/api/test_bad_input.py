"""Bad input answers 4xx with a Chinese `detail` naming the field, and writes nothing — the causes Schemathesis
found behind 500s (issue 18 item 10), each closed here."""

import json

from xinye.accounts.permissions import system_actor
from xinye.funds.models import Allocation
from xinye.orgs.choices import ResponsibilityRole
from xinye.orgs.models import OrgUnit
from xinye.orgs.services import assign_responsibility


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_oversized_offset_and_ids_are_refused_in_chinese(world, api_client):
    client = api_client("city_admin")
    r = client.get("/api/v1/org-units", {"offset": 10**20})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "offset", "message": r.json()["errors"][0]["message"]}]
    assert "offset" in r.json()["detail"] and "超出" in r.json()["detail"]
    r = client.get("/api/v1/enterprises", {"unit": 1440375479207453247143936})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "unit"
    r = client.get(f"/api/v1/org-units/{10**20}")
    assert r.status_code == 422 and "unit_id" in r.json()["detail"]


def test_years_and_day_counts_are_bounded(world, api_client):
    client = api_client("city_admin")
    r = client.get("/api/v1/members/pipeline", {"year": 107951})
    assert r.status_code == 422 and r.json()["detail"] == "请求参数有误：year 须不大于 2100"
    r = client.get("/api/v1/stats/pairings", {"year": 107951})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "year"
    r = client.get("/api/v1/organisations/due-for-election", {"days": 6378245})
    assert r.status_code == 422 and r.json()["detail"] == "请求参数有误：days 须不大于 36500"


def test_decimals_beyond_their_column_are_refused_and_nothing_is_stored(world, api_client):
    client = api_client("city_admin")
    unit = world["units"]["tl-zzb"]
    before = Allocation.objects.count()
    for amount, reason in [
        ("1.234", "小数最多 2 位"),
        ("12345678901.5", "整数部分最多 10 位"),
        ("-5", "须不小于 0"),
        ("NaN", "须为有限的数"),
    ]:
        r = _post(
            client,
            "/api/v1/funds/allocations",
            {"kind": "work", "unit_id": unit.pk, "year": 2026, "amount": amount},
        )
        assert r.status_code == 422, amount
        assert r.json()["detail"].startswith("请求参数有误：amount "), r.json()
        assert reason in r.json()["detail"], (amount, r.json())
    assert Allocation.objects.count() == before
    # the list still reads
    assert client.get("/api/v1/funds/allocations").status_code == 200


def test_null_for_a_required_field_names_it(world, api_client):
    client = api_client("city_admin")
    parent = world["units"]["tl-zzb"]
    r = _post(
        client,
        "/api/v1/org-units",
        {"code": "x-1", "name": None, "kind": "community", "region": "150502", "parent": parent.pk},
    )
    assert r.status_code == 422
    assert r.json()["detail"] == "请求参数有误：name 须为文本"


def test_a_reference_that_does_not_exist_is_a_field_error_not_a_crash(world, api_client):
    parent = world["units"]["tl-zzb"]
    r = _post(
        api_client("city_admin"),
        "/api/v1/org-units",
        {
            "code": "x-2",
            "name": "测试单位",
            "kind": "industry_office",
            "region": parent.region_id,
            "parent": parent.pk,
            "answers_to": -180,
        },
    )
    assert r.status_code == 422
    assert "answers_to" in {e["field"] for e in r.json()["errors"]}
    assert not OrgUnit.objects.filter(code="x-2").exists()


def test_body_that_is_not_json_is_a_chinese_400(world, api_client):
    r = api_client("city_admin").post("/api/v1/org-units", "{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"detail": "请求体不是有效的 JSON"}


def test_deleting_a_unit_that_still_holds_responsibilities_is_refused(world, api_client):
    leaf = OrgUnit.objects.filter(children__isnull=True).order_by("pk").last()
    assign_responsibility(
        world["units"]["tl-zzb"], ResponsibilityRole.COUNTY_OFFICE, unit=leaf, actor=system_actor("test")
    )
    r = api_client("city_admin").delete(f"/api/v1/org-units/{leaf.pk}")
    assert r.status_code == 422
    assert (
        r.json()["detail"] == f"“{leaf.name}”仍承担或对应责任关系，不能删除；请先在责任矩阵中移交，或改为停用"
    )
    assert OrgUnit.objects.filter(pk=leaf.pk).exists()
    assert leaf.responsibilities.count() == 1

"""API basics: OpenAPI, auth, JSON errors in Chinese, pagination, tree and responsibility lookups."""

from django.contrib.contenttypes.models import ContentType
from django.test import Client

from xinye.accounts.permissions import system_actor
from xinye.orgs.services import assign_responsibility


def test_openapi_document(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/regions",
        "/api/v1/org-units",
        "/api/v1/org-units/tree",
        "/api/v1/me",
        "/api/v1/responsibilities/{object_type}/{object_id}",
    ]:
        assert path in paths


def test_unauthenticated_gets_chinese_401(world):
    response = Client().get("/api/v1/org-units")
    assert response.status_code == 401
    assert response.json() == {"detail": "未登录或令牌无效"}


def test_me(world, api_client):
    body = api_client("rider_committee_admin").get("/api/v1/me").json()
    assert body["username"] == "rider_committee_admin"
    assert body["roles"][0]["role"] == "committee_admin"


def test_list_is_paginated_and_scoped(world, api_client):
    body = api_client("kerqin_admin").get("/api/v1/org-units", {"limit": 5}).json()
    assert set(body) == {"items", "count"} and len(body["items"]) == 5
    everything = api_client("kerqin_admin").get("/api/v1/org-units", {"limit": 500}).json()
    assert all(item["region"] == "150502" for item in everything["items"])
    assert everything["count"] == len(everything["items"])


def test_second_line_queryable(world, api_client):
    committee = world["units"]["hydw-delivery"]
    body = (
        api_client("city_admin").get("/api/v1/org-units", {"answers_to": committee.pk, "limit": 100}).json()
    )
    assert body["count"] == 12
    detail = api_client("city_admin").get(f"/api/v1/org-units/{committee.pk}").json()
    assert len(detail["guided_units"]) == 12


def test_tree_only_shows_scope(world, api_client):
    roots = api_client("kerqin_admin").get("/api/v1/org-units/tree").json()
    assert [r["name"] for r in roots] == ["科尔沁区两新工委"]
    assert any(c["kind"] == "industry_office" for c in roots[0]["children"])


def test_validation_error_is_chinese_json(world, api_client):
    response = api_client("city_admin").get("/api/v1/org-units", {"limit": "abc"})
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数有误：limit 须为整数"


def test_responsibility_lookup_and_gaps(world, api_client, settings):
    settings.XINYE_REQUIRED_RESPONSIBILITIES = {"orgs.orgunit": ["community", "instructor"]}
    street = world["units"]["street-kerqin-1"]
    community = world["units"]["street-kerqin-1-c1"]
    assign_responsibility(street, "community", unit=community, actor=system_actor("test"))
    client = api_client("kerqin_admin")
    response = client.get(f"/api/v1/responsibilities/orgs.orgunit/{street.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["owners"][0]["unit"]["name"] == community.name
    assert body["missing_roles"] == ["instructor"]
    gaps = client.get(
        "/api/v1/responsibilities/orgs.orgunit/gaps", {"role": "community", "limit": 500}
    ).json()
    ids = {g["object_id"] for g in gaps["items"]}
    assert street.pk not in ids and community.pk in ids
    # out of scope → 404
    naiman = world["units"]["street-naiman-1"]
    assert client.get(f"/api/v1/responsibilities/orgs.orgunit/{naiman.pk}").status_code == 404
    assert ContentType.objects.get_for_model(type(street))


def test_matrix_page_shows_gaps(world, client_for, settings):
    settings.XINYE_REQUIRED_RESPONSIBILITIES = {"orgs.orgunit": ["community"]}
    page = client_for("kerqin_admin").get("/admin/orgs/matrix/", {"type": "orgs.orgunit", "gaps": "1"})
    assert page.status_code == 200
    assert "缺位" in page.content.decode()


def test_health(world):
    assert Client().get("/healthz").json() == {"status": "ok"}
    ready = Client().get("/readyz")
    assert ready.status_code == 200 and ready.json()["migrations"] is True
    assert "version" not in ready.content.decode().lower()

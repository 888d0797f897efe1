"""A search by a whole ID number or phone over the API can go in a POST body (issue 18 item 8): the same
rows, scope and answer as `GET ?q=`, without the number in the URL or the access log."""

import pytest

from tests.ledger.factories import make_enterprise, make_practitioner

ID_NUMBER = "150502199001015678"
PHONE = "13904751122"


@pytest.fixture
def people(world):
    kerqin = make_enterprise(
        world["units"]["djb-kerqin-delivery"], name="接口查询配送站", contact_phone=PHONE
    )
    naiman = make_enterprise(world["units"]["djb-naiman-delivery"], name="接口查询奈曼站")
    return {
        "mine": make_practitioner(kerqin, name="接口查询甲", id_number=ID_NUMBER, phone=PHONE),
        "other": make_practitioner(kerqin, name="接口查询乙"),
        "outside": make_practitioner(naiman, name="接口查询丙", phone="13904753344"),
    }


def _post(client, path, body, **query):
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return client.post(path + suffix, body, content_type="application/json")


@pytest.mark.parametrize("term", [ID_NUMBER, PHONE, "接口查询甲"])
def test_post_search_answers_as_the_get_list(api_client, people, term):
    client = api_client("kerqin_admin")
    got = client.get("/api/v1/practitioners", {"q": term}).json()
    posted = _post(client, "/api/v1/practitioners/search", {"q": term})
    assert posted.status_code == 200, posted.content
    assert posted.json() == got
    assert [p["name"] for p in got["items"]] == ["接口查询甲"]


def test_post_search_keeps_the_other_filters_and_the_pagination(api_client, people):
    client = api_client("kerqin_admin")
    body = {"q": "接口查询", "enterprise": people["mine"].enterprise_id}
    page = _post(client, "/api/v1/practitioners/search", body, limit=1, offset=1).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_post_search_stays_in_scope(api_client, people):
    found = _post(api_client("kerqin_admin"), "/api/v1/practitioners/search", {"q": "13904753344"}).json()
    assert found["count"] == 0  # the 奈曼 worker's phone: outside 科尔沁, absent
    city = _post(api_client("city_admin"), "/api/v1/practitioners/search", {"q": "13904753344"}).json()
    assert [p["name"] for p in city["items"]] == ["接口查询丙"]


def test_post_search_of_enterprises_by_contact_phone(api_client, people):
    found = _post(api_client("kerqin_admin"), "/api/v1/enterprises/search", {"q": PHONE}).json()
    assert [e["name"] for e in found["items"]] == ["接口查询配送站"]


def test_post_search_needs_the_permission(api_client, client, people):
    assert _post(client, "/api/v1/practitioners/search", {"q": ID_NUMBER}).status_code == 401
    auditor = api_client("auditor")  # reads the change log only: the POST answers as the GET does
    got = auditor.get("/api/v1/practitioners", {"q": ID_NUMBER})
    posted = _post(auditor, "/api/v1/practitioners/search", {"q": ID_NUMBER})
    assert posted.status_code == got.status_code
    assert posted.status_code != 200 or posted.json()["count"] == 0


def test_post_search_refuses_a_bad_choice_in_chinese(api_client, people):
    response = _post(api_client("kerqin_admin"), "/api/v1/practitioners/search", {"industry": "nope"})
    assert response.status_code == 422 and "industry" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/practitioners/search", "/api/v1/enterprises/search"])
def test_a_nul_character_is_refused_in_chinese(people, api_client, path):
    """Found by Schemathesis on PostgreSQL (text cannot hold NUL: a 500 before); refused on every database."""
    response = _post(api_client("kerqin_admin"), path, {"q": "接口\u0000查询"})
    assert response.status_code == 422
    assert "空字符" in response.json()["detail"]
    assert (
        api_client("kerqin_admin").get(path.removesuffix("/search"), {"q": "接口\x00查询"}).status_code == 422
    )

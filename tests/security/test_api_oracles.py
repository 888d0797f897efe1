"""Writes that answer with someone else's data: an API create that hands back an out-of-scope row when
given its idempotency key, and duplicate checks whose message names where a person is registered."""

import json
import uuid

from tests.ledger.factories import make_enterprise, make_id, make_practitioner
from xinye.appeals.models import Appeal

SECRET = "外县骑手反映被拖欠工资三个月，住在某小区"


def _text(response) -> str:
    """The response body with JSON's \\u escapes undone, so Chinese values can be searched for."""
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return response.content.decode()


def _naiman_appeal(world) -> Appeal:
    unit = world["units"]["djb-naiman-delivery"]
    return Appeal.objects.create(
        unit=unit,
        region=unit.region,
        enterprise=make_enterprise(unit),
        category="wages",
        limit_kind="complaint",
        text=SECRET,
        idempotency_key=f"visit-problem-{uuid.uuid4().int % 10**6}",
    )


def test_reusing_an_out_of_scope_idempotency_key_returns_nothing_of_it(world, api_client):
    """Keys like `visit-problem-<pk>` are guessable: a staff create with another unit's key must not
    answer with that unit's appeal (its number, text in clear, tasks)."""
    other = _naiman_appeal(world)
    c = api_client("community_admin")  # may add appeals and see them unmasked, in 科尔沁街道 only
    r = c.post(
        "/api/v1/appeals",
        {"category": "wages", "text": "代录：骑手反映欠薪", "idempotency_key": other.idempotency_key},
        content_type="application/json",
    )
    body = _text(r)
    assert r.status_code in (404, 409), body[:300]
    assert SECRET not in body
    assert other.number not in body
    assert "detail" in r.json()


def test_own_retry_with_the_same_key_still_returns_the_first_appeal(world, api_client):
    c = api_client("community_admin")
    payload = {
        "category": "wages",
        "text": "代录：骑手反映欠薪两个月",
        "idempotency_key": uuid.uuid4().hex,
        "region": "150502",
    }
    r1 = c.post("/api/v1/appeals", payload, content_type="application/json")
    r2 = c.post("/api/v1/appeals", payload, content_type="application/json")
    assert r1.status_code == 201, r1.content.decode()[:300]
    assert r2.status_code == 201 and r2.json()["id"] == r1.json()["id"]


def test_duplicate_id_number_does_not_name_an_out_of_scope_enterprise(world, api_client):
    """Entering a resident ID must not tell a 科尔沁区 user which 奈曼旗 enterprise the person works at."""
    hidden = make_enterprise(world["units"]["djb-naiman-delivery"], name="奈曼旗隐秘配送有限公司")
    number = make_id("150525")
    make_practitioner(hidden, id_number=number)
    mine = make_enterprise(world["units"]["djb-kerqin-delivery"])
    r = api_client("kerqin_admin").post(
        "/api/v1/practitioners",
        {"enterprise": mine.pk, "name": "李四", "id_number": number, "phone": "13912340000"},
        content_type="application/json",
    )
    body = _text(r)
    assert 400 <= r.status_code < 500, body[:300]
    assert "已登记" in body  # the duplicate is still refused
    assert hidden.name not in body


def test_duplicate_id_number_names_an_enterprise_in_scope(world, api_client):
    mine = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区可见配送有限公司")
    number = make_id()
    make_practitioner(mine, id_number=number)
    r = api_client("kerqin_admin").post(
        "/api/v1/practitioners",
        {"enterprise": mine.pk, "name": "李四", "id_number": number, "phone": "13912340001"},
        content_type="application/json",
    )
    assert mine.name in _text(r)

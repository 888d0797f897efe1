"""Name search at province scale (issue 17): `has_text` means what icontains means on every database, and on
PostgreSQL the practitioners' and enterprises' names are answered from their character index; the console's
practitioner search finds a person by their name or their enterprise's, in scope only."""

import pytest
from django.db import connection

from tests.ledger.factories import make_enterprise, make_practitioner
from xinye.ledger import search
from xinye.ledger.models import Enterprise, Practitioner

pytestmark = pytest.mark.django_db
URL = "/admin/ledger/practitioner/"


@pytest.fixture
def people(world):
    kerqin = make_enterprise(world["units"]["djb-kerqin-delivery"], name="顺达ABC配送站")
    naiman = make_enterprise(world["units"]["djb-naiman-delivery"], name="奈曼顺达快运")
    return {
        "张伟": make_practitioner(kerqin, name="张伟"),
        "伟张": make_practitioner(kerqin, name="伟张"),
        "张三伟": make_practitioner(kerqin, name="张三伟"),
        "Zhang Wei": make_practitioner(kerqin, name="Zhang Wei"),
        "百分之_%": make_practitioner(kerqin, name="百分之_%"),
        "张伟（奈曼）": make_practitioner(naiman, name="张伟强"),
    }


def found(term, queryset=None):
    queryset = Practitioner.objects.all() if queryset is None else queryset
    return set(queryset.filter(name__has_text=term).values_list("name", flat=True))


def test_has_text_is_a_case_insensitive_substring_in_order(people):
    assert found("张伟") == {"张伟", "张伟强"}  # not 伟张 (both characters, wrong order), not 张三伟
    assert found("张") == {"张伟", "伟张", "张三伟", "张伟强"}
    assert found("zhang w") == {"Zhang Wei"}
    assert found("_%") == {"百分之_%"}  # LIKE's wildcards are characters like any other
    assert found("乌兰图雅") == set()
    assert set(Enterprise.objects.filter(name__has_text="abc").values_list("name", flat=True)) == {
        "顺达ABC配送站"
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the character index is PostgreSQL's")
@pytest.mark.parametrize(
    ("model", "index"),
    [(Practitioner, "ledger_practitioner_name_chars"), (Enterprise, "ledger_enterprise_name_chars")],
)
def test_postgresql_answers_from_the_character_index(people, model, index):
    sql, params = model.objects.filter(name__has_text="张伟").order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_the_console_finds_a_person_by_name_or_enterprise_in_scope(people, client_for):
    client = client_for("kerqin_admin")
    html = client.get(URL, {"q": "张伟"}).content.decode()
    assert "张伟" in html and "张伟强" not in html and "张三伟" not in html  # 张伟强 is in Naiman
    html = client.get(URL, {"q": "顺达"}).content.decode()  # every Kerqin person of 顺达ABC配送站
    assert all(name in html for name in ("张伟", "伟张", "张三伟", "Zhang Wei"))
    assert "张伟强" not in html  # 奈曼顺达快运 matches the term but is not in scope
    html = client.get(URL, {"q": "顺达 三"}).content.decode()  # every word must match
    assert "张三伟" in html and "Zhang Wei" not in html


def test_many_matching_enterprises_are_searched_through_the_join(people, client_for, monkeypatch):
    monkeypatch.setattr(search, "ENTERPRISE_IDS_LIMIT", 0)
    condition = search.practitioner_text("顺达")
    assert "enterprise__name__has_text" in str(condition)
    html = client_for("kerqin_admin").get(URL, {"q": "顺达"}).content.decode()
    assert "张三伟" in html and "张伟强" not in html


def test_the_api_searches_names_through_the_same_lookup(people, api_client):
    response = api_client("kerqin_admin").get("/api/v1/practitioners", {"q": "张伟"})
    assert response.status_code == 200, response.content
    names = {row["name"] for row in response.json()["items"]}
    assert names == {"张伟"}

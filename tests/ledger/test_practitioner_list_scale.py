"""The practitioners list at province scale (issue 17): the 民族 filter offers the 56 nationalities of GB/T 3304
without a DISTINCT over the scope, and the page count stops at XINYE_LIST_COUNT_LIMIT ("10,000+") while every
page stays reachable."""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.ledger.factories import make_enterprise, make_practitioner
from xinye.ledger.choices import ETHNICITIES
from xinye.ledger.models import Practitioner

pytestmark = pytest.mark.django_db
URL = "/admin/ledger/practitioner/"


@pytest.fixture
def people(world):
    """Kerqin practitioners named 测民甲… with several nationalities, a free-text one, a blank one; one in Naiman."""
    kerqin = make_enterprise(world["units"]["djb-kerqin-delivery"])
    naiman = make_enterprise(world["units"]["djb-naiman-delivery"])
    rows = {
        "测民甲": (kerqin, "蒙古族"),
        "测民乙": (kerqin, "汉族"),
        "测民丙": (kerqin, "蒙古"),  # as a survey sheet wrote it: not one of the 56 names
        "测民丁": (kerqin, ""),
        "测民戊": (naiman, "蒙古族"),
    }
    return {name: make_practitioner(ent, name=name, ethnicity=eth) for name, (ent, eth) in rows.items()}


def names(response):
    html = response.content.decode()
    return {n for n in ("测民甲", "测民乙", "测民丙", "测民丁", "测民戊") if n in html}


def test_the_filter_offers_the_56_nationalities_without_a_distinct_query(people, client_for):
    client = client_for("kerqin_admin")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert len(ETHNICITIES) == 56
    for name in (
        "汉族",
        "蒙古族",
        "鄂温克族",
        "达斡尔族",
        "基诺族",
    ):  # offered whether or not anyone in scope is
        assert f"ethnicity={quote(name)}" in html
    assert "ethnicity=_other" in html and "ethnicity=_blank" in html
    assert not any("DISTINCT" in q["sql"] and "ethnicity" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("蒙古族", {"测民甲"}),
        ("汉族", {"测民乙"}),
        ("_other", {"测民丙"}),
        ("_blank", {"测民丁"}),
        ("", None),
    ],
)
def test_the_filter_finds_what_it_names_in_scope_only(people, client_for, value, expected):
    response = client_for("kerqin_admin").get(
        URL, {"q": "测民", "ethnicity": value} if value else {"q": "测民"}
    )
    assert response.status_code == 200
    # 测民戊 (奈曼旗) is outside 科尔沁区's scope under every value
    assert names(response) == (expected or {"测民甲", "测民乙", "测民丙", "测民丁"})


def test_the_city_sees_both_counties_under_the_filter(people, client_for):
    response = client_for("city_admin").get(URL, {"q": "测民", "ethnicity": "蒙古族"})
    assert names(response) == {"测民甲", "测民戊"}


def test_below_the_limit_the_count_is_exact(people, client_for):
    html = client_for("kerqin_admin").get(URL, {"q": "测民"}).content.decode()
    assert "4 从业人员" in " ".join(html.split()) and "超过部分不计数" not in html


def test_a_search_counts_to_its_own_lower_limit(people, client_for, settings):
    settings.XINYE_LIST_COUNT_LIMIT = 2
    settings.XINYE_SEARCH_COUNT_LIMIT = 3
    client = client_for("kerqin_admin")
    listed = " ".join(client.get(URL).content.decode().split())
    assert "2+ 从业人员（超过部分不计数）" in listed  # the whole list: the list's limit
    searched = " ".join(client.get(URL, {"q": "测民"}).content.decode().split())
    assert "3+ 从业人员（超过部分不计数）" in searched  # 4 found: the search's limit
    settings.XINYE_SEARCH_COUNT_LIMIT = 1000
    searched = " ".join(client.get(URL, {"q": "测民"}).content.decode().split())
    assert "4 从业人员" in searched and "超过部分不计数" not in searched


def test_above_the_limit_it_says_so_and_every_page_is_reachable(people, client_for, settings, monkeypatch):
    settings.XINYE_SEARCH_COUNT_LIMIT = 2
    # the registered admin itself: another test may have re-imported xinye.ledger.admin on this worker
    monkeypatch.setattr(admin.site._registry[Practitioner], "list_per_page", 1)
    client = client_for("kerqin_admin")
    first = " ".join(client.get(URL, {"q": "测民"}).content.decode().split())
    assert "2+ 从业人员（超过部分不计数）" in first and "下一页" in first
    seen = set()
    for page in (1, 2, 3, 4):  # pages 3 and 4 are past the two counted rows
        response = client.get(URL, {"q": "测民", "p": page})
        assert response.status_code == 200
        assert len(names(response)) == 1
        seen |= names(response)
    assert seen == {"测民甲", "测民乙", "测民丙", "测民丁"}
    last = client.get(URL, {"q": "测民", "p": 5})  # past the end: an empty page, not an error
    assert last.status_code == 200 and names(last) == set()


def test_without_the_grant_the_list_is_closed(people, client_for):
    response = client_for("auditor").get(URL, {"q": "测民"})
    assert response.status_code in (302, 403) and not names(response)

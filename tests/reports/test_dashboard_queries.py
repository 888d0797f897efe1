"""The 工作台 (console home) costs a fixed number of SQL queries whatever the number of party organisations,
members, meetings and enterprises in the viewer's scope (issue 17: at province scale a query per
organisation or per member made the page take seconds)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.guidance import helpers
from xinye.accounts.permissions import system_actor
from xinye.orglife import services

pytestmark = pytest.mark.django_db
SYSTEM = system_actor("test")


def add_branches(world, count, start):
    """`count` more rider branches in 科尔沁区, each with two members, an enterprise and a meeting held."""
    parent = world["units"]["djb-kerqin-delivery"]
    for i in range(start, start + count):
        unit = helpers.branch(parent, f"外卖骑手第{i}党支部")
        members = [helpers.member(unit, f"党员{i}甲"), helpers.member(unit, f"党员{i}乙", is_full=False)]
        services.record_meeting(
            unit=unit,
            kind="theme_day",
            date=dt.date.today() - dt.timedelta(days=3),
            topic="主题党日",
            place="站点",
            attendance=[(m, "present") for m in members],
            actor=SYSTEM,
        )


def home_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("username", ["city_admin", "kerqin_admin"])
def test_the_console_home_does_not_query_more_with_more_organisations(world, client_for, username):
    client = client_for(username)
    home_queries(client)  # caches warmed (rules, content types, the session's grants)
    add_branches(world, 2, 0)
    before, _html = home_queries(client)
    add_branches(world, 6, 100)
    after, html = home_queries(client)
    assert "未正常运转的党组织" in html  # the orglife card is on the page, counting the new branches too
    assert after == before, f"{username}: {before} queries with 2 more branches, {after} with 8"

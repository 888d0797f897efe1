"""The 工作台's 季度走访逾期 card (`services.overdue_counts`, one aggregate query with the visits as anti-joins,
issue 17) states the same two figures as the overdue list it links to — for every reader's scope, with an agent
holding two roles at one enterprise, visits after today, a newly assigned enterprise, and a city rule of two
visits a quarter."""

import datetime as dt

import pytest
import time_machine

from tests.guidance import helpers
from xinye.accounts.permissions import restrict, system_actor
from xinye.guidance import services
from xinye.guidance.models import Visit
from xinye.ledger.models import Enterprise
from xinye.orgs.models import Agent
from xinye.orgs.services import assign_responsibility

pytestmark = pytest.mark.django_db
SYSTEM = system_actor("test")
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
READERS = ("city_admin", "kerqin_admin", "rider_committee_admin", "transport_dept", "community_admin")


def spread(world):
    """Two agents over Kerqin and Naiman enterprises in every state of the quarter."""
    kerqin, naiman = world["units"]["djb-kerqin-delivery"], world["units"]["djb-naiman-delivery"]
    wang = helpers.agent(kerqin, "instructor", "王指导")
    li = helpers.agent(naiman, "liaison", "李联络")
    ents = {
        n: helpers.enterprise(kerqin, n) for n in ("已走访站", "上季度站", "逾期站", "两次站", "新分配站")
    }
    ents |= {n: helpers.enterprise(naiman, n) for n in ("奈曼逾期站", "奈曼已走访站")}
    for name, e in ents.items():
        since = dt.date(2026, 10, 2) if name == "新分配站" else None
        assign_responsibility(
            e, "instructor", agent=wang if "奈曼" not in name else li, since=since, actor=SYSTEM
        )
    assign_responsibility(ents["逾期站"], "liaison", agent=wang, actor=SYSTEM)  # two roles, one pair
    assign_responsibility(ents["逾期站"], "liaison", agent=li, actor=SYSTEM)  # a Naiman agent in Kerqin
    visits = [
        (wang, "已走访站", dt.date(2026, 10, 15)),
        (wang, "上季度站", dt.date(2026, 8, 1)),
        (wang, "逾期站", dt.date(2026, 5, 1)),
        (wang, "逾期站", dt.date(2026, 12, 1)),  # after today: not counted
        (wang, "两次站", dt.date(2026, 10, 3)),
        (wang, "两次站", dt.date(2026, 11, 3)),
        (li, "奈曼已走访站", dt.date(2026, 11, 1)),
        (li, "逾期站", dt.date(2026, 10, 9)),
    ]
    for agent, name, day in visits:
        Visit.objects.create(agent=agent, enterprise=ents[name], date=day)


def figures_both_ways(user):
    agents = restrict(Agent.objects.filter(is_active=True), user)
    enterprises = restrict(Enterprise.objects.all(), user)
    listed = services.overdue_list(agents, enterprises)
    listed_figures = (sum(1 for _a, r in listed if r.status == "overdue"), len(listed))
    return services.overdue_counts(agents, enterprises), listed_figures


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("username", READERS)
def test_the_card_counts_what_the_list_lists_in_every_scope(world, username):
    spread(world)
    counted, listed = figures_both_ways(world["users"][username])
    assert counted == listed
    if username == "kerqin_admin":  # 奈曼逾期站 is not in its scope
        assert counted == (1, 3)


@time_machine.travel(NOW, tick=False)
def test_the_city_figures_are_exact(world):
    spread(world)
    counted, listed = figures_both_ways(world["users"]["city_admin"])
    assert counted == listed
    # pending: 上季度站, 逾期站 (王, once with two roles), 新分配站, 奈曼逾期站; overdue: 逾期站 (王) and
    # 奈曼逾期站 (李 visited 逾期站 this quarter; the newly assigned one cannot be overdue yet)
    assert counted == (2, 4)


@time_machine.travel(NOW, tick=False)
def test_a_rule_of_two_visits_a_quarter_counts_the_same(world, settings):
    spread(world)
    settings.XINYE_GUIDANCE_RULES = {"visits_per_quarter": 2}
    counted, listed = figures_both_ways(world["users"]["city_admin"])
    assert counted == listed
    settings.XINYE_GUIDANCE_RULES = {"visits_per_quarter": 1}
    fewer, _ = figures_both_ways(world["users"]["city_admin"])
    assert fewer[1] < counted[1]  # 已走访站 (one visit) is pending again under the rule of two


def test_a_reader_without_the_visits_grant_sees_no_card(world, client_for):
    assert "季度走访逾期" not in client_for("auditor").get("/admin/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_card_on_the_console_home_shows_the_counted_figures(world, client_for):
    spread(world)
    (overdue, pending), _ = figures_both_ways(world["users"]["kerqin_admin"])
    html = client_for("kerqin_admin").get("/admin/").content.decode()
    assert "季度走访逾期" in html and f"本季度待走访共 {pending} 项" in html


@time_machine.travel(NOW, tick=False)
def test_the_card_is_kept_per_viewer_until_a_visit_is_recorded(world, client_for):
    """core/cards.py: a second view of the home page does not count the pairs again; recording a visit (or
    a new assignment) does, for every viewer."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spread(world)

    def card(client):
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/admin/").content.decode()
        counted = any("guidance_visit" in q["sql"] and "orgs_responsibility" in q["sql"] for q in queries)
        return int(re.search(r"本季度待走访共 (\d+) 项", html).group(1)), counted

    kerqin, city = client_for("kerqin_admin"), client_for("city_admin")
    assert card(kerqin) == (3, True)
    assert card(kerqin) == (3, False)  # kept
    assert card(city) == (4, True)  # another viewer, another scope: its own figure
    wang, station = Agent.objects.get(name="王指导"), Enterprise.objects.get(name="上季度站")
    Visit.objects.create(agent=wang, enterprise=station, date=dt.date(2026, 11, 10))
    assert card(kerqin) == (2, True)  # counted afresh after the visit
    assert card(city) == (3, True)
    assign_responsibility(station, "liaison", agent=Agent.objects.get(name="李联络"), actor=SYSTEM)
    assert card(city) == (4, True)  # a new (agent, enterprise) pair, not yet visited this quarter


@time_machine.travel(NOW, tick=False)
def test_without_keeping_every_view_counts(world, client_for, settings):
    settings.XINYE_CARD_SECONDS = 0
    spread(world)
    kerqin = client_for("kerqin_admin")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            kerqin.get("/admin/")
        assert any("guidance_visit" in q["sql"] and "orgs_responsibility" in q["sql"] for q in queries)

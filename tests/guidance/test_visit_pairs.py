"""The stored (agent, enterprise) pairs behind the 季度走访逾期 card (`guidance.pairs`, issue 17): after each
kind of write — a visit recorded, edited to another enterprise or deleted, an assignment added, replaced or
ended, an agent deactivated, an enterprise deleted — the card's figures read from them equal the live
aggregate over the responsibilities for every reader, and a rebuild finds exactly the rows the signals kept.
The city's card reads the one table."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.guidance import helpers
from tests.guidance.test_overdue_card import NOW, READERS, SYSTEM  # the same date and readers
from xinye.accounts.permissions import restrict, sees_everything
from xinye.guidance import pairs, services
from xinye.guidance.models import Visit, VisitPair
from xinye.ledger.models import Enterprise
from xinye.ledger.services import delete_enterprise
from xinye.orgs.models import Agent, Responsibility
from xinye.orgs.services import assign_responsibility

pytestmark = pytest.mark.django_db


def build(world):
    kerqin, naiman = world["units"]["djb-kerqin-delivery"], world["units"]["djb-naiman-delivery"]
    wang = helpers.agent(kerqin, "instructor", "王指导")
    li = helpers.agent(naiman, "liaison", "李联络")
    ents = {n: helpers.enterprise(kerqin, n) for n in ("已走访站", "上季度站", "逾期站", "新分配站", "空站")}
    ents |= {n: helpers.enterprise(naiman, n) for n in ("奈曼逾期站", "奈曼已走访站")}
    for name, e in ents.items():
        since = dt.date(2026, 10, 2) if name == "新分配站" else dt.date(2025, 1, 1)
        assign_responsibility(
            e, "instructor", agent=li if "奈曼" in name else wang, since=since, actor=SYSTEM
        )
    assign_responsibility(ents["逾期站"], "liaison", agent=wang, actor=SYSTEM)  # two roles, one pair
    assign_responsibility(ents["逾期站"], "liaison", agent=li, actor=SYSTEM)  # a Naiman agent in Kerqin
    for agent, name, day in [
        (wang, "已走访站", dt.date(2026, 10, 15)),
        (wang, "上季度站", dt.date(2026, 8, 1)),
        (wang, "逾期站", dt.date(2026, 5, 1)),
        (li, "奈曼已走访站", dt.date(2026, 11, 1)),
        (li, "逾期站", dt.date(2026, 10, 9)),
    ]:
        Visit.objects.create(agent=agent, enterprise=ents[name], date=day)
    return wang, li, ents


def figures(user):
    agents = restrict(Agent.objects.filter(is_active=True), user)
    enterprises = restrict(Enterprise.objects.all(), user)
    everything = sees_everything(user, Agent) and sees_everything(user, Enterprise)
    stored = services.overdue_counts(agents, enterprises, everything=everything)
    live = services.overdue_counts(agents, enterprises, stored=False)
    return stored, live


def rows():
    return set(
        VisitPair.objects.values_list("agent_id", "enterprise_id", "since", "last_visit", "agent_active")
    )


def assert_agree(world, step):
    for username in READERS:
        stored, live = figures(world["users"][username])
        assert stored == live, (step, username)
    kept = rows()
    pairs.rebuild()
    assert rows() == kept, step


@time_machine.travel(NOW, tick=False)
def test_the_stored_pairs_count_what_the_live_aggregate_counts_after_every_write(world):
    wang, li, ents = build(world)
    assert_agree(world, "built")
    city = world["users"]["city_admin"]
    # 上季度站, 逾期站 (王), 新分配站, 空站 and 奈曼逾期站 are pending; 逾期站 (王), 空站 and 奈曼逾期站 are overdue
    assert figures(city)[0] == (3, 5)

    visit = Visit.objects.create(agent=wang, enterprise=ents["上季度站"], date=dt.date(2026, 11, 2))
    assert_agree(world, "a visit recorded")
    assert figures(city)[0] == (3, 4)

    visit.enterprise = ents["空站"]  # recorded against the wrong enterprise, then corrected
    visit.save()
    assert_agree(world, "a visit moved to another enterprise")
    assert figures(city)[0] == (2, 4)

    visit.delete()
    assert_agree(world, "a visit deleted")
    assert figures(city)[0] == (3, 5)

    assign_responsibility(ents["空站"], "instructor", agent=li, replace=True, actor=SYSTEM)
    assert_agree(world, "an enterprise handed to another agent")
    assert not VisitPair.objects.filter(agent=wang, enterprise=ents["空站"]).exists()

    Responsibility.objects.get(agent=li, object_id=ents["逾期站"].pk).delete()
    assert_agree(world, "an assignment ended")

    delete_enterprise(ents["新分配站"], actor=SYSTEM)
    assert_agree(world, "an enterprise deleted")

    wang.is_active = False
    wang.save()
    assert_agree(world, "an agent deactivated")
    assert figures(city)[0][1] < 5  # 王's pairs no longer count


@time_machine.travel(NOW, tick=False)
def test_the_city_card_reads_one_table_and_a_county_joins_its_scope(world):
    build(world)
    for username, joined in (("city_admin", False), ("kerqin_admin", True)):
        with CaptureQueriesContext(connection) as queries:
            figures(world["users"][username])[0]
        card = [q["sql"] for q in queries.captured_queries if "guidance_visitpair" in q["sql"]]
        assert len(card) == 1  # the stored count (figures() also runs the live one: not on this table)
        stored_sql = card[0]
        assert "orgs_responsibility" not in stored_sql
        assert ("guidance_agent" in stored_sql) == joined, username


@time_machine.travel(NOW, tick=False)
def test_a_visit_dated_after_today_falls_back_to_the_live_count(world):
    wang, _li, ents = build(world)
    Visit.objects.create(agent=wang, enterprise=ents["逾期站"], date=dt.date(2026, 12, 1))  # not via the form
    with CaptureQueriesContext(connection) as queries:
        stored, live = figures(world["users"]["city_admin"])
    assert stored == live
    assert not any("guidance_visitpair" in q["sql"] for q in queries.captured_queries)


@time_machine.travel(NOW, tick=False)
def test_the_cli_rebuilds_the_pairs_after_a_write_around_the_signals(world, capsys):
    from django.core.management import call_command

    wang, _li, ents = build(world)
    Visit.objects.filter(agent=wang, enterprise=ents["上季度站"]).update(
        date=dt.date(2026, 11, 2)
    )  # no signal
    city = world["users"]["city_admin"]
    stored, live = figures(city)
    assert stored != live  # the stored pair still says August
    call_command("visit_pairs_refresh")
    assert "已重算走访对象" in capsys.readouterr().out
    stored, live = figures(city)
    assert stored == live == (3, 4)

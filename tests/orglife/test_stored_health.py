"""The stored health (OrgHealth): the 工作台's card and the health list read it instead of assessing every
organisation per request (issue 17). After a tick it equals the live assessment; a meeting, a member, a dues
payment or a committee change brings that organisation's row up to date; the card is scoped and costs a fixed
number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.test import RequestFactory

from tests.guidance import helpers
from xinye.accounts.permissions import restrict, system_actor
from xinye.core.errors import OutOfScope
from xinye.ledger.models import PartyOrganisation
from xinye.members.models import DuesPayment
from xinye.orglife import services
from xinye.orglife.models import OrgHealth

pytestmark = pytest.mark.django_db
SYSTEM = system_actor("test")


def live(organisations):
    return {h.org_id: (h.normal, h.score, h.alarms) for h in services.assess_all(organisations)}


def stored(organisations):
    return {
        r.unit_id: (r.normal, r.score, r.alarms)
        for r in OrgHealth.objects.filter(organisation__in=organisations.values("pk"))
    }


def card(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    (c,) = apps.get_app_config("orglife").dashboard_cards(request)
    return c


def record(unit, members, day=None, kind="theme_day"):
    return services.record_meeting(
        unit=unit,
        kind=kind,
        date=day or services.today() - dt.timedelta(days=1),
        topic="主题党日",
        place="站点",
        attendance=[(m, "present") for m in members],
        actor=SYSTEM,
    )


@pytest.fixture
def branch(world):
    unit = helpers.branch(world["units"]["djb-kerqin-delivery"], "存储测试党支部")
    return unit, [helpers.member(unit, n) for n in ("甲一", "乙二", "丙三")]


def test_after_a_tick_every_stored_result_equals_the_live_one(world, branch):
    """Every organisation of the test world (the demo's: tests/test_full_demo.py)."""
    parent = world["units"]["djb-kerqin-delivery"]
    for i, kind in enumerate(["theme_day", "general_meeting", "party_lecture"]):
        unit = helpers.branch(parent, f"世界党支部{i}", next_election_on=dt.date(2020, 1, 1) if i else None)
        record(unit, [helpers.member(unit) for _ in range(i + 1)], kind=kind)
    result = services.tick(actor=SYSTEM)
    everyone = PartyOrganisation.objects.all()
    assert result.assessed == everyone.count() >= 4
    assert stored(everyone) == live(everyone)
    row = OrgHealth.objects.get(unit=branch[0])
    assert row.period == services.current_period().label and row.as_of == services.today() and not row.stale
    assert services.tick(actor=SYSTEM).assessed == 0  # once a day
    with pytest.raises(OutOfScope):
        services.tick(actor=world["users"]["city_admin"])
    with pytest.raises(OutOfScope):
        services.refresh_health(actor=world["users"]["city_admin"])


def test_a_write_during_a_refresh_leaves_the_row_stale(world, branch, monkeypatch):
    """A meeting recorded while the tick computes: the result was computed from the inputs before it, so the
    row must stay marked for the next read rather than look current."""
    unit, members = branch
    mine = PartyOrganisation.objects.filter(unit=unit)
    services.tick(actor=SYSTEM)
    assess = services.assess_all

    def assess_then_a_write_lands(*args, **kwargs):
        results = assess(*args, **kwargs)  # the inputs are read: now someone records a meeting
        record(unit, members)
        return results

    monkeypatch.setattr(services, "assess_all", assess_then_a_write_lands)
    services.refresh_health(actor=SYSTEM, organisations=mine)
    monkeypatch.undo()
    assert OrgHealth.objects.get(unit=unit).stale  # not overwritten by the result computed before the write
    services.stored_health(mine)
    assert not OrgHealth.objects.get(unit=unit).stale and stored(mine) == live(mine)


def test_a_meeting_members_dues_and_committee_update_the_stored_result(world, branch):
    unit, (a, b, c) = branch
    mine = PartyOrganisation.objects.filter(unit=unit)
    services.tick(actor=SYSTEM)
    before = stored(mine)[unit.pk]

    record(unit, [a, b, c])
    assert OrgHealth.objects.get(unit=unit).stale  # the write marked it; the next read recomputes it
    services.stored_health(mine)
    assert stored(mine) == live(mine) and stored(mine)[unit.pk] != before

    d = helpers.member(unit, "丁四")  # a member who never attended: attendance and members change
    assert OrgHealth.objects.get(unit=unit).stale
    services.stored_health(mine)
    assert stored(mine) == live(mine)

    DuesPayment.objects.create(
        member=d,
        unit=unit,
        month_from=dt.date(2026, 1, 1),
        month_to=dt.date(2026, 1, 31),
        amount=Decimal("10.00"),
        paid_on=dt.date(2026, 1, 5),
    )
    assert OrgHealth.objects.get(unit=unit).stale

    services.stored_health(mine)
    mine.get().committee.add(a)  # a committee: monthly 支委会 now required
    assert OrgHealth.objects.get(unit=unit).stale
    services.stored_health(mine)
    assert stored(mine) == live(mine)

    services.stored_health(mine)
    d.delete()
    assert OrgHealth.objects.get(unit=unit).stale


def test_a_new_organisation_is_computed_on_read_and_an_old_quarter_is_recomputed(world, branch):
    unit, _members = branch
    services.tick(actor=SYSTEM)
    late = helpers.branch(world["units"]["djb-kerqin-delivery"], "新成立党支部")
    assert not OrgHealth.objects.filter(unit=late).exists()
    card(world["users"]["city_admin"])
    assert OrgHealth.objects.filter(unit=late, stale=False).exists()
    OrgHealth.objects.filter(unit=unit).update(period="2000Q1", score=1)
    card(world["users"]["city_admin"])
    assert OrgHealth.objects.get(unit=unit).period == services.current_period().label
    mine = PartyOrganisation.objects.filter(unit=unit)
    assert stored(mine) == live(mine)


@pytest.mark.parametrize("username", ["city_admin", "kerqin_admin"])
def test_the_card_shows_the_live_figures_in_scope(world, branch, username):
    user = world["users"][username]
    services.tick(actor=SYSTEM)
    helpers.branch(world["units"]["djb-naiman-delivery"], "奈曼党支部")  # outside Kerqin; not running yet
    scoped = restrict(PartyOrganisation.objects.all(), user)
    results = live(scoped)
    c = card(user)
    assert c["value"] == sum(1 for normal, _s, _a in results.values() if not normal)
    assert f"范围内党组织 {len(results)} 个" in str(c["note"]) and "截至" in str(c["note"])
    if username == "kerqin_admin":
        assert not scoped.filter(unit__name="奈曼党支部").exists()
        assert scoped.filter(unit=branch[0]).exists()
    page = helpers_client(world, username).get("/admin/")
    assert page.status_code == 200 and "未正常运转的党组织" in page.content.decode()


def test_no_card_without_the_permission_to_see_meetings(world):
    from xinye.accounts.permissions import has_action
    from xinye.orglife.models import Meeting

    users = [u for u in world["users"].values() if u.is_staff and not has_action(u, "view", Meeting)]
    assert users
    request = RequestFactory().get("/admin/")
    request.user = users[0]
    assert apps.get_app_config("orglife").dashboard_cards(request) == []


def test_the_card_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    user = world["users"]["kerqin_admin"]
    card(user)  # caches warmed, rows stored
    with django_assert_max_num_queries(4):  # rows current: the outdated check and the one aggregate
        card(user)
    counts = []
    for n in (2, 8):
        for i in range(n):
            unit = helpers.branch(world["units"]["djb-kerqin-delivery"], f"批量党支部{n}-{i}")
            record(unit, [helpers.member(unit)])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as q:
            card(user)
        counts.append(len(q))
    assert counts[0] == counts[1], counts  # recomputing 2 or 8 outdated organisations: the same queries


def helpers_client(world, username):
    from django.test import Client

    from tests.accounts.otp import pass_second_factor

    c = Client()
    c.force_login(world["users"][username])
    pass_second_factor(c, world["users"][username])
    return c


def test_the_health_list_pages_this_quarter_from_the_stored_results(world, branch, monkeypatch):
    from xinye.orglife import views

    monkeypatch.setattr(views, "HEALTH_PAGE", 2)
    parent = world["units"]["djb-kerqin-delivery"]
    names = [f"列表党支部{i}" for i in range(3)]
    for name in names:
        helpers.branch(parent, name)
    naiman = helpers.branch(world["units"]["djb-naiman-delivery"], "奈曼列表党支部")
    services.tick(actor=SYSTEM)
    client = helpers_client(world, "kerqin_admin")
    scoped = restrict(PartyOrganisation.objects.all(), world["users"]["kerqin_admin"])
    order = [
        r.organisation.unit.name
        for r in OrgHealth.objects.filter(organisation__in=scoped).order_by("normal", "score", "name", "pk")
    ]
    seen = []
    for number in range(1, (len(order) + 1) // 2 + 1):
        r = client.get("/admin/orglife/health/", {"all": "1", "page": number})
        assert r.status_code == 200
        html = r.content.decode()
        assert "截至" in html and "奈曼列表党支部" not in html
        seen += [h.name for h in r.context["results"]]
        assert len(r.context["results"]) <= 2
    assert seen == order and len(order) >= 4
    assert r.context["total"] == scoped.count()
    assert r.context["bad_count"] == sum(1 for normal, _s, _a in live(scoped).values() if not normal)
    # the rows shown are assessed live: what each is missing is listed
    assert all(h.missing or h.normal for h in r.context["results"])
    city = helpers_client(world, "city_admin").get(
        "/admin/orglife/health/", {"all": "1", "region": naiman.region_id}
    )
    assert [h.name for h in city.context["results"]][:1] and "奈曼列表党支部" in city.content.decode()
    # another period is assessed live, without the stored rows' time
    past = client.get("/admin/orglife/health/", {"period": "2025Q1", "all": "1"})
    assert past.status_code == 200 and past.context["computed_at"] is None


def test_the_plans_indicator_of_organisations_running_reads_the_stored_results(world, branch):
    from xinye.plans.choices import Indicator
    from xinye.plans.indicators import live_value

    unit, members = branch
    record(unit, members)
    kerqin = {"region": unit.region_id}
    today = services.today()
    orgs = PartyOrganisation.objects.filter(region_id=unit.region_id)
    expected = sum(1 for normal, _s, _a in live(orgs).values() if normal)
    assert live_value(Indicator.ORGS_RUNNING, kerqin, today.year, today) == expected
    assert OrgHealth.objects.filter(unit=unit, stale=False).exists()  # read from (and stored in) the rows
    everyone = sum(1 for normal, _s, _a in live(PartyOrganisation.objects.all()).values() if normal)
    assert live_value(Indicator.ORGS_RUNNING, {}, today.year, today) == everyone

"""The 工作台's 三支队伍预警 card counts with `services.alerts` (two aggregate queries, issue 17): its figures equal
`services.stats` (the organisation-by-organisation computation) over every viewer's scope, for every kind of
roster the alerts look at."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.teams.factories import make_org, make_worker, member_of, with_committee_room
from xinye.accounts.permissions import system_actor
from xinye.teams import services

SYSTEM = system_actor("test")
pytestmark = pytest.mark.django_db
CARD = ("organisations_without_secretary", "terms_ending_90d", "cross_appointment_rate")
VIEWERS = ("city_admin", "kerqin_admin", "rider_committee_admin", "transport_dept", "secretary")


def roster(world):
    """Organisations in two counties: a 书记 whose term ends within 90 days, one whose term is over, one not
    yet serving (appointed from a later date), a removed one, a 委员 and a 党务工作者 in management, none."""
    kerqin, naiman = world["units"]["djb-kerqin-delivery"], world["units"]["djb-naiman-delivery"]
    soon, over, later, removed = (make_org(kerqin) for _ in range(4))
    crossed, worker_only, empty = with_committee_room(make_org(naiman)), make_org(naiman), make_org(naiman)
    services.appoint(
        soon, post="secretary", member=member_of(soon), term_ends_on=datetime.date(2026, 12, 15), actor=SYSTEM
    )
    services.appoint(
        over, post="secretary", member=member_of(over), term_ends_on=datetime.date(2026, 9, 1), actor=SYSTEM
    )
    make_worker(later, post="secretary", since=datetime.date(2027, 1, 1))
    gone = services.appoint(removed, post="secretary", member=member_of(removed), actor=SYSTEM)
    services.remove(gone, reason="调离", actor=SYSTEM)
    services.appoint(crossed, post="secretary", member=member_of(crossed), actor=SYSTEM)
    services.appoint(
        crossed,
        post="committee_member",
        member=member_of(crossed),
        management_level="middle",
        enterprise_post="站长",
        actor=SYSTEM,
    )
    services.appoint(
        worker_only,
        post="party_worker",
        member=member_of(worker_only),
        management_level="senior",
        enterprise_post="总经理",
        actor=SYSTEM,
    )
    return empty


@pytest.mark.parametrize("username", VIEWERS)
def test_the_card_figures_equal_the_full_computation_in_every_scope(world, username):
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 10, 1, 10)), tick=False):
        roster(world)
        user = world["users"][username]
        full, card = services.stats(user), services.alerts(user)
        assert {k: card[k] for k in CARD} == {k: full[k] for k in CARD}
        assert card["organisations"] == full["organisations"]
        assert card["cross_appointed_organisations"] == full["cross_appointed_organisations"]
        if username in ("city_admin", "kerqin_admin"):
            assert card["terms_ending_90d"] >= 1  # the roster's soon-ending term is in these scopes
            assert card["organisations_without_secretary"] >= 2  # the removed and the later one (科尔沁区)


def test_the_card_on_the_console_home_shows_the_scope_figures(world, client_for):
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 10, 1, 10)), tick=False):
        roster(world)
        html = client_for("kerqin_admin").get("/admin/").content.decode()
        s = services.stats(world["users"]["kerqin_admin"])
        assert "三支队伍预警" in html
        assert f"无书记的党组织 {s['organisations_without_secretary']} 个" in html
        assert f"书记任期 90 天内届满 {s['terms_ending_90d']} 人" in html
        naiman = services.alerts(world["users"]["city_admin"])["organisations"]
        assert (
            services.alerts(world["users"]["kerqin_admin"])["organisations"] < naiman
        )  # 奈曼旗's are out of scope


def test_without_the_view_grant_there_is_no_card(world, client_for):
    html = client_for("auditor").get("/admin/").content.decode()
    assert "三支队伍预警" not in html

"""The distinctions the honours and pairing apps give a 闪光点 (wired into grading.facts after they landed):
a model worker from a 最美 campaign, and a pairing in force."""

import datetime

from tests.honours.factories import make_campaign, make_exemplar, make_nominee
from tests.ledger.factories import make_enterprise
from tests.pairing.factories import make_host, make_pairing
from xinye.grading import facts

WINDOW = (datetime.date(2025, 12, 5), datetime.date(2026, 12, 4))


def test_a_campaign_winner_in_the_library_distinguishes_their_enterprise(world):
    committee = world["units"]["hydw-delivery"]
    nominee = make_nominee(make_campaign(committee))
    other = make_nominee(make_campaign(committee, title="另一个评选"))
    make_exemplar(committee, nominee=nominee, year=2026)
    make_exemplar(committee, nominee=other, year=2023)  # outside the window's years
    assert facts.FACTS["model_worker"].holders(*WINDOW) == {nominee.practitioner.enterprise_id}


def test_an_enterprise_in_a_pairing_in_force_is_distinguished_and_one_after_its_end_is_not(world):
    office = world["units"]["djb-kerqin-delivery"]
    host = make_host(world["units"]["lxgw-kerqin"])
    paired = make_enterprise(office, name="配对企业")
    ended = make_enterprise(office, name="已结束企业")
    make_pairing(host, enterprise=paired)
    make_pairing(
        host, enterprise=ended, starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31)
    )
    held = facts.FACTS["active_pairing"].holders(*WINDOW)
    assert paired.pk in held and ended.pk not in held

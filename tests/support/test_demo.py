"""The demo enterprise services: needs in every state, the policy catalogue with reach, a 银企对接会 with
outcomes; idempotent."""

from tests.ledger.factories import make_enterprise
from xinye.demo import support as support_demo
from xinye.support.choices import NeedStatus
from xinye.support.models import EnterpriseNeed, Match, MatchEvent, NeedReminder, Policy, PolicyReach


def _sites(world):
    for code in (
        "djb-kerqin-delivery",
        "djb-kerqin-delivery",
        "djb-kerqin-express",
        "djb-naiman-delivery",
        "djb-kailu-freight",
        "djb-hlgl-express",
    ):
        make_enterprise(world["units"][code], staff_count=80)


def test_the_demo_has_needs_policies_and_an_event_with_outcomes(world):
    _sites(world)
    support_demo.load({})
    counts = [
        m.objects.count() for m in (EnterpriseNeed, Policy, PolicyReach, MatchEvent, Match, NeedReminder)
    ]
    statuses = set(EnterpriseNeed.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in NeedStatus}
    overdue = EnterpriseNeed.objects.get(kind="policy")
    assert overdue.is_overdue and NeedReminder.objects.filter(task__need=overdue).exists()
    assert EnterpriseNeed.objects.get(kind="financing").on_time is True
    event = MatchEvent.objects.get()
    assert event.institutions.count() == 4
    assert event.matches.filter(status="concluded").count() == 4
    assert PolicyReach.objects.filter(kind="taken_up").exists()
    support_demo.load({})
    assert [
        m.objects.count() for m in (EnterpriseNeed, Policy, PolicyReach, MatchEvent, Match, NeedReminder)
    ] == counts

import datetime

from django.core.files.base import ContentFile

from tests.core.images import PNG
from tests.ledger.factories import make_enterprise
from tests.matrix import MatrixType, office_for_placement, party_unit_for_placement, register
from tests.pairing.factories import make_activity, make_pairing
from xinye.pairing.models import ActivityEvidence, PairingPlan, PairingReview, PlanItem


def _pairing(unit, world):
    """A pair whose host is a 机关 branch under `unit` and whose enterprise side (an enterprise without an
    organisation) is of the same place, so the object is in or out of a role's scope as `unit` is."""
    host = party_unit_for_placement(unit)
    if host.pk == unit.pk:  # the secretary's own organisation: the host is a branch beside it
        host = party_unit_for_placement(unit.parent)
    return make_pairing(host, enterprise=make_enterprise(office_for_placement(unit)))


def _activity(unit, world):
    return make_activity(_pairing(unit, world), links=["venue", "service"])


def _plan(unit, world):
    return PairingPlan.objects.create(pairing=_pairing(unit, world), year=2026, content="全年共建计划")


def _item(unit, world):
    return PlanItem.objects.create(plan=_plan(unit, world), month=5, title="红色教育", links=["activity"])


def _evidence(unit, world):
    return ActivityEvidence.objects.create(
        activity=_activity(unit, world), kind="photo", file=ContentFile(PNG, name="a.png"), caption="合影"
    )


def _review(unit, world):
    return PairingReview.objects.create(
        pairing=_pairing(unit, world), year=2026, rating="good", text="成效明显"
    )


register(
    MatrixType(
        "pairing.pairing",
        _pairing,
        api_detail="/api/v1/pairings/{pk}",
        api_list="/api/v1/pairings",
        enterprise_of=lambda p: p.enterprise,
        api_writes=[
            (
                "post",
                "/api/v1/pairings/{pk}/activities",
                {
                    "held_on": str(datetime.date(2026, 3, 1)),
                    "title": "共建",
                    "links": ["venue"],
                    "participants": 5,
                },
            ),
            ("post", "/api/v1/pairings/{pk}/plans", {"year": 2026, "content": "全年计划"}),
            ("post", "/api/v1/pairings/{pk}/reviews", {"year": 2026, "rating": "good", "text": "成效明显"}),
        ],
    )
)
register(
    MatrixType(
        "pairing.pairingactivity",
        _activity,
        api_detail="/api/v1/pairing-activities/{pk}",
        api_list="/api/v1/pairing-activities",
        enterprise_of=lambda a: a.pairing.enterprise,
        api_writes=[("post", "/api/v1/pairing-activities/{pk}/evidence", {"caption": "合影"})],
    )
)
register(
    MatrixType(
        "pairing.pairingplan",
        _plan,
        api_detail="/api/v1/pairing-plans/{pk}",
        api_list="/api/v1/pairing-plans",
        enterprise_of=lambda p: p.pairing.enterprise,
        api_writes=[
            ("post", "/api/v1/pairing-plans/{pk}/items", {"month": 5, "title": "走访", "links": ["venue"]})
        ],
    )
)
register(
    MatrixType(
        "pairing.planitem",
        _item,
        enterprise_of=lambda i: i.plan.pairing.enterprise,
        api_writes=[
            ("patch", "/api/v1/pairing-plan-items/{pk}", {"title": "改"}),
            ("delete", "/api/v1/pairing-plan-items/{pk}", {}),
        ],
    )
)
register(
    MatrixType(
        "pairing.activityevidence",
        _evidence,
        enterprise_of=lambda e: e.activity.pairing.enterprise,
        api_writes=[
            ("patch", "/api/v1/pairing-evidence/{pk}", {"caption": "改"}),
            ("delete", "/api/v1/pairing-evidence/{pk}", {}),
        ],
    )
)
register(
    MatrixType(
        "pairing.pairingreview",
        _review,
        api_detail="/api/v1/pairing-reviews/{pk}",
        api_list="/api/v1/pairing-reviews",
        enterprise_of=lambda r: r.pairing.enterprise,
    )
)

"""The list filters of 结对共建, shared by the API and the console (xinye.core.filters)."""

from django.utils import timezone

from xinye.core.errors import Refused
from xinye.core.filters import Filter, FilterSet, Search
from xinye.pairing import services
from xinye.pairing.choices import Link
from xinye.pairing.models import Pairing, PairingActivity, PairingPlan, PairingReview


def _active(queryset, value: bool):
    today = timezone.localdate()
    active = services.active_on(queryset, today)
    return active if value else queryset.exclude(pk__in=active.values("pk"))


def _silent(queryset, value: bool):
    silent = services.silent_pairings(queryset)
    return silent if value else queryset.exclude(pk__in=silent.values("pk"))


def _link(queryset, value: str):
    if value not in Link.values:
        raise Refused(f"参数 link 的值“{value}”无效，可选：{'、'.join(Link.values)}")
    # JSON containment is not portable to SQLite: the tags are few, match the quoted value in the list
    return queryset.filter(links__icontains=f'"{value}"')


PAIRING_FILTERS = FilterSet(
    Pairing,
    "host_sector",
    "industry",
    Filter("county", field="region"),
    Filter("unit", console=False),
    Filter("partner_org", console=False),
    Filter("enterprise", console=False),
    Filter("active", type=bool, method=_active),
    Filter("silent_this_quarter", type=bool, method=_silent),
    search=Search(("unit__name", "partner_org__unit__name", "enterprise__name")),
)

ACTIVITY_FILTERS = FilterSet(
    PairingActivity,
    "side",
    Filter("pairing", console=False),
    Filter("county", field="pairing__region"),
    Filter("link", type=str, method=_link),
    Filter("held_from", field="held_on", lookup="gte"),
    Filter("held_to", field="held_on", lookup="lte"),
    search=Search(("title", "place")),
)

PLAN_FILTERS = FilterSet(PairingPlan, "year", Filter("pairing", console=False))

REVIEW_FILTERS = FilterSet(PairingReview, "year", "rating", Filter("pairing", console=False))

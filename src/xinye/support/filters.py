"""The list filters of the enterprise services, declared once (xinye.core.filters) for the API and console."""

import datetime

from django.utils import timezone

from xinye.appeals.choices import OPEN_TASK_STATES
from xinye.core.filters import Filter, FilterSet, Search
from xinye.support.choices import OPEN_NEED_STATES
from xinye.support.models import (
    EnterpriseNeed,
    Institution,
    Match,
    MatchEvent,
    NeedReminder,
    NeedTask,
    Policy,
    PolicyReach,
    Product,
)


def _overdue_needs(queryset, overdue: bool):
    if not overdue:
        return queryset
    return queryset.filter(status__in=OPEN_NEED_STATES, due_at__lt=timezone.now())


def _overdue_tasks(queryset, overdue: bool):
    if not overdue:
        return queryset
    return queryset.filter(status__in=OPEN_TASK_STATES, due_at__lt=timezone.now())


def _in_force(queryset, in_force: bool):
    today = timezone.localdate()
    current = queryset.filter(effective_from__lte=today).exclude(effective_until__lt=today)
    return current if in_force else queryset.exclude(pk__in=current.values("pk"))


def _unread(queryset, unread: bool):
    return queryset.filter(read_at__isnull=True) if unread else queryset


NEED_FILTERS = FilterSet(
    EnterpriseNeed,
    "kind",
    "status",
    Filter("county", field="region"),
    Filter("overdue", type=bool, method=_overdue_needs),
    Filter("enterprise", console=False),
    Filter("submitted_from", field="submitted_at", lookup="date__gte", type=datetime.date),
    Filter("submitted_to", field="submitted_at", lookup="date__lte", type=datetime.date),
    search=Search(("title", "enterprise__name")),
)

TASK_FILTERS = FilterSet(
    NeedTask,
    "status",
    Filter("kind", field="need__kind"),
    Filter("overdue", type=bool, method=_overdue_tasks),
    Filter("unit", console=False),
)

REMINDER_FILTERS = FilterSet(NeedReminder, "kind", Filter("unread", type=bool, method=_unread))

POLICY_FILTERS = FilterSet(
    Policy,
    Filter("county", field="region"),
    Filter("in_force", type=bool, method=_in_force),
    search=Search(("title", "issuer", "applies_to", "document_no")),
)

REACH_FILTERS = FilterSet(
    PolicyReach,
    "kind",
    Filter("policy", console=False),
    Filter("enterprise", console=False),
    Filter("county", field="enterprise__region"),
)

INSTITUTION_FILTERS = FilterSet(
    Institution, "kind", "is_active", Filter("county", field="region"), search=Search(("name",))
)

PRODUCT_FILTERS = FilterSet(
    Product, "kind", "is_active", Filter("institution", console=False), search=Search(("name",))
)

EVENT_FILTERS = FilterSet(MatchEvent, Filter("county", field="region"), search=Search(("title", "place")))

MATCH_FILTERS = FilterSet(
    Match,
    "kind",
    "status",
    Filter("county", field="region"),
    Filter("event", console=False),
    Filter("institution", console=False),
    Filter("enterprise", console=False),
)

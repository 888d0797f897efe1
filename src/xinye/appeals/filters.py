"""The list filters of appeals, their tasks and reminders, declared once (xinye.core.filters) for the API."""

from django.utils import timezone

from xinye.appeals import services
from xinye.appeals.models import Appeal, AppealReminder, AppealTask
from xinye.core.filters import Filter, FilterSet


def _overdue_appeals(queryset, overdue: bool):
    if not overdue:
        return queryset
    return queryset.filter(status__in=("submitted", "accepted", "dispatched"), due_at__lt=timezone.now())


def _overdue_tasks(queryset, overdue: bool):
    return services.overdue_tasks(queryset) if overdue else queryset


def _unread(queryset, unread: bool):
    return queryset.filter(read_at__isnull=True) if unread else queryset


APPEAL_FILTERS = FilterSet(
    Appeal,
    "status",
    "category",
    "green",
    Filter("overdue", type=bool, method=_overdue_appeals),
    Filter("unit", console=False),
)

TASK_FILTERS = FilterSet(
    AppealTask,
    "status",
    Filter("green", field="appeal__green"),
    Filter("overdue", type=bool, method=_overdue_tasks),
    Filter("unit", console=False),
)

REMINDER_FILTERS = FilterSet(
    AppealReminder,
    Filter("unread", type=bool, method=_unread),
)

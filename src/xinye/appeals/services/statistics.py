"""Statistics of the loop per handling unit: 响应率, 解决率, 满意率, and the overdue list."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from xinye.appeals.choices import (
    OPEN_TASK_STATES,
    TaskStatus,
)
from xinye.orgs.models import OrgUnit

# Read-only helpers and pure rule functions: no actor (the signature test checks every other function).
READS = (
    "period_tasks",
    "statistics",
    "overdue_tasks",
    "open_filter",
    "green_tasks",
)


# --- statistics: 响应率, 解决率, 满意率 ---


def _rate_of(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class UnitStats:
    unit: OrgUnit | None
    tasks: int = 0
    signed_in_time: int = 0
    finished: int = 0
    rated: int = 0
    satisfied: int = 0
    overdue: int = 0

    @property
    def response_rate(self):
        return _rate_of(self.signed_in_time, self.tasks)

    @property
    def resolution_rate(self):
        return _rate_of(self.finished, self.tasks)

    @property
    def satisfaction_rate(self):
        return _rate_of(self.satisfied, self.rated)

    def as_dict(self) -> dict:
        return {
            "unit_id": self.unit.pk if self.unit else None,
            "unit": self.unit.name if self.unit else "合计",
            "tasks": self.tasks,
            "signed_in_time": self.signed_in_time,
            "finished": self.finished,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "overdue": self.overdue,
            "response_rate": self.response_rate,
            "resolution_rate": self.resolution_rate,
            "satisfaction_rate": self.satisfaction_rate,
        }


def period_tasks(tasks, start: datetime.date | None = None, end: datetime.date | None = None):
    """Tasks assigned within [start, end] (local dates), mis-routed (回退) ones left out."""
    tz = timezone.get_default_timezone()
    tasks = tasks.exclude(status=TaskStatus.RETURNED)
    if start:
        tasks = tasks.filter(
            assigned_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min), tz)
        )
    if end:
        tasks = tasks.filter(
            assigned_at__lt=timezone.make_aware(
                datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min), tz
            )
        )
    return tasks


def statistics(tasks, *, now=None) -> tuple[UnitStats, list[UnitStats]]:
    """Per assigned unit and in total over a task queryset (already restricted and filtered by period):
    响应率 = tasks signed within the limit ÷ tasks; 解决率 = finished ÷ tasks; 满意率 = satisfied ÷ rated
    (the appeal's rating counts for each unit that worked on it)."""
    now = now or timezone.now()
    rows: dict[int, UnitStats] = {}
    total = UnitStats(None)
    rated_appeals: set[int] = set()
    for task in tasks.select_related("unit", "appeal").order_by("unit__path", "pk"):
        row = rows.setdefault(task.unit_id, UnitStats(task.unit))
        for target in (row, total):
            target.tasks += 1
            target.signed_in_time += task.signed_in_time
            target.finished += task.status == TaskStatus.FINISHED
            target.overdue += bool(task.is_open and task.due_at and task.due_at < now)
        if task.appeal.satisfied is not None:
            row.rated += 1
            row.satisfied += bool(task.appeal.satisfied)
            if task.appeal_id not in rated_appeals:  # in the total, an appeal is rated once
                rated_appeals.add(task.appeal_id)
                total.rated += 1
                total.satisfied += bool(task.appeal.satisfied)
    return total, sorted(rows.values(), key=lambda r: r.unit.path)


def overdue_tasks(tasks, *, now=None):
    now = now or timezone.now()
    return (
        tasks.filter(status__in=OPEN_TASK_STATES, due_at__lt=now)
        .select_related("appeal", "unit")
        .order_by("due_at")
    )


def open_filter() -> Q:
    return Q(status__in=OPEN_TASK_STATES)


def green_tasks(tasks):
    """The tasks of green-channel appeals (小哥绿色通道), for their own statistics."""
    return tasks.filter(appeal__green=True)

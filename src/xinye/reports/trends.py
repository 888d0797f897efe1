"""Reading the daily snapshots for a scope: a figure's trend, and the change since last month and since
the same month last year. Always summed over what the scope's viewer may see (restrict)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Sum

from xinye.accounts.permissions import restrict
from xinye.reports.context import Period, Scope
from xinye.reports.models import DailySnapshot

READS = ("snapshot_totals", "compare", "trend")

STOCK = (
    "enterprises",
    "practitioners",
    "party_members",
    "organisations",
    "independent",
    "joint",
    "work",
    "blank",
    "instructors",
    "liaisons",
)


def snapshot_totals(scope: Scope, day: datetime.date) -> tuple[datetime.date | None, dict]:
    """The figures of the latest snapshot on or before `day` (stock) summed over what the scope sees,
    and the day it is from (None if there is none)."""
    visible = restrict(DailySnapshot.objects.all(), scope.viewer, "view")
    latest = visible.filter(day__lte=day).aggregate(d=Max("day"))["d"]
    if latest is None:
        return None, {}
    sums = visible.filter(day=latest).aggregate(
        **{f"sum_{f}": Sum(f) for f in STOCK}, **{f"known_{f}": Count(f) for f in STOCK}
    )
    return latest, {f: sums[f"sum_{f}"] for f in STOCK if sums[f"known_{f}"]}


def compare(scope: Scope, period: Period, current: dict) -> dict:
    """`current` figures against the end of the previous month and of the same month last year:
    {figure: (now, change since last month or None, change since a year ago or None)}, plus the days."""
    prev_day, prev = snapshot_totals(scope, period.previous().end)
    year_day, year = snapshot_totals(scope, period.year_ago().end)
    out = {}
    for key, now in current.items():
        out[key] = (
            now,
            now - prev[key] if key in prev else None,
            now - year[key] if key in year else None,
        )
    return {"figures": out, "previous_day": prev_day, "year_ago_day": year_day}


def trend(scope: Scope, figure: str, days: list[datetime.date]) -> list[tuple[datetime.date, int | None]]:
    """A figure (stock or flow) over the snapshots of `days`, summed over what the scope sees."""
    visible = restrict(DailySnapshot.objects.filter(day__in=days), scope.viewer, "view")
    got = dict(visible.values("day").annotate(v=Sum(figure)).values_list("day", "v"))
    return [(d, got.get(d)) for d in days]

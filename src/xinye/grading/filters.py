"""The list filters of the grading, shared by the API and the console (xinye.core.filters)."""

import datetime

from xinye.core.errors import Refused
from xinye.core.filters import Filter, FilterSet, Search
from xinye.grading.models import GradeRule, GradeSnapshot


def by_month(qs, value: str):
    """month=YYYY-MM."""
    try:
        month = datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise Refused({"month": f"月份“{value}”无效，应写作 2026-11"}) from None
    return qs.filter(month=month)


RULE_FILTERS = FilterSet(GradeRule, "subject", "grade")

SNAPSHOT_FILTERS = FilterSet(
    GradeSnapshot,
    "subject",
    "grade",
    Filter("month", type=str, method=lambda qs, value: by_month(qs, value), console=False),
    Filter("county", field="region"),
    "industry",
    search=Search(("name",)),
)

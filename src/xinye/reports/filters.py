"""The list filters of the daily snapshots, declared once (xinye.core.filters) for the API."""

from xinye.core.filters import Filter, FilterSet
from xinye.reports.models import DailySnapshot

SNAPSHOT_FILTERS = FilterSet(
    DailySnapshot,
    "region",
    "industry",
    Filter("day_from", field="day", lookup="gte"),
    Filter("day_to", field="day", lookup="lte"),
)

"""The list filters of hazard reports, declared once (xinye.core.filters) for the API."""

from xinye.core.filters import Filter, FilterSet
from xinye.hazards.models import HazardReport

HAZARD_FILTERS = FilterSet(
    HazardReport,
    "status",
    "category",
    Filter("unit", console=False),
)

"""The list filters of meetings and online party groups, shared by the API and the console
(xinye.core.filters)."""

from xinye.core.filters import Filter, FilterSet, Search
from xinye.orglife.models import Meeting, OnlineGroup


def _quorum_failed(queryset, value: bool):
    return queryset.filter(quorum_met=False) if value else queryset


MEETING_FILTERS = FilterSet(
    Meeting,
    "kind",
    "is_online",
    "quorum_met",
    "region",
    "industry",
    Filter("unit", console=False),
    Filter("date_from", field="date", lookup="gte"),
    Filter("date_to", field="date", lookup="lte"),
    Filter("quorum_failed", type=bool, method=_quorum_failed),
    search=Search(("topic", "unit__name")),
)

GROUP_FILTERS = FilterSet(
    OnlineGroup,
    "platform",
    "is_active",
    "industry",
    Filter("unit", console=False),
    search=Search(("name", "unit__name")),
)

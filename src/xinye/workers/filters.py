"""The list filters of the rights requests' queue, declared once (xinye.core.filters) for the API: the
console's own filters (state, kind) and search (the record), plus what only a query parameter says."""

from django.utils import timezone

from xinye.core.filters import Filter, FilterSet, Search
from xinye.workers.choices import RightsStatus
from xinye.workers.models import RightsRequest


def _overdue(queryset, overdue: bool):
    if not overdue:
        return queryset
    return queryset.filter(status=RightsStatus.OPEN, due_at__lt=timezone.now())


RIGHTS_FILTERS = FilterSet(
    RightsRequest,
    "status",
    "kind",
    Filter("overdue", type=bool, method=_overdue),
    Filter("unit", console=False),
    search=Search(("record",), description="模糊搜索：涉及记录"),
)

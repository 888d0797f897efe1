"""The list filters of funds, shared by the API and the console (xinye.core.filters)."""

from xinye.core.filters import Filter, FilterSet, Search
from xinye.funds.models import Allocation, Disbursement, Spending

ALLOCATION_FILTERS = FilterSet(
    Allocation,
    "kind",
    "status",
    "year",
    Filter("county", field="region"),
    "industry",
    Filter("unit", console=False),
    search=Search(("unit__name", "purpose")),
)

DISBURSEMENT_FILTERS = FilterSet(
    Disbursement,
    Filter("kind", field="allocation__kind"),
    Filter("year", field="allocation__year"),
    Filter("county", field="allocation__region"),
    Filter("allocation", console=False),
    search=Search(("allocation__unit__name", "voucher", "note")),
)

SPENDING_FILTERS = FilterSet(
    Spending,
    "purpose",
    Filter("kind", field="allocation__kind"),
    Filter("year", field="allocation__year"),
    Filter("county", field="allocation__region"),
    Filter("industry", field="allocation__industry"),
    Filter("allocation", console=False),
    Filter("unit", field="allocation__unit", console=False),
    Filter("date_from", field="date", lookup="gte", console=False),
    Filter("date_to", field="date", lookup="lte", console=False),
    search=Search(("allocation__unit__name", "description")),
)

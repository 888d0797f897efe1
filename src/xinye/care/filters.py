"""The list filters of the service catalogue, shared by the API and the console (xinye.core.filters)."""

from xinye.care.models import ServiceOffer, ServiceSession
from xinye.core.filters import Filter, FilterSet, Search

OFFER_FILTERS = FilterSet(
    ServiceOffer,
    "kind",
    "is_active",
    Filter("county", field="region"),
    Filter("station", console=False),
    search=Search(("title", "address", "contact")),
)

SESSION_FILTERS = FilterSet(
    ServiceSession,
    Filter("kind", field="offer__kind"),
    "is_cancelled",
    Filter("offer", console=False),
)

"""The list filters of stations, shared by the API and the console (xinye.core.filters)."""

from xinye.core.filters import FilterSet, Search
from xinye.stations.models import Station

STATION_FILTERS = FilterSet(
    Station,
    "status",
    "host_kind",
    "region",
    "green_channel",
    "open_24h",
    search=Search(("code", "name", "address")),
)

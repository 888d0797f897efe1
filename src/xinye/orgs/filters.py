"""The list filters of regions and org units, shared by the API and the console (xinye.core.filters)."""

from xinye.core.filters import Filter, FilterSet, Search
from xinye.orgs.models import OrgUnit, Region

REGION_FILTERS = FilterSet(
    Region,
    "level",
    "is_functional_zone",
    Filter("parent", console=False),
    search=Search(("code", "name")),
)

UNIT_FILTERS = FilterSet(
    OrgUnit,
    "kind",
    "industry",
    "region",
    "is_active",
    Filter("answers_to", console=False),
    Filter("parent", console=False),
    search=Search(("name", "code")),
)

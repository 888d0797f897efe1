"""The list filters of the statistics cells, declared once (xinye.core.filters) for the API.

`region` is a county code or a city code (all its counties), `industry` an industry code; an unknown one is
refused with the same Chinese message as the figures (`services.check_filters`)."""

from xinye.core.filters import Filter, FilterSet
from xinye.coverage import services
from xinye.coverage.models import CoverageCell


def _region(queryset, region: str):
    services.check_filters(region, None)
    return queryset.filter(services.region_q(region))


def _industry(queryset, industry: str):
    services.check_filters(None, industry)
    return queryset.filter(industry=industry)


CELL_FILTERS = FilterSet(
    CoverageCell,
    Filter("region", type=str, method=_region),
    Filter("industry", type=str, method=_industry),
)

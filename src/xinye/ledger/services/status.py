"""An enterprise's coverage status (单独/联合/工作/空白) as a query annotation and a filter."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from xinye.core.errors import Refused
from xinye.ledger.choices import (
    OWN_ORGANISATION_KINDS,
    CoverageStatus,
)
from xinye.ledger.models import (
    Enterprise,
)

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "annotate_coverage_status",
    "coverage_status",
    "filter_by_status",
)


# The coverage rule (rules.md §Coverage, 中办发〔2012〕11号) is defined once, in the coverage engine
# (`xinye.coverage.engine.classify`). Its result for every enterprise is stored by the coverage app, which
# keeps it current by listening to `signals.enterprises_changed`; the ledger's lists read that stored status
# through the reverse relation `coverage`, so a list filtered by status shows exactly what the statistics count.
OWN_KINDS = tuple(sorted(OWN_ORGANISATION_KINDS))


def annotate_coverage_status(queryset):
    """Adds `coverage_status` (CoverageStatus value) to an Enterprise queryset, in the same query."""
    return queryset.annotate(
        coverage_status=Coalesce(F("coverage__status"), Value(CoverageStatus.BLANK.value))
    )


def coverage_status(enterprise: Enterprise) -> str:
    """单独组建 / 联合组建 / 工作覆盖 / 空白 (a CoverageStatus value) for one enterprise."""
    return annotate_coverage_status(Enterprise.objects.filter(pk=enterprise.pk)).values_list(
        "coverage_status", flat=True
    )[0]


def filter_by_status(queryset, status: str):
    """Filter enterprises by coverage status, given as a code (independent…) or its label (单独组建…)."""
    by_label = {str(label): value for value, label in CoverageStatus.choices}
    value = by_label.get(status, status)
    if value not in CoverageStatus.values:
        raise Refused(f"覆盖状态应为 {'、'.join(map(str, CoverageStatus.labels))} 之一")
    return annotate_coverage_status(queryset).filter(coverage_status=value)

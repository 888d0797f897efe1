"""The list filters of the members app's types, shared by the API and the console (xinye.core.filters).
The console's development-stage filter (admin.StageFilter, by pipeline stage name) stays beside the API's
numeric `stage`: they answer different questions (the 5 stages of the 25 steps vs the pipeline's rows)."""

from django.db.models import Q

from xinye.core.filters import Filter, FilterSet, Search
from xinye.members import services
from xinye.members.models import (
    Course,
    DevelopmentCase,
    DuesPayment,
    FlowingMember,
    IncomeDeclaration,
    StudyRecord,
    TransferLetter,
)
from xinye.orgs.models import OrgUnit


def _in_stage(queryset, stage: int):
    return queryset.filter(current_step__in=[n for n in range(1, 26) if services.stage_of(n) == stage])


def _expired(queryset, value: bool):
    past = Q(status="issued", valid_until__lt=services.today()) | Q(status="expired")
    return queryset.filter(past) if value else queryset.exclude(past)


def _in_unit_tree(queryset, unit: int):
    """The unit and every unit under it (the rows are already restricted to the caller's scope)."""
    path = OrgUnit.objects.filter(pk=unit).values_list("path", flat=True).first()
    return queryset.filter(unit__path__startswith=path) if path is not None else queryset.none()


CASE_FILTERS = FilterSet(
    DevelopmentCase,
    "status",
    Filter("unit", console=False),
    Filter("stage", type=int, method=_in_stage),
    search=Search(("practitioner__name", "unit__name")),
)

TRANSFER_FILTERS = FilterSet(
    TransferLetter,
    "direction",
    "status",
    "cross_province",
    Filter("expired", type=bool, method=_expired),
    search=Search(("member_name", "other_organisation", "letter_no")),
)

FLOWING_FILTERS = FilterSet(
    FlowingMember,
    "status",
    Filter("unit", type=int, method=_in_unit_tree),
    search=Search(("member__practitioner__name", "home_organisation", "home_region")),
)

DECLARATION_FILTERS = FilterSet(
    IncomeDeclaration,
    "basis",
    "month",
    Filter("member", console=False),
    search=Search(("member__practitioner__name",)),
)

PAYMENT_FILTERS = FilterSet(
    DuesPayment,
    "paid_on",
    Filter("member", console=False),
    search=Search(("member__practitioner__name",)),
)

COURSE_FILTERS = FilterSet(Course, "kind", "mode", search=Search(("title", "provider")))

STUDY_FILTERS = FilterSet(
    StudyRecord,
    "kind",
    "source",
    "platform",
    Filter("practitioner", console=False),
    Filter("date_from", field="date", lookup="gte"),
    Filter("date_to", field="date", lookup="lte"),
    search=Search(("practitioner__name", "title")),
)

"""The list filters of the three teams, shared by the API and the console (xinye.core.filters)."""

from xinye.core.filters import Filter, FilterSet, Search
from xinye.teams.models import (
    Incentive,
    PartyWorker,
    ReserveCandidate,
    TeamAssessment,
    TrainingPlan,
    VanguardPost,
)


def _cross(qs, value):
    return qs.exclude(management_level="") if value else qs.filter(management_level="")


def _history(qs, value):
    """By default the roster is who serves now; `history=true` lists the ended posts too."""
    return qs


WORKER_FILTERS = FilterSet(
    PartyWorker,
    "post",
    "source",
    "full_time",
    "management_level",
    Filter("county", field="region"),
    "industry",
    Filter("organisation", console=False),
    Filter("cross_appointed", type=bool, method=_cross),
    Filter("history", type=bool, method=_history),
    search=Search(("name", "unit__name", "enterprise_post", "dispatched_from")),
)

RESERVE_FILTERS = FilterSet(
    ReserveCandidate,
    "post",
    "status",
    Filter("county", field="region"),
    "industry",
    Filter("organisation", console=False),
    search=Search(("member__practitioner__name", "unit__name")),
)

PLAN_FILTERS = FilterSet(TrainingPlan, "year", Filter("county", field="region"), "industry")

INCENTIVE_FILTERS = FilterSet(
    Incentive, "kind", Filter("county", field="region"), "industry", search=Search(("worker__name", "title"))
)

ASSESSMENT_FILTERS = FilterSet(
    TeamAssessment,
    "year",
    "grade",
    Filter("county", field="region"),
    "industry",
    search=Search(("worker__name",)),
)

VANGUARD_FILTERS = FilterSet(
    VanguardPost,
    "kind",
    Filter("county", field="region"),
    "industry",
    Filter("organisation", console=False),
    search=Search(("title", "member__practitioner__name", "unit__name")),
)

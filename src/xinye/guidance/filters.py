"""The list filters of visits, problems and yearly assessments, shared by the API and the console
(xinye.core.filters)."""

from xinye.core.filters import Filter, FilterSet, Search
from xinye.guidance.models import InstructorAssessment, Visit, VisitProblem

VISIT_FILTERS = FilterSet(
    Visit,
    "is_heart_to_heart",
    "is_care_visit",
    "region",
    "industry",
    Filter("agent_kind", field="agent__kind"),
    Filter("agent", console=False),
    Filter("enterprise", console=False),
    Filter("date_from", field="date", lookup="gte"),
    Filter("date_to", field="date", lookup="lte"),
    search=Search(("enterprise__name", "site_note", "agent__name", "summary")),
)

PROBLEM_FILTERS = FilterSet(
    VisitProblem,
    "status",
    search=Search(("description", "visit__enterprise__name")),
)

ASSESSMENT_FILTERS = FilterSet(
    InstructorAssessment,
    "year",
    "grade",
    Filter("agent_kind", field="agent__kind"),
    Filter("agent_region", field="agent__region"),
    Filter("agent", console=False),
    search=Search(("agent__name",)),
)

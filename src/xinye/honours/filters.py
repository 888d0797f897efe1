"""The list filters of the campaigns and the library of models, shared by the API and the console."""

from xinye.core.filters import Filter, FilterSet, Search
from xinye.honours.models import Campaign, Exemplar, NegativeRecord, Nominee, Objection, Vote

CAMPAIGN_FILTERS = FilterSet(Campaign, "kind", "stage", "industry", "year", search=Search(("title",)))
NOMINEE_FILTERS = FilterSet(
    Nominee,
    "status",
    "source",
    "industry",
    Filter("campaign", console=False),
    Filter("county", field="region"),
    search=Search(("name", "enterprise_name")),
)
VOTE_FILTERS = FilterSet(
    Vote,
    "voided",
    Filter(
        "flagged",
        field="flag",
        lookup="gt",
        type=bool,
        method=lambda qs, v: qs.exclude(flag="") if v else qs.filter(flag=""),
    ),
    Filter("campaign", console=False),
    Filter("nominee", console=False),
)
OBJECTION_FILTERS = FilterSet(Objection, "status", Filter("campaign", console=False))
RECORD_FILTERS = FilterSet(NegativeRecord, "kind", "industry", search=Search(("practitioner__name", "note")))
EXEMPLAR_FILTERS = FilterSet(
    Exemplar,
    "industry",
    "year",
    "is_published",
    Filter("county", field="region"),
    search=Search(("name", "honour", "enterprise_name")),
)

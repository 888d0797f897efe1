"""The list filters of volunteers and activities, shared by the API and the console (xinye.core.filters)."""

from xinye.core.filters import Filter, FilterSet, Search
from xinye.volunteers.models import VolunteerActivity, VolunteerProfile

PROFILE_FILTERS = FilterSet(
    VolunteerProfile,
    "is_active",
    "region",
    "industry",
    Filter("unit", console=False),
)

ACTIVITY_FILTERS = FilterSet(
    VolunteerActivity,
    "category",
    "status",
    "region",
    search=Search(("title", "place")),
)

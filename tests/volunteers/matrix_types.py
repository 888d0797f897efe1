import datetime

from django.utils import timezone

from tests.appeals.helpers import worker
from tests.matrix import MatrixType, register
from xinye.volunteers.models import VolunteerActivity, VolunteerProfile


def _profile(unit, world):
    w = worker(None, region=unit.region)
    return VolunteerProfile.objects.create(worker=w, unit=unit, region=unit.region)


def _activity(unit, world):
    start = timezone.now() + datetime.timedelta(days=3)
    return VolunteerActivity.objects.create(
        title="文明劝导",
        category="civility",
        unit=unit,
        region=unit.region,
        place="路口",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )


register(
    MatrixType(
        "volunteers.volunteerprofile",
        _profile,
        api_detail="/api/v1/volunteers/{pk}",
        api_list="/api/v1/volunteers",
        change_data=lambda o: {"skills": "改", "unit": o.unit_id, "is_active": "on"},
    )
)
register(
    MatrixType(
        "volunteers.volunteeractivity",
        _activity,
        api_detail="/api/v1/volunteer-activities/{pk}",
        api_list="/api/v1/volunteer-activities",
        change_data=lambda o: {
            "title": "改名",
            "category": o.category,
            "unit": o.unit_id,
            "place": "x",
            "starts_at_0": "2026-12-01",
            "starts_at_1": "10:00",
            "ends_at_0": "2026-12-01",
            "ends_at_1": "12:00",
            "capacity": 5,
            "hours": "2",
            "status": "published",
            "signups-TOTAL_FORMS": 0,
            "signups-INITIAL_FORMS": 0,
        },
    )
)

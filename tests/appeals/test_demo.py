"""The demo loaders of appeals, hazards and volunteers: believable, deterministic and idempotent."""

from xinye.appeals.models import Appeal, AppealReminder, AppealTask
from xinye.demo import appeals as appeals_demo
from xinye.demo import hazards as hazards_demo
from xinye.demo import volunteers as volunteers_demo
from xinye.hazards.models import HazardReport
from xinye.volunteers.models import VolunteerActivity, VolunteerHours, VolunteerSignup


def _world(world):
    units = world["units"]
    return {"communities": {c: u for c, u in units.items() if u.kind == "community"}, "users": world["users"]}


def _counts():
    return (
        Appeal.objects.count(),
        AppealTask.objects.count(),
        AppealReminder.objects.count(),
        HazardReport.objects.count(),
        VolunteerActivity.objects.count(),
        VolunteerSignup.objects.count(),
        VolunteerHours.objects.count(),
    )


def test_demo_is_believable_and_idempotent(world):
    w = _world(world)
    for module in (appeals_demo, hazards_demo, volunteers_demo):
        module.load(w)
    first = _counts()
    assert first[0] == 60 and first[3] == 40 and first[4] == 10
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert {"submitted", "dispatched", "answered", "closed", "rated", "rejected"} <= statuses
    assert len(set(Appeal.objects.values_list("region_id", flat=True))) >= 8
    assert AppealReminder.objects.filter(kind="escalation").exists()
    assert Appeal.objects.filter(reopened_count__gt=0).exists()
    assert AppealTask.objects.filter(status="returned").exists()
    assert HazardReport.objects.filter(close_reason="duplicate").exists()
    assert VolunteerHours.objects.exists()
    w2 = _world(world)
    for module in (appeals_demo, hazards_demo, volunteers_demo):
        module.load(w2)
    assert _counts() == first

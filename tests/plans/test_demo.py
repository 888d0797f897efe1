"""The demo plans: the city's and five committees' plans with live goals, tasks to all 53 offices with a
mix of on-time, late and overdue, a ranking per finished month, the drive; idempotent."""

import pytest
from django.utils import timezone

from xinye.demo import plans as plans_demo
from xinye.plans import services
from xinye.plans.models import Drive, Goal, OfficeScore, Plan, PlanNotice, PlanTask

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("full_demo")]


def test_the_demo_plans_tasks_and_rankings(full_demo, world):
    today = timezone.localdate()
    assert Plan.objects.filter(year=today.year).count() == 6
    assert Goal.objects.filter(indicator="reported").exclude(evidence="").count() == 6
    offices = set(PlanTask.objects.values_list("office_id", flat=True))
    assert len(offices) == 53
    tasks = PlanTask.objects.all()
    done = tasks.filter(status="done")
    late = [t for t in done if t.finished_late]
    assert len(late) > 20 and done.count() - len(late) > 200
    if today.month > 2:
        assert services.overdue_tasks(tasks, today).exists()
    assert services.at_risk_tasks(tasks, today).exists()
    assert PlanNotice.objects.filter(kind="supervision").exclude(reply="").exists()
    assert OfficeScore.objects.values("month").distinct().count() == today.month - 1
    assert OfficeScore.objects.filter(month=today.replace(month=1, day=1)).count() == 53 or today.month == 1
    assert Drive.objects.count() == 1
    counts = (
        Plan.objects.count(),
        Goal.objects.count(),
        PlanTask.objects.count(),
        PlanNotice.objects.count(),
    )
    plans_demo.load({})
    assert (
        Plan.objects.count(),
        Goal.objects.count(),
        PlanTask.objects.count(),
        PlanNotice.objects.count(),
    ) == counts

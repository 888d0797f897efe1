"""The demo grades: a history since January of last year in which blanks become solid (instructors' first
visits in early 2025), today's counts adding up to the overview, and a second run changing nothing."""

import datetime

import pytest
from django.utils import timezone

from xinye.accounts.models import User
from xinye.core.context import actor_context
from xinye.coverage.services import overview
from xinye.grading import services
from xinye.grading.models import GradeSnapshot

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("full_demo")]


def test_the_demo_history_shows_blanks_becoming_solid(full_demo, world):
    from xinye.demo import grading

    demo: dict = {}
    city = User.objects.get(username="city_admin")
    months = services.history(city, 60)
    today = timezone.localdate()
    assert months[0]["month"] == f"{today.year - 1}-01" and months[-1]["month"] == f"{today:%Y-%m}"
    assert months[0]["blank"] > 100 and months[5]["blank"] < 10  # the 2025 visits covered the blanks
    now = services.counts(city)
    figures = overview(city)
    assert now["blank"] + now["solid"] + now["shining"] == figures["enterprises"] == 310
    assert sum(now["organisations"].values()) == figures["party_organisations"]["total"] == 53
    rows = GradeSnapshot.objects.count()
    with actor_context(source="system", label="demo"):
        grading.load(demo)
    assert GradeSnapshot.objects.count() == rows
    first = GradeSnapshot.objects.filter(month=datetime.date(today.year - 1, 1, 1))
    assert first.filter(subject="enterprise").count() == 310  # the surveyed enterprises, every month
    assert first.filter(subject="organisation").count() < 53  # organisations count from their founding

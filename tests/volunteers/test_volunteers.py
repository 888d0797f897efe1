"""Volunteering: registration, idempotent sign-up, attendance credits hours, totals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.appeals.helpers import worker
from xinye.volunteers import services
from xinye.volunteers.choices import SignupStatus


def _activity(world, unit_code="street-kerqin-1-c1", capacity=2, hours=None):
    start = timezone.now() + datetime.timedelta(days=2)
    return services.publish_activity(
        unit=world["units"][unit_code],
        title="路口文明劝导",
        category="civility",
        place="和平路口",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        capacity=capacity,
        hours=hours,
    )


def test_register_sign_up_attend_hours(world):
    w = worker()
    profile = services.register_volunteer(worker=w, skills="急救")
    assert services.register_volunteer(worker=w, skills="急救").pk == profile.pk
    act = _activity(world)
    assert act.hours == Decimal("3.00")
    s1 = services.sign_up(act, worker=w)
    assert services.sign_up(act, worker=w).pk == s1.pk and act.signups.count() == 1
    staff = world["users"]["community_admin"]
    services.confirm_attendance(s1, actor=staff)
    services.confirm_attendance(s1, actor=staff)  # confirming twice credits once
    assert services.hours_for(w) == Decimal("3.00")
    assert s1.status == SignupStatus.ATTENDED


def test_capacity_and_registration_required(world):
    act = _activity(world, capacity=1)
    with pytest.raises(ValidationError, match="请先登记为志愿者"):
        services.sign_up(act, worker=worker())
    a, b = worker(), worker()
    services.register_volunteer(worker=a)
    services.register_volunteer(worker=b)
    services.sign_up(act, worker=a)
    with pytest.raises(ValidationError, match="名额已满"):
        services.sign_up(act, worker=b)


def test_totals_by_county(world):
    from xinye.volunteers.models import VolunteerProfile

    w = worker("street-naiman-1-c1")
    services.register_volunteer(worker=w)
    act = _activity(world, "street-naiman-1-c1", hours=Decimal("1.50"))
    services.confirm_attendance(services.sign_up(act, worker=w))
    rows = {r["name"]: r for r in services.totals(VolunteerProfile.objects.filter(worker=w))}
    assert rows["奈曼旗"]["hours"] == Decimal("1.50") and rows["奈曼旗"]["volunteers"] == 1

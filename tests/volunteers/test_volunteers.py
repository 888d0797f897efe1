"""Volunteering: registration, idempotent sign-up, attendance credits hours, totals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.appeals.helpers import worker
from xinye.accounts.permissions import system_actor
from xinye.volunteers import services
from xinye.volunteers.choices import SignupStatus

SYSTEM = system_actor("test")


def _activity(world, unit_code="street-kerqin-1-c1", capacity=2, hours=None):
    start = timezone.now() + datetime.timedelta(days=2)
    return services.publish_activity(
        actor=SYSTEM,
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
    services.confirm_attendance(services.sign_up(act, worker=w), actor=SYSTEM)
    rows = {r["name"]: r for r in services.totals(VolunteerProfile.objects.filter(worker=w))}
    assert rows["奈曼旗"]["hours"] == Decimal("1.50") and rows["奈曼旗"]["volunteers"] == 1


def test_api_and_console(world, api_client, client_for):
    from django.urls import reverse

    w = worker()
    services.register_volunteer(worker=w)
    act = _activity(world)
    signup = services.sign_up(act, worker=w)
    c = api_client("community_admin")
    r = c.post(
        f"/api/v1/volunteer-signups/{signup.pk}/confirm",
        {"attended": True, "hours": "2.5"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "attended"
    assert services.hours_for(w) == Decimal("2.50")
    totals = c.get("/api/v1/volunteers/totals").json()
    assert any(t["name"] == "科尔沁区" and Decimal(t["hours"]) >= Decimal("2.5") for t in totals)
    assert c.get("/api/v1/volunteers/totals", {"by": "industry"}).status_code == 200
    # another county's staff cannot confirm it
    assert (
        api_client("rider_committee_admin")
        .post(f"/api/v1/volunteer-signups/{signup.pk}/confirm", {}, content_type="application/json")
        .status_code
        == 404
    )
    start = timezone.now() + datetime.timedelta(days=5)
    r = c.post(
        "/api/v1/volunteer-activities",
        {
            "unit": world["units"]["street-kerqin-1-c2"].pk,
            "title": "清雪",
            "category": "civility",
            "place": "永清大街",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["hours"] in ("2.00", 2.0, "2")
    r = c.post(
        "/api/v1/volunteer-activities",
        {
            "unit": world["units"]["street-naiman-1-c1"].pk,
            "title": "清雪",
            "category": "civility",
            "place": "x",
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert r.status_code == 404
    assert client_for("community_admin").get(reverse("volunteers:totals")).status_code == 200


def test_portal_helpers(world):
    w = worker()
    services.register_volunteer(worker=w)
    act = _activity(world)
    assert act in list(services.open_activities(region=act.region))
    services.sign_up(act, worker=w)
    assert [s.activity for s in services.signups_for(w)] == [act]
    services.cancel_signup(services.signups_for(w)[0], worker=w)
    assert services.signups_for(w)[0].status == SignupStatus.CANCELLED
    assert services.sign_up(act, worker=w).status == SignupStatus.SIGNED_UP  # signing up again revives it

"""Volunteering under /api/v1/: profiles, activities, sign-ups, attendance, totals — scoped like the console."""

import datetime
from decimal import Decimal

from ninja import Router, Schema

from xinye.api.common import UnitRef, decimal_of, get_scoped, require, scoped
from xinye.api.lists import Endpoints
from xinye.orgs.models import OrgUnit
from xinye.volunteers import services
from xinye.volunteers.filters import ACTIVITY_FILTERS, PROFILE_FILTERS
from xinye.volunteers.models import VolunteerActivity, VolunteerHours, VolunteerProfile, VolunteerSignup

# Decimal inputs bounded as their column stores them (issue 18 item 10: more digits were stored, then every
# read of the list failed)
VOLUNTEER_ACTIVITY_HOURS = decimal_of(VolunteerActivity, "hours")
VOLUNTEER_HOURS = decimal_of(VolunteerHours, "hours")  # a confirmed signup credits VolunteerHours

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "志愿服务"


class ProfileOut(Schema):
    id: int
    worker: str
    unit: UnitRef
    region: str
    industry: str
    skills: str
    is_active: bool
    joined_at: datetime.datetime
    hours: Decimal

    @staticmethod
    def resolve_worker(obj):
        return str(obj.worker)

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_hours(obj):
        return services.hours_for(obj.worker)


class VolunteersActivityOut(Schema):
    id: int
    title: str
    category: str
    unit: UnitRef
    region: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    taken: int
    hours: Decimal
    status: str
    description: str

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class VolunteersActivityIn(Schema):
    unit: int
    title: str
    category: str
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int = 20
    hours: VOLUNTEER_ACTIVITY_HOURS | None = None
    description: str = ""


class SignupOut(Schema):
    id: int
    activity_id: int
    profile_id: int
    worker: str
    status: str
    signed_up_at: datetime.datetime
    confirmed_at: datetime.datetime | None

    @staticmethod
    def resolve_worker(obj):
        return str(obj.profile.worker)


class VolunteersConfirmIn(Schema):
    attended: bool = True
    hours: VOLUNTEER_HOURS | None = None
    note: str = ""


_profiles = VolunteerProfile.objects.select_related("unit", "worker")
_activities = VolunteerActivity.objects.select_related("unit")


class TotalOut(Schema):
    name: str
    volunteers: int
    hours: Decimal


@router.get("/volunteers/totals", response=list[TotalOut], summary="志愿者与志愿时长：按旗县区或行业合计")
def totals(request, by: str = "region"):
    require(request, "view", VolunteerProfile)
    profiles = scoped(request, VolunteerProfile.objects.filter(is_active=True))
    return services.totals(profiles, "industry" if by == "industry" else "region")


endpoints.list(
    "/volunteers", "list_profiles", _profiles, ProfileOut, filters=PROFILE_FILTERS, summary="志愿者"
)
endpoints.detail(
    "/volunteers/{profile_id}", "get_profile", _profiles, ProfileOut, summary="志愿者详情（含累计时长）"
)
endpoints.list(
    "/volunteer-activities",
    "list_activities",
    _activities,
    VolunteersActivityOut,
    filters=ACTIVITY_FILTERS,
    summary="志愿活动",
)
endpoints.create(
    "/volunteer-activities",
    "create_activity",
    VolunteersActivityIn,
    VolunteersActivityOut,
    services.publish_activity,
    model=VolunteerActivity,
    refs={"unit": ("unit", OrgUnit.objects.all())},
    summary="发布志愿活动",
)
endpoints.detail(
    "/volunteer-activities/{activity_id}",
    "get_activity",
    _activities,
    VolunteersActivityOut,
    summary="志愿活动详情",
)


@router.get("/volunteer-activities/{activity_id}/signups", response=list[SignupOut], summary="活动报名名单")
def list_signups(request, activity_id: int):
    activity = get_scoped(request, VolunteerActivity.objects.all(), pk=activity_id)
    return list(activity.signups.select_related("profile__worker"))


@router.post(
    "/volunteer-signups/{signup_id}/confirm", response=SignupOut, summary="确认参加（计入时长）或未到"
)
def confirm(request, signup_id: int, payload: VolunteersConfirmIn):
    signup = get_scoped(
        request, VolunteerSignup.objects.select_related("activity", "profile__worker"), "change", pk=signup_id
    )
    return services.confirm_attendance(
        signup, actor=request.user, attended=payload.attended, hours=payload.hours, note=payload.note
    )

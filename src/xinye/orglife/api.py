"""Organisational life: meetings with attendance and quorum, online party groups, meeting rules, health."""

import datetime

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.api.common import get_scoped, require, scoped
from xinye.api.lists import Endpoints
from xinye.orglife import services
from xinye.orglife.filters import GROUP_FILTERS, MEETING_FILTERS
from xinye.orglife.health import parse_period
from xinye.orglife.models import Meeting, MeetingRule, OnlineGroup
from xinye.orgs.models import OrgUnit

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "组织生活"


class AttendanceOut(Schema):
    member_id: int
    member_name: str
    status: str
    reason: str
    online: bool

    @staticmethod
    def resolve_member_name(obj):
        return obj.member.practitioner.name


class MeetingOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    kind: str
    kind_label: str
    date: datetime.date
    place: str
    is_online: bool
    online_group_id: int | None
    online_link: str
    topic: str
    expected: int
    present: int
    quorum_met: bool | None
    quorum_note: str

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class MeetingDetail(MeetingOut):
    minutes: str
    attendance: list[AttendanceOut]

    @staticmethod
    def resolve_attendance(obj):
        return list(obj.attendance.select_related("member__practitioner"))


class AttendanceIn(Schema):
    member_id: int
    status: str = "present"
    reason: str = ""
    online: bool = False


class MeetingIn(Schema):
    unit_id: int
    kind: str
    date: datetime.date
    topic: str
    place: str = ""
    is_online: bool = False
    online_group_id: int | None = None
    online_link: str = ""
    minutes: str = ""
    attendance: list[AttendanceIn] | None = None


_meetings = Meeting.objects.select_related("unit")


def _rows(items):
    return [
        {"member": a.member_id, "status": a.status, "reason": a.reason, "online": a.online} for a in items
    ]


endpoints.list(
    "/meetings", "list_meetings", _meetings, MeetingOut, filters=MEETING_FILTERS, summary="会议与活动"
)
endpoints.detail(
    "/meetings/{meeting_id}", "get_meeting", _meetings, MeetingDetail, summary="会议详情（含出席）"
)


@router.post("/meetings", response={201: MeetingDetail}, summary="记录会议")
def create_meeting(request, payload: MeetingIn):
    require(request, "add", Meeting)
    unit = get_scoped(request, OrgUnit.objects.all(), pk=payload.unit_id)
    group = None
    if payload.online_group_id:
        group = get_scoped(request, OnlineGroup.objects.all(), pk=payload.online_group_id)
    meeting = services.record_meeting(
        actor=request.user,
        unit=unit,
        kind=payload.kind,
        date=payload.date,
        topic=payload.topic,
        place=payload.place,
        is_online=payload.is_online,
        online_group=group,
        online_link=payload.online_link,
        minutes=payload.minutes,
        attendance=_rows(payload.attendance) if payload.attendance is not None else None,
    )
    return Status(201, scoped(request, _meetings).get(pk=meeting.pk))


class MeetingPatch(Schema):
    kind: str | None = None
    date: datetime.date | None = None
    topic: str | None = None
    place: str | None = None
    is_online: bool | None = None
    online_link: str | None = None
    minutes: str | None = None


endpoints.update(
    "/meetings/{meeting_id}",
    "update_meeting",
    _meetings,
    MeetingPatch,
    MeetingDetail,
    services.update_meeting,
    summary="修改会议",
)


@router.post("/meetings/{meeting_id}/attendance", response=MeetingDetail, summary="登记出席（替换原记录）")
def put_attendance(request, meeting_id: int, payload: list[AttendanceIn]):
    meeting = get_scoped(request, _meetings, "change", pk=meeting_id)
    services.set_attendance(meeting, _rows(payload), actor=request.user)
    return scoped(request, _meetings).get(pk=meeting.pk)


class OnlineGroupOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    name: str
    platform: str
    link: str
    leader_id: int | None
    member_ids: list[int]
    is_active: bool

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_member_ids(obj):
        return [m.pk for m in obj.members.all()]


class OnlineGroupIn(Schema):
    unit_id: int
    name: str
    platform: str = ""
    link: str = ""
    member_ids: list[int] = []
    leader_id: int | None = None


_groups = OnlineGroup.objects.select_related("unit").prefetch_related("members")


endpoints.list(
    "/online-groups", "list_groups", _groups, OnlineGroupOut, filters=GROUP_FILTERS, summary="网络党小组"
)
endpoints.detail("/online-groups/{group_id}", "get_group", _groups, OnlineGroupOut, summary="网络党小组详情")


@router.post("/online-groups", response={201: OnlineGroupOut}, summary="建立网络党小组")
def create_group(request, payload: OnlineGroupIn):
    require(request, "add", OnlineGroup)
    unit = get_scoped(request, OrgUnit.objects.all(), pk=payload.unit_id)
    group = services.create_online_group(
        actor=request.user,
        unit=unit,
        name=payload.name,
        platform=payload.platform,
        link=payload.link,
        members=payload.member_ids,
    )
    return Status(201, scoped(request, _groups).get(pk=group.pk))


class OrglifeRuleOut(Schema):
    kind: str
    kind_label: str
    period: str
    min_count: int
    condition: str
    source: str
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


@router.get("/orglife/meeting-rules", response=list[OrglifeRuleOut], summary="会议频次规则")
def meeting_rules(request):
    require(request, "view", MeetingRule)
    return list(MeetingRule.objects.all())


class CheckOut(Schema):
    kind: str
    label: str
    required: int
    held: int
    short: list[str]
    pending: list[str]
    source: str


class FlagOut(Schema):
    member_id: int
    name: str
    what: str
    months: int
    level: str


class HealthOut(Schema):
    unit_id: int
    name: str
    county: str
    industry: str
    period: str
    score: int
    normal: bool
    attendance_rate: float | None
    term: str
    missing: list[str]
    reminders: list[str]
    checks: list[CheckOut]
    member_flags: list[FlagOut]
    parts: dict


def _health_out(h):
    return {
        "unit_id": h.org_id,
        "name": h.name,
        "county": h.county,
        "industry": h.industry,
        "period": h.period.label,
        "score": h.score,
        "normal": h.normal,
        "attendance_rate": h.attendance_rate,
        "term": h.term,
        "missing": h.missing,
        "reminders": h.reminders,
        "checks": h.checks,
        "member_flags": h.member_flags,
        "parts": h.parts,
    }


def _orgs(request):
    from xinye.ledger.models import PartyOrganisation

    require(request, "view", Meeting)
    return scoped(request, PartyOrganisation.objects.all())


@router.get("/orglife/health", response=list[HealthOut], summary="组织运转情况（未正常运转的在前）")
@paginate(LimitOffsetPagination)
def health(
    request,
    period: str | None = None,
    region: str | None = None,
    industry: str | None = None,
    only_problems: bool = False,
):
    orgs = _orgs(request)
    if region:
        orgs = orgs.filter(region_id=region)
    if industry:
        orgs = orgs.filter(industry=industry)
    p = parse_period(period, services.today())
    results = services.assess_all(orgs, p)
    return [_health_out(h) for h in results if not only_problems or not h.normal]


@router.get("/orglife/health/{unit_id}", response=HealthOut, summary="某党组织的运转情况")
def health_one(request, unit_id: int, period: str | None = None):
    orgs = _orgs(request).filter(unit_id=unit_id)
    if not orgs.exists():
        raise Http404
    (h,) = services.assess_all(orgs, parse_period(period, services.today()))
    return _health_out(h)

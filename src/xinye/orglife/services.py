"""Organisational life: meetings, attendance and quorum, online party groups, and the health check read from
the database (the computation itself is orglife/health.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xinye.accounts.permissions import in_scope, unit_in_scope
from xinye.orglife import health as hc
from xinye.orglife.choices import AttendanceStatus, MeetingKind
from xinye.orglife.models import Attendance, Meeting, MeetingRule, OnlineGroup
from xinye.orglife.rules import rule
from xinye.orgs.choices import PARTY_ORG_KINDS


def today() -> datetime.date:
    return timezone.localdate()


def _check_unit(actor, action: str, model, unit) -> None:
    if actor is None:
        return
    if not unit_in_scope(actor, action, model, unit, unit.industry):
        raise PermissionDenied("该党组织不在您的管辖范围内")


def _check_obj(actor, action: str, obj) -> None:
    if actor is not None and not in_scope(actor, action, obj):
        raise PermissionDenied("对象不存在或不在您的管辖范围内")


def _organisation(unit):
    from xinye.ledger.models import PartyOrganisation

    return PartyOrganisation.objects.filter(unit=unit).first()


def org_members(unit):
    """Members of a party organisation: those whose organisation is the unit or one of its 党小组."""
    from xinye.ledger.models import PartyMember

    return PartyMember.objects.filter(unit__path__startswith=unit.path).select_related("practitioner")


# --- meetings ---

MEETING_FIELDS = ("place", "is_online", "online_group", "online_link", "topic", "minutes", "kind", "date")


def _clean_meeting(meeting: Meeting) -> None:
    errors = {}
    if meeting.unit.kind not in PARTY_ORG_KINDS:
        errors["unit"] = "会议只能由党组织召开（党委、党总支、党支部、联合党支部、网络党支部或党小组）"
    if meeting.kind not in MeetingKind.values:
        errors["kind"] = f"会议类型应为：{'、'.join(map(str, MeetingKind.labels))}"
    if meeting.date and meeting.date > today() + datetime.timedelta(days=366):
        errors["date"] = "日期不合理"
    if not (meeting.topic or "").strip():
        errors["topic"] = "请填写会议主题"
    if not meeting.is_online and not (meeting.place or "").strip():
        errors["place"] = "请填写会议地点，或选择线上召开"
    if meeting.online_group_id and meeting.online_group.unit_id != meeting.unit_id:
        errors["online_group"] = "网络党小组不属于该党组织"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_meeting(*, actor=None, unit, attendance=None, **fields) -> Meeting:
    """Record a meeting of `unit`; `attendance` is a list of (member, status, reason) or dicts. Quorum is
    checked from the attendance (rules.md)."""
    _check_unit(actor, "add", Meeting, unit)
    meeting = Meeting(unit=unit, **{k: v for k, v in fields.items() if k in MEETING_FIELDS})
    if meeting.online_group_id:
        meeting.is_online = True
    meeting.created_by = actor if getattr(actor, "is_authenticated", False) else None
    _clean_meeting(meeting)
    meeting.save()
    if attendance is not None:
        set_attendance(meeting, attendance)
    else:
        check_quorum(meeting)
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, *, actor=None, **fields) -> Meeting:
    _check_obj(actor, "change", meeting)
    for key, value in fields.items():
        if key in MEETING_FIELDS:
            setattr(meeting, key, value)
    _clean_meeting(meeting)
    meeting.save()
    check_quorum(meeting)
    return meeting


def _normalise_attendance(rows):
    for row in rows:
        if isinstance(row, dict):
            yield (
                row["member"],
                row.get("status", AttendanceStatus.PRESENT),
                row.get("reason", ""),
                row.get("online", False),
            )
        else:
            member, status, *rest = row
            yield member, status, (rest[0] if rest else ""), (rest[1] if len(rest) > 1 else False)


@transaction.atomic
def set_attendance(meeting: Meeting, rows, *, actor=None, replace: bool = True) -> Meeting:
    """Record who attended. Members must belong to the organisation (or its online groups); absence and
    leave need a reason. With replace, members not listed are removed from the record."""
    from xinye.ledger.models import PartyMember

    _check_obj(actor, "change", meeting)
    allowed = set(org_members(meeting.unit).values_list("pk", flat=True))
    allowed |= set(PartyMember.objects.filter(online_groups__unit=meeting.unit).values_list("pk", flat=True))
    seen = []
    errors = []
    for member, status, reason, online in _normalise_attendance(rows):
        member_id = member if isinstance(member, int) else member.pk
        if member_id not in allowed:
            errors.append(f"党员 {member} 不属于{meeting.unit.name}")
            continue
        if status not in AttendanceStatus.values:
            errors.append(f"出席情况“{status}”无效")
            continue
        if status != AttendanceStatus.PRESENT and not (reason or "").strip():
            errors.append(f"党员 {member}：请假或缺席须写明原因")
            continue
        Attendance.objects.update_or_create(
            meeting=meeting,
            member_id=member_id,
            defaults={"status": status, "reason": (reason or "").strip(), "online": bool(online)},
        )
        seen.append(member_id)
    if errors:
        raise ValidationError(errors)
    if replace:
        for stale in meeting.attendance.exclude(member_id__in=seen):
            stale.delete()
    check_quorum(meeting)
    return meeting


def quorum(
    kind: str, voting: int, present_voting: int, committee: int | None = None, present_committee: int = 0
):
    """(expected, present, met, note) under rules.md: 党员大会 more than half of the voting (full) members;
    支委会 more than half of the committee members. Other meetings have no quorum (met is None)."""
    if kind == MeetingKind.GENERAL_MEETING:
        if voting == 0:
            return 0, 0, None, "本组织没有有表决权的正式党员，无法核验"
        met = present_voting * 2 > voting
        word = "超过" if met else "未超过"
        return (
            voting,
            present_voting,
            met,
            f"有表决权党员应到 {voting} 人，实到 {present_voting} 人，{word}半数",
        )
    if kind == MeetingKind.COMMITTEE_MEETING:
        if not committee:
            return 0, 0, None, "本组织未设支部委员会，无法核验支委会人数"
        met = present_committee * 2 > committee
        word = "超过" if met else "未超过"
        return (
            committee,
            present_committee,
            met,
            f"支委应到 {committee} 人，实到 {present_committee} 人，{word}半数",
        )
    return None


def check_quorum(meeting: Meeting) -> Meeting:
    """Fill expected/present and flag the quorum on the meeting from its attendance."""
    rows = list(meeting.attendance.select_related("member"))
    present_ids = {a.member_id for a in rows if a.status == AttendanceStatus.PRESENT}
    members = list(org_members(meeting.unit).values_list("pk", "is_full"))
    org = _organisation(meeting.unit)
    committee_ids = set(org.committee.values_list("pk", flat=True)) if org else set()
    if not rows:
        expected = (
            len(members) if meeting.kind not in (MeetingKind.COMMITTEE_MEETING,) else len(committee_ids)
        )
        meeting.expected, meeting.present, meeting.quorum_met = expected, 0, None
        meeting.quorum_note = "尚未登记出席情况"
    else:
        voting = {pk for pk, full in members if full}
        result = quorum(
            meeting.kind,
            len(voting),
            len(voting & present_ids),
            len(committee_ids),
            len(committee_ids & present_ids),
        )
        if result is None:
            listed = {pk for pk, _f in members} | {a.member_id for a in rows}
            meeting.expected, meeting.present, meeting.quorum_met = len(listed), len(present_ids), None
            meeting.quorum_note = ""
        else:
            meeting.expected, meeting.present, meeting.quorum_met, meeting.quorum_note = result
    Meeting.objects.filter(pk=meeting.pk).update(
        expected=meeting.expected,
        present=meeting.present,
        quorum_met=meeting.quorum_met,
        quorum_note=meeting.quorum_note,
    )
    return meeting


# --- online groups ---


@transaction.atomic
def create_online_group(
    *, actor=None, unit, name: str, platform: str = "", link: str = "", members=(), leader=None
):
    """A 网络党小组 of `unit`; its members must belong to the organisation."""
    _check_unit(actor, "add", OnlineGroup, unit)
    if unit.kind not in PARTY_ORG_KINDS:
        raise ValidationError({"unit": "网络党小组只能设在党组织下"})
    if not name.strip():
        raise ValidationError({"name": "请填写网络党小组名称"})
    group = OnlineGroup.objects.create(
        unit=unit, name=name.strip(), platform=platform, link=link, leader=leader
    )
    set_group_members(group, members)
    return group


@transaction.atomic
def set_group_members(group: OnlineGroup, members, *, actor=None) -> OnlineGroup:
    _check_obj(actor, "change", group)
    allowed = set(org_members(group.unit).values_list("pk", flat=True))
    ids = [m if isinstance(m, int) else m.pk for m in members]
    outside = [i for i in ids if i not in allowed]
    if outside:
        raise ValidationError(f"党员 {outside} 不属于{group.unit.name}，不能加入其网络党小组")
    group.members.set(ids)
    return group


# --- who may change the rules ---


def can_edit_rules(user) -> bool:
    """Meeting rules are city-wide data: only a city-level role (bound at the root of the tree, not narrowed to
    one industry) with change on MeetingRule may edit them — never a branch secretary."""
    from xinye.accounts.permissions import grants_for
    from xinye.orgs.models import OrgUnit

    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return False
    return any(
        g.allows("change", "orglife.meetingrule") and root.path in g.prefixes and not g.industry
        for g in grants_for(user)
    )


# --- health from the database ---


def rule_inputs() -> list[hc.RuleInput]:
    return [
        hc.RuleInput(r.kind, r.period, r.min_count, r.condition, r.source)
        for r in MeetingRule.objects.filter(is_active=True).order_by("id")
    ]


def _arrears(member, as_of):
    try:
        from xinye.members.services import arrears_months
    except ImportError:
        return None
    try:
        return arrears_months(member, as_of)
    except Exception:  # noqa: BLE001 - dues are an extra signal; the health check never fails on them
        return None


def org_inputs(organisations, period: hc.HealthPeriod, as_of: datetime.date, *, dues: bool = True):
    """OrgInput for each PartyOrganisation (a restricted queryset), in a fixed number of queries
    (plus one per member for dues arrears when `dues`)."""
    from xinye.ledger.models import PartyMember
    from xinye.orgs.models import OrgUnit

    orgs = list(organisations.select_related("unit", "region").prefetch_related("committee"))
    units = {o.unit_id: o for o in orgs}
    lookback = min(period.start, as_of) - datetime.timedelta(days=400)
    meetings = defaultdict(list)
    for m in Meeting.objects.filter(unit_id__in=units, date__gte=lookback, date__lte=max(period.end, as_of)):
        meetings[m.unit_id].append(hc.MeetingInput(m.kind, m.date, m.expected, m.present, m.quorum_met, m.pk))
    members = defaultdict(list)
    member_rows = list(
        PartyMember.objects.filter(unit_id__in=units).select_related("practitioner").order_by("pk")
    )
    last_present = dict(
        Attendance.objects.filter(
            member__in=member_rows, status=AttendanceStatus.PRESENT, meeting__date__lte=as_of
        )
        .values("member_id")
        .annotate(d=Max("meeting__date"))
        .values_list("member_id", "d")
    )
    groups = set(
        OnlineGroup.objects.filter(unit_id__in=units, is_active=True).values_list("unit_id", flat=True)
    )
    groups |= set(
        OrgUnit.objects.filter(kind="party_group", parent_id__in=units).values_list("parent_id", flat=True)
    )
    for m in member_rows:
        members[m.unit_id].append(
            hc.MemberInput(
                m.pk,
                m.practitioner.name,
                m.is_full,
                m.joined_on,
                last_present.get(m.pk),
                _arrears(m, as_of) if dues else None,
            )
        )
    out = []
    for org in orgs:
        has_committee = bool(org.committee.all())
        out.append(
            hc.OrgInput(
                id=org.unit_id,
                name=org.unit.name,
                kind=org.unit.kind,
                county=org.region_id,
                industry=org.industry,
                has_committee=has_committee,
                has_groups=org.unit_id in groups,
                next_election_on=org.next_election_on,
                members=tuple(members[org.unit_id]),
                meetings=tuple(sorted(meetings[org.unit_id], key=lambda x: x.date)),
            )
        )
    return out, {o.unit_id: o for o in orgs}


def assess_all(
    organisations,
    period: hc.HealthPeriod | str | None = None,
    as_of: datetime.date | None = None,
    *,
    dues=True,
):
    """Health of every organisation in a restricted PartyOrganisation queryset, worst first."""
    as_of = as_of or today()
    if not isinstance(period, hc.HealthPeriod):
        period = hc.parse_period(period, as_of)
    # members' last attendance and dues are read at the end of the period (or today, if it is still running)
    inputs, _orgs = org_inputs(organisations, period, min(period.end, as_of), dues=dues)
    rules = rule_inputs()
    results = [
        hc.assess(
            o,
            rules,
            period,
            as_of,
            flag_months=int(rule("missing_flag_months")),
            alarm_months=int(rule("missing_alarm_months")),
            notice_days=int(rule("election_notice_days")),
            weights=rule("weights"),
            healthy_score=int(rule("healthy_score")),
            committee_min_full_members=int(rule("committee_min_full_members")),
        )
        for o in inputs
    ]
    results.sort(key=lambda h: (h.normal, h.score, h.name))
    return results

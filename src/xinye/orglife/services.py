"""Organisational life: meetings, attendance and quorum, online party groups, and the health check read from
the database (the computation itself is orglife/health.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from xinye.accounts.permissions import actor_user, grants_for, is_system, require, system_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.ledger.models import PartyMember, PartyOrganisation
from xinye.members.services.dues import arrears_months
from xinye.orglife import health as hc
from xinye.orglife.choices import AttendanceStatus, MeetingKind
from xinye.orglife.models import Attendance, Meeting, MeetingRule, OnlineGroup, OrgHealth
from xinye.orglife.rules import rule
from xinye.orgs.choices import PARTY_ORG_KINDS
from xinye.orgs.models import OrgUnit

READS = (
    "allowed_attendees",
    "assess_all",
    "belongs_to",
    "can_edit_rules",
    "clean_attendance",
    "clean_group",
    "clean_meeting",
    "current_period",
    "org_inputs",
    "org_members",
    "quorum",
    "rule_inputs",
    "stored_health",
    "stored_counts",
    "today",
)


def today() -> datetime.date:
    return timezone.localdate()


def _organisation(unit):
    return PartyOrganisation.objects.filter(unit=unit).first()


# --- which organisation a member belongs to (the one rule, used by meetings, groups and the console) ---


def belongs_to(member, unit) -> bool:
    """A member belongs to a party organisation when their organisation is the unit or one of its 党小组."""
    return member.unit.path.startswith(unit.path)


def org_members(unit):
    """Members of a party organisation (`belongs_to` as a query)."""
    return PartyMember.objects.filter(unit__path__startswith=unit.path).select_related("practitioner")


def allowed_attendees(unit) -> set[int]:
    """Who may be recorded at a meeting of `unit`: its members and the members of its online groups."""
    allowed = set(org_members(unit).values_list("pk", flat=True))
    allowed |= set(PartyMember.objects.filter(online_groups__unit=unit).values_list("pk", flat=True))
    return allowed


# --- meetings ---

MEETING_FIELDS = ("place", "is_online", "online_group", "online_link", "topic", "minutes", "kind", "date")


def clean_meeting(meeting: Meeting) -> None:
    """The meeting checks (the console's form and the services share them): held by a party organisation,
    a known kind, a plausible date, a topic, a place unless online, an online group of the same
    organisation. Raises Refused naming the fields."""
    errors = {}
    if meeting.unit.kind not in PARTY_ORG_KINDS:
        errors["unit"] = "会议只能由党组织召开（党委、党总支、党支部、联合党支部、网络党支部或党小组）"
    if meeting.kind not in MeetingKind.values:
        errors["kind"] = f"会议类型应为：{'、'.join(map(str, MeetingKind.labels))}"
    if meeting.date and meeting.date > today() + datetime.timedelta(days=366):
        errors["date"] = "日期不合理"
    if not (meeting.topic or "").strip():
        errors["topic"] = "请填写会议主题"
    online = meeting.is_online or meeting.online_group_id
    if not online and not (meeting.place or "").strip():
        errors["place"] = "请填写会议地点，或选择线上召开"
    if meeting.online_group_id and meeting.online_group.unit_id != meeting.unit_id:
        errors["online_group"] = "网络党小组不属于该党组织"
    if errors:
        raise Refused(errors)


@transaction.atomic
def record_meeting(*, actor, unit, attendance=None, **fields) -> Meeting:
    """Record a meeting of `unit`; `attendance` is a list of (member, status, reason) or dicts. Quorum is
    checked from the attendance (rules.md)."""
    require(actor, "add", model=Meeting, unit=unit)
    meeting = Meeting(unit=unit, **{k: v for k, v in fields.items() if k in MEETING_FIELDS})
    if meeting.online_group_id:
        meeting.is_online = True
    meeting.created_by = actor_user(actor)
    clean_meeting(meeting)
    meeting.save()
    require(actor, "add", meeting)
    if attendance is not None:
        set_attendance(meeting, attendance, actor=actor)
    else:
        _refresh_quorum(meeting)
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, *, actor, **fields) -> Meeting:
    """Change a meeting's fields (MEETING_FIELDS); its organisation does not change."""
    require(actor, "change", meeting)
    for key, value in fields.items():
        if key in MEETING_FIELDS:
            setattr(meeting, key, value)
    if meeting.online_group_id:
        meeting.is_online = True
    clean_meeting(meeting)
    meeting.save()
    require(actor, "change", meeting)
    _refresh_quorum(meeting)
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


def clean_attendance(unit, rows) -> list[tuple[int, str, str, bool]]:
    """The attendance checks: members of the organisation (or its online groups), a known status, a reason
    for leave and absence. Returns (member id, status, reason, online) rows; Refused lists every problem."""
    allowed = allowed_attendees(unit) if unit is not None else None
    out, errors = [], []
    for member, status, reason, online in _normalise_attendance(rows):
        member_id = member if isinstance(member, int) else member.pk
        if allowed is not None and member_id not in allowed:
            errors.append(f"党员 {member} 不属于{unit.name}")
            continue
        if status not in AttendanceStatus.values:
            errors.append(f"出席情况“{status}”无效")
            continue
        if status != AttendanceStatus.PRESENT and not (reason or "").strip():
            errors.append(f"党员 {member}：请假或缺席须写明原因")
            continue
        out.append((member_id, status, (reason or "").strip(), bool(online)))
    if errors:
        raise Refused(errors)
    return out


@transaction.atomic
def set_attendance(meeting: Meeting, rows, *, actor, replace: bool = True) -> Meeting:
    """Record who attended (see `clean_attendance`). With replace, members not listed are removed from the
    record. The quorum is checked again."""
    require(actor, "change", meeting)
    seen = []
    for member_id, status, reason, online in clean_attendance(meeting.unit, rows):
        Attendance.objects.update_or_create(
            meeting=meeting,
            member_id=member_id,
            defaults={"status": status, "reason": reason, "online": online},
        )
        seen.append(member_id)
    if replace:
        for stale in meeting.attendance.exclude(member_id__in=seen):
            stale.delete()
    _refresh_quorum(meeting)
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


def _refresh_quorum(meeting: Meeting) -> Meeting:
    """Fill expected/present and flag the quorum on the meeting from its attendance (derived fields,
    written by the services that change a meeting or its attendance)."""
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
    # a save (not a queryset update) so that the change log sees the quorum flag change too
    meeting.save(update_fields=["expected", "present", "quorum_met", "quorum_note", "updated_at"])
    return meeting


# --- online groups ---


def clean_group(unit, members=(), leader=None) -> None:
    """An online group (网络党小组) is set up under a party organisation, and its members and leader
    belong to that organisation. Raises Refused naming the field."""
    if unit.kind not in PARTY_ORG_KINDS:
        raise Refused({"unit": "网络党小组只能设在党组织下"})
    outside = [m for m in members if not belongs_to(m, unit)]
    if leader is not None and not belongs_to(leader, unit):
        outside.append(leader)
    if outside:
        names = "、".join(str(m) for m in outside)
        raise Refused({"members": f"{names} 不是{unit.name}的党员，不能加入其网络党小组"})


def _members(ids_or_members):
    items = list(ids_or_members)
    ids = [m for m in items if isinstance(m, int)]
    found = {m.pk: m for m in PartyMember.objects.filter(pk__in=ids).select_related("unit")}
    missing = [i for i in ids if i not in found]
    if missing:
        raise Refused({"members": f"党员 {missing} 不存在"})
    return [found[m] if isinstance(m, int) else m for m in items]


@transaction.atomic
def create_online_group(
    *, actor, unit, name: str, platform: str = "", link: str = "", members=(), leader=None
):
    """A 网络党小组 of `unit`; its members must belong to the organisation."""
    require(actor, "add", model=OnlineGroup, unit=unit)
    if not name.strip():
        raise Refused({"name": "请填写网络党小组名称"})
    members = _members(members)
    clean_group(unit, members, leader)
    group = OnlineGroup.objects.create(
        unit=unit, name=name.strip(), platform=platform, link=link, leader=leader
    )
    require(actor, "add", group)
    group.members.set(members)
    return group


@transaction.atomic
def set_group_members(group: OnlineGroup, members, *, actor) -> OnlineGroup:
    """Replace the members of an online group (each must belong to its organisation)."""
    require(actor, "change", group)
    members = _members(members)
    clean_group(group.unit, members)
    group.members.set(members)
    return group


# --- who may change the rules ---


def can_edit_rules(user) -> bool:
    """Meeting rules are city-wide data: only a city-level role (bound at the root of the tree, not narrowed to
    one industry) with change on MeetingRule may edit them — never a branch secretary."""
    if is_system(user):
        return True
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
        return arrears_months(member, as_of)
    except Refused:  # dues are an extra signal (no dues bands configured yet): the health check goes on
        return None


def org_inputs(organisations, period: hc.HealthPeriod, as_of: datetime.date, *, dues: bool = True):
    """OrgInput for each PartyOrganisation (a restricted queryset), in a fixed number of queries."""
    orgs = list(organisations.select_related("unit", "region").prefetch_related("committee"))
    units = {o.unit_id: o for o in orgs}
    lookback = min(period.start, as_of) - datetime.timedelta(days=400)
    meetings = defaultdict(list)
    for m in Meeting.objects.filter(unit_id__in=units, date__gte=lookback, date__lte=max(period.end, as_of)):
        meetings[m.unit_id].append(hc.MeetingInput(m.kind, m.date, m.expected, m.present, m.quorum_met, m.pk))
    members = defaultdict(list)
    # the dues payments in one query (members.services.paid_months reads the prefetch): the console home
    # ran one query per member here, most of the 工作台's time (issue 17)
    member_qs = PartyMember.objects.filter(unit_id__in=units).select_related("practitioner").order_by("pk")
    member_rows = list(member_qs.prefetch_related("dues_payments") if dues else member_qs)
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


# --- the stored health (OrgHealth: the 工作台's and the list's figures without assessing every organisation) ---

HEALTH_BATCH = 2000
HEALTH_FIELDS = (
    "unit",
    "region",
    "industry",
    "name",
    "period",
    "as_of",
    "computed_at",
    "normal",
    "score",
    "alarms",
    "stale",
)


@dataclass
class HealthRefresh:
    """What `tick` did: organisations assessed and stored."""

    assessed: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return 0  # no reminders written

    @property
    def summary(self) -> str:
        return f"重算党组织运转情况 {self.assessed} 个"


def current_period(as_of: datetime.date | None = None) -> hc.HealthPeriod:
    return hc.parse_period(None, as_of or today())


def _store(organisations, as_of: datetime.date) -> int:
    """Assess `organisations` (a PartyOrganisation queryset, a batch) in the current quarter and upsert their
    rows in one statement."""
    period = current_period(as_of)
    orgs = {o.unit_id: o for o in organisations.only("pk", "unit_id", "region_id", "industry")}
    if not orgs:
        return 0
    now = timezone.now()
    # the marks before the inputs are read: a write committed while this batch computes changes them
    marks_before = dict(OrgHealth.objects.filter(unit_id__in=orgs).values_list("organisation_id", "marks"))
    rows = [
        OrgHealth(
            organisation_id=orgs[h.org_id].pk,
            unit_id=h.org_id,
            region_id=orgs[h.org_id].region_id,
            industry=orgs[h.org_id].industry,
            name=h.name[:255],
            period=period.label,
            as_of=as_of,
            computed_at=now,
            normal=h.normal,
            score=h.score,
            alarms=h.alarms,
            stale=False,
        )
        for h in assess_all(organisations, period, as_of)
    ]
    OrgHealth.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["organisation"], update_fields=list(HEALTH_FIELDS)
    )
    marks_after = OrgHealth.objects.filter(unit_id__in=orgs).values_list("organisation_id", "marks")
    changed = [pk for pk, marks in marks_after if marks != marks_before.get(pk, 0)]
    if changed:  # written to during the computation: this result may predate the write
        OrgHealth.objects.filter(organisation_id__in=changed).update(stale=True)
    return len(rows)


@transaction.atomic
def refresh_health(*, actor, organisations=None, as_of: datetime.date | None = None) -> int:
    """Recompute and store the health of `organisations` (every organisation when None) in batches of
    HEALTH_BATCH, each assessed in a fixed number of queries and written in one upsert. The system only
    (the tick, the CLI, a read recomputing stale rows): the rows are a city-wide cache."""
    if not is_system(actor):
        raise OutOfScope()
    as_of = as_of or today()
    qs = organisations if organisations is not None else PartyOrganisation.objects.all()
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), HEALTH_BATCH):
        done += _store(PartyOrganisation.objects.filter(pk__in=ids[start : start + HEALTH_BATCH]), as_of)
    if organisations is None:  # organisations dissolved since: their rows go (CASCADE covers the usual case)
        OrgHealth.objects.exclude(organisation_id__in=PartyOrganisation.objects.values("pk")).delete()
    return done


def stored_health(organisations, as_of: datetime.date | None = None):
    """The stored rows (OrgHealth queryset) of `organisations` (a restricted PartyOrganisation queryset),
    after recomputing those that are missing (a new organisation, before the first tick), marked stale, or
    of an earlier quarter — a fixed number of queries for a handful of organisations; a new quarter before
    the tick has run recomputes every row in scope once."""
    as_of = as_of or today()
    period = current_period(as_of)
    outdated = organisations.filter(
        Q(stored_health__isnull=True) | Q(stored_health__stale=True) | ~Q(stored_health__period=period.label)
    )
    pks = list(outdated.values_list("pk", flat=True))
    if pks:
        refresh_health(
            actor=system_actor("orglife"),
            organisations=PartyOrganisation.objects.filter(pk__in=pks),
            as_of=as_of,
        )
    return OrgHealth.objects.filter(organisation__in=organisations.values("pk"))


def stored_counts(organisations, as_of: datetime.date | None = None) -> dict:
    """{total, bad, computed_at} over the stored rows of `organisations` in one aggregate query (after
    `stored_health`'s refresh of outdated rows); computed_at is the oldest row's."""
    return stored_health(organisations, as_of).aggregate(
        total=Count("pk"), bad=Count("pk", filter=Q(normal=False)), computed_at=Min("computed_at")
    )


def tick(*, actor, now=None) -> HealthRefresh:
    """`xinye tick`: once a day, recompute every organisation's stored health (idempotent: rows already
    computed today and not stale are kept; those stale or older are recomputed)."""
    if not is_system(actor):
        raise OutOfScope()
    as_of = timezone.localdate(now) if now else today()
    result = HealthRefresh()
    todo = PartyOrganisation.objects.exclude(
        pk__in=OrgHealth.objects.filter(as_of=as_of, stale=False).values("organisation_id")
    )
    if not todo.exists():
        return result
    result.assessed = refresh_health(actor=actor, organisations=todo, as_of=as_of)
    OrgHealth.objects.exclude(organisation_id__in=PartyOrganisation.objects.values("pk")).delete()
    result.details.append(f"党组织运转情况已重算：{result.assessed} 个")
    return result

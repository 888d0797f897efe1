"""Demo organisational life for the ledger's 53 party organisations: meetings with attendance over the last
four quarters and the current one, held as the rules require by most organisations; a few fall short
(missing meetings, one 党员大会 without quorum, a member who never comes) so the "not running normally" list
is not empty. The demo secretary's branch runs a 网络党小组 and holds its 党小组会 online.

Deterministic (fixed seed; dates relative to today's quarter) and idempotent (skipped once meetings exist).
"""

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from xinye.audit.services import record_bulk, snapshot
from xinye.orglife.choices import AttendanceStatus, MeetingKind
from xinye.orglife.models import Attendance, Meeting, OnlineGroup
from xinye.orglife.services import quorum

SEED = 20260601
UNHEALTHY = 6  # organisations that fall short of the rules in the demo

THEMES = [
    "学习党的创新理论",
    "“小哥”志愿服务进社区",
    "交通安全与文明出行",
    "重温入党誓词",
    "走访慰问困难骑手",
    "红色教育基地参观",
    "网络文明与诚信经营",
    "“我为群众办实事”",
    "垃圾分类与环境整治",
    "防汛防疫志愿服务",
    "学习身边榜样“最美骑手”",
    "冬季安全生产",
]
LEAVE_REASONS = ["跑单", "出车在外", "轮班", "外地送货", "生病", "家中有事"]


def _months(start: datetime.date, today: datetime.date):
    d = start
    while d <= today:
        yield d
        d = datetime.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def load(world: dict) -> None:
    orgs = world.get("party_orgs") or []
    if not orgs or Meeting.objects.exists():
        return
    from xinye.ledger.models import PartyMember

    rng = random.Random(SEED)
    today = timezone.localdate()
    q_start = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    start = datetime.date(today.year - 1, 1, 1)  # all of last year and this year so far
    members_by_unit = defaultdict(list)
    for m in PartyMember.objects.filter(unit__in=[o.unit_id for o in orgs]).order_by("pk"):
        members_by_unit[m.unit_id].append(m)
    secretary = (world.get("users") or {}).get("secretary")
    demo_org = next((o for o in orgs if secretary is not None and o.secretary_user_id == secretary.pk), None)
    candidates = [o for o in orgs if o is not demo_org and len(members_by_unit[o.unit_id]) >= 3]
    unhealthy = {o.pk for o in rng.sample(candidates, min(UNHEALTHY, len(candidates)))}
    quorum_failure = min(unhealthy) if unhealthy else None

    groups = {}
    if demo_org is not None:
        group = OnlineGroup.objects.create(
            unit=demo_org.unit,
            name=f"{demo_org.unit.name}网络党小组",
            platform="微信群",
            link="扫码入群（书记审核）",
        )
        group.members.set(members_by_unit[demo_org.unit_id])
        groups[demo_org.unit_id] = group

    meetings, attendance_plan = [], []
    for org in orgs:
        members = members_by_unit[org.unit_id]
        if not members:
            continue
        committee = set(org.committee.values_list("pk", flat=True))
        weak = org.pk in unhealthy
        absentee = members[-1].pk if weak else None  # never comes: flagged, then alarmed at 6 months
        place = f"{org.unit.name}活动室"
        group = groups.get(org.unit_id)

        def plan(
            kind,
            day,
            topic,
            *,
            org=org,
            members=members,
            committee=committee,
            weak=weak,
            absentee=absentee,
            place=place,
            group=None,
            online=False,
            no_quorum=False,
        ):
            if day > today:
                return
            rows = []
            for m in members:
                if m.pk == absentee and day >= today - datetime.timedelta(days=270):
                    rows.append((m, AttendanceStatus.ABSENT, "长期在外地跑运输，联系不上"))
                    continue
                if kind == MeetingKind.COMMITTEE_MEETING and m.pk not in committee:
                    continue
                p_present = 0.55 if weak and day >= q_start - datetime.timedelta(days=92) else 0.88
                if rng.random() < p_present:
                    rows.append((m, AttendanceStatus.PRESENT, ""))
                else:
                    rows.append((m, AttendanceStatus.LEAVE, rng.choice(LEAVE_REASONS)))
            if no_quorum:  # one 党员大会 without quorum: most members away on a busy day
                rows = [
                    (m, AttendanceStatus.LEAVE, "旺季跑单") if i else (m, AttendanceStatus.PRESENT, "")
                    for i, (m, _s, _r) in enumerate(rows)
                ]
            meeting = Meeting(
                unit=org.unit,
                region_id=org.unit.region_id,
                industry=org.unit.industry,
                kind=kind,
                date=day,
                place="" if online else place,
                is_online=online,
                online_group=group,
                topic=topic,
                minutes=f"{topic}。书记主持，与会党员交流发言，形成会议记录。",
            )
            present = {m.pk for m, s, _r in rows if s == AttendanceStatus.PRESENT}
            voting = {m.pk for m in members if m.is_full}
            result = quorum(
                kind, len(voting), len(voting & present), len(committee), len(committee & present)
            )
            if result is None:
                meeting.expected, meeting.present, meeting.quorum_met, meeting.quorum_note = (
                    len(rows),
                    len(present),
                    None,
                    "",
                )
            else:
                meeting.expected, meeting.present, meeting.quorum_met, meeting.quorum_note = result
            meetings.append(meeting)
            attendance_plan.append((meeting, rows, online))

        for n, month in enumerate(_months(start, today)):
            recent = month >= q_start - datetime.timedelta(days=92)
            theme = THEMES[(month.month - 1) % len(THEMES)]
            skip_theme = weak and recent and rng.random() < 0.7
            if not skip_theme:
                online_theme = group is not None and month.month % 3 == 1
                plan(
                    MeetingKind.THEME_DAY,
                    month.replace(day=min(28, 5 + n % 10)),
                    f"主题党日：{theme}",
                    group=group if online_theme else None,
                    online=online_theme,
                )
            if committee and not (weak and recent):
                plan(MeetingKind.COMMITTEE_MEETING, month.replace(day=3), "支委会：研究本月党建工作")
            if group is not None:
                plan(
                    MeetingKind.GROUP_MEETING,
                    month.replace(day=20),
                    "网络党小组会：线上学习交流",
                    group=group,
                    online=True,
                )
            if month.month % 3 == 2:  # mid-quarter: 党员大会 and 党课
                if org.pk == quorum_failure and recent:
                    plan(
                        MeetingKind.GENERAL_MEETING,
                        month.replace(day=15),
                        "支部党员大会：讨论发展党员",
                        no_quorum=True,
                    )
                elif not (weak and recent):
                    plan(
                        MeetingKind.GENERAL_MEETING,
                        month.replace(day=15),
                        "支部党员大会：通报工作、讨论发展党员",
                    )
                if not (weak and recent):
                    plan(MeetingKind.PARTY_LECTURE, month.replace(day=16), "党课：书记讲党课")
            if month.month == 12:
                plan(MeetingKind.LIFE_MEETING, month.replace(day=18), "年度组织生活会")
                plan(MeetingKind.DEMOCRATIC_REVIEW, month.replace(day=19), "民主评议党员")
                plan(MeetingKind.HEART_TO_HEART, month.replace(day=10), "书记与党员谈心谈话")

    Meeting.objects.bulk_create(meetings, batch_size=1000)
    assert meetings[0].pk is not None, "bulk_create must return keys (SQLite ≥ 3.35, PostgreSQL)"
    record_bulk("create", Meeting, [(m.pk, str(m), None, snapshot(m)) for m in meetings])
    rows = [
        Attendance(meeting=meeting, member=member, status=status, reason=reason, online=online)
        for meeting, plan_rows, online in attendance_plan
        for member, status, reason in plan_rows
    ]
    Attendance.objects.bulk_create(rows, batch_size=2000)
    record_bulk(
        "create", Attendance, [(a.pk, f"{a.meeting_id}:{a.member_id}", None, snapshot(a)) for a in rows]
    )
    world["meetings_count"] = len(meetings)
    world["online_groups"] = list(groups.values())

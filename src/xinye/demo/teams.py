"""Demo three teams, through the teams services as the system actor `demo`.

Every party organisation keeps the 书记 the ledger gave it (a full member), appointed in 三支队伍 from the
organisation's founding; in every fourth organisation an earlier 书记 served first (调任 after about a year
and a half) — the history. Five organisations (never the demo secretary's) have since received a 书记
dispatched from outside (外部选派, 专职), the former one staying on as 党务工作者. Each organisation has a
党务工作者 (about a quarter 专职); the 委员 the ledger gave an organisation (the 党委's five) are appointed from
its founding — from then on the roster is their source and keeps the ledger's field in step. About four in
ten 书记 and some 委员 hold a middle or senior management post in the enterprise (交叉任职). Reserve
candidates, yearly training plans (each county's 两新工委 and each 行业党委, with their courses and study
records), subsidies and commendations, last year's assessment, and 党员先锋岗/亮身份 complete it.

It writes nothing the seed's figures count (no practitioner, member or organisation), and it leaves the
ledger's 书记 as it was except for the five dispatched ones (an outsider, not in the ledger: empty there).
Deterministic; idempotent (a second run changes nothing)."""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from xinye.accounts.permissions import system_actor
from xinye.demo.orgs import COUNTIES
from xinye.ledger.models import PartyMember, PartyOrganisation
from xinye.members import services as members_services
from xinye.members.choices import CourseKind, CourseMode
from xinye.members.models import Course
from xinye.orgs.models import OrgUnit
from xinye.stations.models import Station
from xinye.teams import services
from xinye.teams.models import PartyWorker, TrainingPlan, VanguardPost

DEMO = system_actor("demo")
SEED = 14
DAY = datetime.timedelta(days=1)

DISPATCHERS = ["通辽市委组织部", "通辽市交通运输局", "通辽市邮政管理局", "通辽市商务局", "旗县区委组织部"]
DISPATCHED_NAMES = ["王建国", "李卫东", "张志刚", "刘海涛", "陈明"]
SECRETARY_POSTS = [("senior", "副总经理"), ("middle", "站长"), ("middle", "运营经理"), ("senior", "总经理")]
COMMITTEE_POSTS = [("middle", "片区主管"), ("middle", "人力资源主管"), ("senior", "副总经理")]
GRADES = ["excellent", "competent", "competent", "competent", "basic"]
VANGUARD_TITLES = {
    "vanguard": "党员先锋岗",
    "model": "党员示范岗",
    "identity": "亮身份",
}


def _members(org, by_unit) -> list[PartyMember]:
    return by_unit.get(org.unit_id, [])


def load_roster(rng, today, world) -> dict:
    """The roster with history, cross-appointments, dispatched secretaries and reserve candidates."""
    secretary_user = (world.get("users") or {}).get("secretary")
    by_unit = defaultdict(list)
    for m in PartyMember.objects.filter(is_full=True).select_related("practitioner").order_by("pk"):
        by_unit[m.unit_id].append(m)
    orgs = list(
        PartyOrganisation.objects.select_related("unit", "secretary__practitioner").exclude(
            unit__kind="party_group"
        )
    )
    orgs.sort(key=lambda o: o.pk)
    ledger_committee = defaultdict(list)
    for org in PartyOrganisation.objects.prefetch_related("committee"):
        ledger_committee[org.pk] = sorted(org.committee.all(), key=lambda m: m.pk)
    dispatched_slots = [
        i
        for i, o in enumerate(orgs)
        if i % 10 == 7 and (secretary_user is None or o.secretary_user_id != secretary_user.pk)
    ][:5]
    counts = defaultdict(int)
    for i, org in enumerate(orgs):
        members = _members(org, by_unit)
        secretary = org.secretary
        founded = org.founded_on or today - 1000 * DAY
        committee = ledger_committee.get(org.pk, [])
        others = [m for m in members if (secretary is None or m.pk != secretary.pk) and m not in committee]
        since = founded
        if i % 4 == 1 and others:
            earlier = others.pop(0)
            services.appoint(
                org,
                post="secretary",
                member=earlier,
                since=founded,
                term_ends_on=org.next_election_on,
                actor=DEMO,
            )
            since = min(founded + 540 * DAY, today - 30 * DAY)
            counts["earlier"] += 1
        cross = rng.random() < 0.4
        level, post = SECRETARY_POSTS[i % len(SECRETARY_POSTS)] if cross else ("", "")
        if secretary is not None:
            services.appoint(
                org,
                post="secretary",
                member=secretary,
                since=since,
                full_time=False,
                management_level=level,
                enterprise_post=post,
                term_ends_on=org.next_election_on,
                actor=DEMO,
            )
        if i in dispatched_slots:
            n = dispatched_slots.index(i)
            dispatched_on = max(since + 60 * DAY, today - (200 + 40 * n) * DAY)
            services.appoint(
                org,
                post="secretary",
                source="dispatched",
                name=DISPATCHED_NAMES[n],
                dispatched_from=DISPATCHERS[n],
                full_time=True,
                since=dispatched_on,
                term_ends_on=org.next_election_on,
                birth_year=1978 + 2 * n,
                education="bachelor" if n % 2 else "postgrad",
                actor=DEMO,
            )
            if secretary is not None:
                services.appoint(org, post="party_worker", member=secretary, since=dispatched_on, actor=DEMO)
            counts["dispatched"] += 1
        elif others:
            worker = others.pop(0) if len(others) > 1 else others[0]
            services.appoint(
                org,
                post="party_worker",
                member=worker,
                since=since + 30 * DAY,
                full_time=rng.random() < 0.25,
                actor=DEMO,
            )
        # The 委员 the ledger gave it (the roster is their source from now on: appointing them keeps the
        # ledger's field as it was, so orglife's demo meetings, planned before, still fit).
        for k, member in enumerate(committee):
            level, post = COMMITTEE_POSTS[(i + k) % len(COMMITTEE_POSTS)] if rng.random() < 0.35 else ("", "")
            services.appoint(
                org,
                post="committee_member",
                member=member,
                since=founded,
                management_level=level,
                enterprise_post=post,
                actor=DEMO,
            )
        if i % 2 == 0 and others:
            services.add_reserve(
                org, others[-1], note="列入后备书记人选，重点培养", on=today - (90 + i) * DAY, actor=DEMO
            )
            counts["reserve"] += 1
    return dict(counts)


def load_training(rng, today) -> int:
    """Each county's 两新工委 and each 行业党委 plan the year's training: the city's 书记和党务工作者培训班 and a
    county 轮训班 (24 学时) or an industry 专题培训 (16 学时); people in post attended most of them."""
    year = today.year
    city_course = Course.objects.filter(kind=CourseKind.WORKER_TRAINING).order_by("pk").first()
    workers = list(
        PartyWorker.objects.filter(until__isnull=True, member__isnull=False).select_related(
            "member__practitioner"
        )
    )
    records = 0
    held = max(datetime.date(year, 1, 1), min(today - 45 * DAY, datetime.date(year, 9, 20)))
    online = max(datetime.date(year, 1, 1), held - 20 * DAY)
    for code, name, _level, slug in COUNTIES:
        office = OrgUnit.objects.filter(code=f"lxgw-{slug}").first()
        if office is None:
            continue
        course = members_services.create_course(
            title=f"{name}新业态党组织书记和党务工作者轮训班",
            unit=office,
            kind=CourseKind.THEORY,
            mode=CourseMode.OFFLINE,
            hours=Decimal("24"),
            held_on=held,
            provider=f"{name}委党校",
            actor=DEMO,
        )
        services.save_plan(
            TrainingPlan(
                unit=office,
                year=year,
                title=f"{year} 年{name}三支队伍培训计划",
                note="书记 56 学时，委员、党务工作者 32 学时",
            ),
            courses=[c for c in (city_course, course) if c is not None],
            actor=DEMO,
        )
        for w in workers:
            if w.region_id == code and rng.random() < 0.75:
                members_services.record_study(w.member.practitioner, held, course=course, actor=DEMO)
                records += 1
    for committee in OrgUnit.objects.filter(kind="industry_committee").order_by("code"):
        course = members_services.create_course(
            title=f"{committee.name}党务工作者专题培训",
            unit=committee,
            kind=CourseKind.THEORY,
            mode=CourseMode.ONLINE,
            hours=Decimal("16"),
            held_on=online,
            provider=committee.name,
            actor=DEMO,
        )
        services.save_plan(
            TrainingPlan(unit=committee, year=year, title=f"{year} 年{committee.name}党务工作者培训计划"),
            courses=[course],
            actor=DEMO,
        )
        for w in workers:
            if w.industry == committee.industry and rng.random() < 0.55:
                members_services.record_study(w.member.practitioner, online, course=course, actor=DEMO)
                records += 1
    return records


def load_incentives_and_assessments(rng, today) -> tuple[int, int]:
    year = today.year
    incentives = assessments = 0
    for w in PartyWorker.objects.filter(until__isnull=True).select_related("organisation").order_by("pk"):
        if w.full_time:
            services.grant_incentive(
                w,
                kind="subsidy",
                title=f"{year} 年专职党务工作者岗位补贴",
                amount=Decimal("7200.00"),
                granted_on=datetime.date(year, 6, 30),
                granted_by="通辽市委组织部",
                actor=DEMO,
            )
            incentives += 1
        if w.post != "committee_member" and w.since.year < year - 1:
            services.assess(
                w,
                year - 1,
                rng.choice(GRADES),
                comment="按年度考核办法评定",
                on=datetime.date(year, 1, 20),
                actor=DEMO,
            )
            assessments += 1
            if rng.random() < 0.12:
                services.grant_incentive(
                    w,
                    kind="commendation",
                    title="优秀党务工作者" if w.post == "party_worker" else "优秀党组织书记",
                    granted_on=datetime.date(year, 7, 1),
                    granted_by="中共通辽市委",
                    actor=DEMO,
                )
                incentives += 1
    return incentives, assessments


def load_vanguard(rng, today) -> int:
    stations = defaultdict(list)
    for s in Station.objects.order_by("pk").only("pk", "region_id"):
        stations[s.region_id].append(s)
    posts = 0
    orgs = PartyOrganisation.objects.select_related("unit").prefetch_related("enterprises").order_by("pk")
    for i, org in enumerate(orgs):
        if i % 3 == 2:
            continue
        members = list(
            PartyMember.objects.filter(unit=org.unit).select_related("practitioner").order_by("-pk")[:2]
        )
        enterprise = next(iter(org.enterprises.all()), None)
        for k, member in enumerate(members):
            kind = ("vanguard", "identity", "model")[(i + k) % 3]
            at_station = kind == "model" and stations.get(org.region_id)
            services.save_vanguard(
                VanguardPost(
                    organisation=org,
                    member=member,
                    kind=kind,
                    title=f"{(enterprise.name if enterprise else org.unit.name)[:40]}{VANGUARD_TITLES[kind]}",
                    enterprise=None if at_station else enterprise,
                    station=stations[org.region_id][i % len(stations[org.region_id])] if at_station else None,
                    since=today - (30 + 7 * i) * DAY,
                ),
                actor=DEMO,
            )
            posts += 1
    return posts


def load(world: dict) -> None:
    if PartyWorker.objects.exists() or not PartyOrganisation.objects.exists():
        world["teams_demo"] = {"workers": PartyWorker.objects.count()}
        return
    rng = random.Random(SEED)
    today = services.today()
    roster = load_roster(rng, today, world)
    studies = load_training(rng, today)
    incentives, assessments = load_incentives_and_assessments(rng, today)
    vanguard = load_vanguard(rng, today)
    world["teams_demo"] = {
        **roster,
        "workers": PartyWorker.objects.count(),
        "study_records": studies,
        "incentives": incentives,
        "assessments": assessments,
        "vanguard": vanguard,
    }

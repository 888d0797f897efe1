"""Demo: a development pipeline, transfers, 流动党员, dues and study, on top of the ledger demo.

Everything goes through members.services, so the demo keeps every rule it shows (intervals, the
24-学时 check, actors). No PartyMember row is created: applicants, activists and development targets are
non-member practitioners; the probationary and recently converted cases are existing ledger members
whose history is rebuilt backwards from their 入党日期, so the ledger's 350 members stay 350.

Deterministic (random.Random(SEED)); dates are anchored to the day the demo is loaded (dues, expiry and
"this year" only make sense relative to today). Idempotent: once demo cases exist, it only fills `world`.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from xinye.accounts.permissions import system_actor
from xinye.audit.services import record_bulk, snapshot
from xinye.ledger.choices import MembershipHeld, PoliticalStatus
from xinye.ledger.models import PartyMember, PartyOrganisation, Practitioner
from xinye.members import services
from xinye.members.choices import CourseKind, CourseMode, Direction, DuesBasis, StudySource
from xinye.members.models import (
    Course,
    DevelopmentCase,
    DuesPayment,
    IncomeDeclaration,
    StudyRecord,
    TransferLetter,
)
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit

SEED = 20260501
DAY = datetime.timedelta(days=1)
DEMO = system_actor("demo")

# Days from the application (step 1) to each step in a plan that keeps every rule with some slack.
OFFSETS = {1: 0, 2: 14, 3: 120, 4: 130, 5: 130, 7: 490, 8: 495, 9: 497, 10: 510, 11: 530}
OFFSETS.update({12: 550, 13: 555, 14: 560, 15: 570, 16: 580, 17: 600, 18: 610, 19: 610, 20: 620})
OFFSETS.update({21: 750, 22: 910, 23: 936, 24: 956, 25: 966})
REVIEWS = (302, 484)  # half-year reviews of the activist (step 3 + 182, + 364)
DOCUMENTS = {
    1: "入党申请书",
    2: "谈话记录",
    3: "支委会会议记录",
    10: "政治审查报告",
    14: "入党志愿书",
    15: "支部大会决议",
}
HOME_REGION = {
    "赤峰市": "内蒙古自治区赤峰市",
    "兴安盟": "内蒙古自治区兴安盟",
    "白城市": "吉林省白城市",
    "阜新市": "辽宁省阜新市",
    "沈阳市": "辽宁省沈阳市",
}


def _plan(applied_on: datetime.date, upto: int) -> list[tuple[int, datetime.date]]:
    steps = []
    for number in range(1, upto + 1):
        if number == 6:
            steps += [(6, applied_on + d * DAY) for d in REVIEWS if d <= OFFSETS.get(upto, 10_000)]
            continue
        steps.append((number, applied_on + OFFSETS[number] * DAY))
    return steps


def _last_offset(upto: int) -> int:
    return REVIEWS[1] if upto == 6 else OFFSETS[upto]


def _adult_on(practitioner, day) -> bool:
    birth = practitioner.birth_date
    return birth is None or services.add_months(birth, 12 * 18) <= day


def _run_case(practitioner, unit, plan, contacts, training_course):
    """Open a case and record its steps; train the person before the 支部大会 (第十九条)."""
    case = DevelopmentCase.objects.create(practitioner=practitioner, unit=unit)
    for number, day in plan:
        if number == 15:
            for i in range(3):
                services.record_study(
                    practitioner, day - (40 - i) * DAY, course=training_course, hours=Decimal("8"), actor=DEMO
                )
        actors = contacts[:1] if number == 5 else contacts[:2] if number == 9 else []
        documents = [(DOCUMENTS[number], None)] if number in DOCUMENTS else []
        services.record_step(case, number, day, actors=actors, documents=documents, actor=DEMO)
    return case


def _orgs_for_development():
    """Party organisations with at least 3 full members (contacts and 入党介绍人), the demo secretary's first."""
    full = defaultdict(list)
    for m in PartyMember.objects.filter(is_full=True, membership_held=MembershipHeld.HERE).order_by("pk"):
        full[m.unit_id].append(m)
    orgs = list(
        PartyOrganisation.objects.select_related("unit", "secretary_user")
        .exclude(unit__kind=UnitKind.PARTY_COMMITTEE)
        .order_by("pk")
    )
    orgs.sort(key=lambda o: (getattr(o.secretary_user, "username", "") != "secretary", o.pk))
    return [(o, full[o.unit_id]) for o in orgs if len(full[o.unit_id]) >= 3]


def load_development(rng, today):
    orgs = _orgs_for_development()[:18]
    if not orgs:
        return 0
    county_wcs = {}
    courses = {}
    for org, _full in orgs:
        region = org.unit.region_id
        if region not in courses:
            wc = county_wcs.setdefault(
                region,
                OrgUnit.objects.filter(kind=UnitKind.WORK_COMMITTEE, region_id=region).first() or org.unit,
            )
            courses[region] = services.create_course(
                title=f"{wc.name}发展对象集中培训班",
                unit=wc,
                kind=CourseKind.CANDIDATE_TRAINING,
                mode=CourseMode.OFFLINE,
                hours=Decimal("8"),
                provider="旗县区委党校",
                actor=DEMO,
            )
    count = 0
    # Non-members as applicants, activists and development targets, spread over the organisations.
    targets = (
        [1] * 8 + [2] * 10 + [3] * 4 + [4] * 3 + [5] * 3 + [6] * 12 + [7] * 3 + [9] * 3 + [11] * 3 + [14] * 3
    )
    rng.shuffle(targets)
    for i, upto in enumerate(targets):
        org, full = orgs[i % len(orgs)]
        enterprises = list(org.enterprises.order_by("pk").values_list("pk", flat=True))
        candidates = list(
            Practitioner.objects.filter(
                enterprise_id__in=enterprises,
                political_status__in=[PoliticalStatus.MASSES, PoliticalStatus.LEAGUE],
            )
            .exclude(pk__in=DevelopmentCase.objects.values("practitioner_id"))
            .order_by("pk")[:40]
        )
        rng.shuffle(candidates)
        applied_on = today - (_last_offset(upto) + rng.randrange(3, 60)) * DAY
        person = next((p for p in candidates if _adult_on(p, applied_on)), None)
        if person is None:
            continue
        contacts = rng.sample(full, 2)
        _run_case(person, org.unit, _plan(applied_on, upto), contacts, courses[org.unit.region_id])
        count += 1
    # Existing probationary members (their history rebuilt from the 支部大会 date) and a few recent
    # conversions among full members.
    org_by_unit = {o.unit_id: (o, full) for o, full in orgs}
    probationary = PartyMember.objects.filter(
        is_full=False, membership_held=MembershipHeld.HERE, unit_id__in=org_by_unit
    ).select_related("practitioner")
    recent_full = PartyMember.objects.filter(
        is_full=True,
        membership_held=MembershipHeld.HERE,
        unit_id__in=org_by_unit,
        joined_on__gte=today - 900 * DAY,
        joined_on__lte=today - (OFFSETS[25] - OFFSETS[15] + 5) * DAY,  # probation, 转正 and archive done
    ).select_related("practitioner")
    for members, upto_for in (
        (probationary, lambda m: 19 if (today - m.joined_on).days < 150 else 21),
        (recent_full, None),
    ):
        for member in list(members.order_by("pk"))[:12]:
            admitted = member.joined_on
            if admitted is None:
                continue
            applied_on = admitted - OFFSETS[15] * DAY
            person = member.practitioner
            if not _adult_on(person, applied_on):
                continue
            upto = 25 if upto_for is None else upto_for(member)
            plan = [(n, d) for n, d in _plan(applied_on, upto) if d <= today]
            org, full = org_by_unit[member.unit_id]
            contacts = [m for m in full if m.pk != member.pk]
            rng.shuffle(contacts)
            _run_case(person, org.unit, plan, contacts, courses[org.unit.region_id])
            count += 1
    return count


def load_transfers_and_flowing(rng, today):
    """Two letters from 赤峰 (same province: 3 months), one from 黑龙江 (across provinces: 6 months),
    outgoing letters (one receipted, one expired), and 流动党员 registered where they work."""
    elsewhere = list(
        PartyMember.objects.filter(membership_held=MembershipHeld.ELSEWHERE)
        .exclude(unit__kind=UnitKind.INDUSTRY_OFFICE)
        .select_related("practitioner", "unit")
        .order_by("pk")
    )
    flowing = 0
    for member in elsewhere[:10]:
        city = next((c for c in HOME_REGION if member.home_organisation.startswith(c)), "赤峰市")
        services.register_flowing_member(
            practitioner=member.practitioner,
            unit=member.unit,
            home_organisation=member.home_organisation or f"{city}某村党支部",
            home_region=HOME_REGION[city],
            home_contact="党支部书记",
            home_contact_phone=f"139{rng.randrange(10**7, 10**8)}",
            certificate_no=f"LD{today:%Y}{member.pk:05d}",
            registered_on=today - rng.randrange(60, 500) * DAY,
            period_until=today + rng.randrange(90, 400) * DAY,
            actor=DEMO,
        )
        flowing += 1
    chifeng = [m for m in elsewhere[:10] if m.home_organisation.startswith("赤峰")] or elsewhere[:2]
    if chifeng:
        # A courier from 赤峰 transfers his membership here: letter issued 40 days ago, not yet reported.
        services.issue_transfer(
            direction=Direction.INCOMING,
            unit=chifeng[0].unit,
            member=chifeng[0],
            other_organisation=chifeng[0].home_organisation or "中共赤峰市红山区某快递网点支部委员会",
            other_region="内蒙古自治区赤峰市",
            issued_on=today - 40 * DAY,
            letter_no=f"赤组转〔{today:%Y}〕{rng.randrange(10, 99)}号",
            actor=DEMO,
        )
    secretary_unit = (
        PartyOrganisation.objects.filter(secretary_user__username="secretary")
        .values_list("unit_id", flat=True)
        .first()
    )
    here = list(
        PartyMember.objects.filter(membership_held=MembershipHeld.HERE, is_full=True)
        .exclude(
            pk__in=DevelopmentCase.objects.filter(practitioner__party_member__isnull=False).values(
                "practitioner__party_member"
            )
        )
        .select_related("practitioner", "unit")
        .order_by("-pk")[:6]
    )
    mine = (
        PartyMember.objects.filter(unit_id=secretary_unit, membership_held=MembershipHeld.HERE, is_full=True)
        .exclude(pk__in=[m.pk for m in here])
        .select_related("unit")
        .order_by("-pk")
        .first()
    )
    if mine is not None and len(here) >= 4:
        here[3] = mine  # the demo secretary sees a letter whose 回执 has not come back
    if len(here) >= 4:
        received = services.issue_transfer(
            direction=Direction.INCOMING,
            unit=here[0].unit,
            member_name="刘志强",
            other_organisation="中共赤峰市松山区物流园区联合支部委员会",
            other_region="内蒙古自治区赤峰市",
            issued_on=today - 75 * DAY,
            letter_no=f"赤组转〔{today:%Y}〕{rng.randrange(100, 199)}号",
            note="到本市物流园区工作，已报到",
            actor=DEMO,
        )
        services.record_receipt(received, today - 60 * DAY, actor=DEMO)
        services.issue_transfer(
            direction=Direction.INCOMING,
            unit=here[1].unit,
            member_name="孙海涛",
            other_organisation="中共哈尔滨市道里区某货运公司支部委员会",
            other_region="黑龙江省哈尔滨市",
            issued_on=today - 100 * DAY,
            letter_no=f"哈组转〔{today:%Y}〕{rng.randrange(10, 99)}号",
            note="跨省转入，有效期六个月",
            actor=DEMO,
        )
        out_ok = services.issue_transfer(
            direction=Direction.OUTGOING,
            unit=here[2].unit,
            member=here[2],
            other_organisation="中共沈阳市于洪区某快递分拨中心支部委员会",
            other_region="辽宁省沈阳市",
            issued_on=today - 50 * DAY,
            letter_no=f"通组转〔{today:%Y}〕{rng.randrange(10, 99)}号",
            actor=DEMO,
        )
        services.record_receipt(out_ok, today - 35 * DAY, actor=DEMO)
        services.issue_transfer(
            direction=Direction.OUTGOING,
            unit=here[3].unit,
            member=here[3],
            other_organisation="中共赤峰市元宝山区某外卖站点支部",
            other_region="内蒙古自治区赤峰市",
            issued_on=today - 120 * DAY,
            letter_no=f"通组转〔{today:%Y}〕{rng.randrange(100, 199)}号",
            note="回执未返回，本支部仍负责管理",
            actor=DEMO,
        )
        services.expire_transfers(today, actor=DEMO)
    return flowing, TransferLetter.objects.count()


def load_dues(rng, today):
    """Income declarations and payments from January to last month; some members fall behind.

    Amounts come from the same pure functions as `services.monthly_dues`; rows are bulk-created (and
    bulk-logged) because ~300 members × 10 months through the one-row services takes far too long.
    """
    last = services.add_months(services.month_start(today), -1)
    first = services.month_start(datetime.date.fromisoformat(str(services.rule("dues_tracking_from"))))
    bands = services._bands()
    members = list(
        PartyMember.objects.filter(membership_held=MembershipHeld.HERE)
        .select_related("practitioner")
        .order_by("pk")
    )
    declarations, payments = [], []
    for member in members:
        declared = {}
        r = rng.random()
        if r < 0.05:
            declared[first] = (
                rng.choice([DuesBasis.STUDENT, DuesBasis.DIBAO, DuesBasis.UNEMPLOYED]),
                Decimal("0"),
            )
        elif r < 0.30:
            for month in services.months_between(services.add_months(first, -3), last):
                declared[month] = (DuesBasis.GIG, Decimal(rng.randrange(2800, 9500)))
        else:
            income = Decimal(rng.choice([2600, 3000, 3600, 4200, 5000, 5800, 6500, 8000, 10000, 12500]))
            declared[first] = (DuesBasis.WAGE, income)
        declarations += [
            IncomeDeclaration(member=member, unit_id=member.unit_id, month=m, basis=b, net_income=i)
            for m, (b, i) in declared.items()
        ]
        x = rng.random()
        behind = 7 if x < 0.04 else 3 if x < 0.10 else 1 if x < 0.18 else 0
        stop = services.add_months(last, -behind)
        start = max(first, services.month_start(member.joined_on)) if member.joined_on else first
        quarterly = rng.random() < 0.5
        month = start
        while month <= stop:
            end = month
            if quarterly:
                end = min(stop, services.add_months(month, 2 - (month.month - 1) % 3))
            amount = sum(
                (
                    services.dues_for_month(declared, m, joined_on=member.joined_on, bands=bands)
                    for m in services.months_between(month, end)
                ),
                Decimal("0"),
            )
            paid_on = min(today, services.add_months(end, 1).replace(day=rng.randrange(1, 10)))
            payments.append(
                DuesPayment(
                    member=member,
                    unit_id=member.unit_id,
                    month_from=month,
                    month_to=end,
                    amount=amount,
                    paid_on=paid_on,
                )
            )
            month = services.add_months(end, 1)
    for model, rows in ((IncomeDeclaration, declarations), (DuesPayment, payments)):
        created = model.objects.bulk_create(rows, batch_size=1000)
        if created and created[0].pk is not None:
            record_bulk("create", model, [(o.pk, str(o.member_id), None, snapshot(o)) for o in created])
    return len(payments)


def load_learning(rng, today, world):
    """City and county courses, monthly theory study, 党务工作者 training for secretaries, and
    学习强国 records imported for part of the members."""
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return 0
    theory = [
        services.create_course(
            title=title,
            unit=root,
            kind=CourseKind.THEORY,
            mode=mode,
            hours=Decimal(h),
            held_on=today - d * DAY,
            provider=provider,
            actor=DEMO,
        )
        for title, mode, h, d, provider in [
            ("学习贯彻党的二十大精神专题党课", CourseMode.ONLINE, "2", 150, "市委党校"),
            ("新就业群体党员党章党规学习", CourseMode.ONLINE, "1.5", 110, "市两新工委"),
            ("“小哥”身边的榜样：最美快递员事迹分享", CourseMode.OFFLINE, "2", 70, "市快递行业党委"),
            ("交通安全与职业保障政策解读", CourseMode.OFFLINE, "1", 30, "市交通运输局"),
        ]
    ]
    workers = services.create_course(
        title="新业态党组织书记和党务工作者培训班",
        unit=root,
        kind=CourseKind.WORKER_TRAINING,
        mode=CourseMode.OFFLINE,
        hours=Decimal("16"),
        held_on=today - 90 * DAY,
        provider="市委组织部",
        actor=DEMO,
    )
    records = []
    members = list(
        PartyMember.objects.filter(membership_held=MembershipHeld.HERE)
        .select_related("practitioner")
        .order_by("pk")
    )
    for member in members:
        for course in theory:
            if rng.random() < 0.7:
                records.append(
                    StudyRecord(
                        practitioner=member.practitioner,
                        unit=member.unit,
                        course=course,
                        kind=course.kind,
                        title=course.title,
                        date=course.held_on,
                        hours=course.hours,
                    )
                )
        if rng.random() < 0.4:
            for week in range(8):
                records.append(
                    StudyRecord(
                        practitioner=member.practitioner,
                        unit=member.unit,
                        kind=CourseKind.THEORY,
                        title="学习强国",
                        date=today - (7 * week + rng.randrange(1, 7)) * DAY,
                        hours=Decimal("0"),
                        points=rng.randrange(25, 60),
                        source=StudySource.IMPORTED,
                        platform="学习强国",
                    )
                )
    for org in PartyOrganisation.objects.exclude(secretary=None).select_related("secretary__practitioner"):
        records.append(
            StudyRecord(
                practitioner=org.secretary.practitioner,
                unit=org.unit,
                course=workers,
                kind=workers.kind,
                title=workers.title,
                date=workers.held_on,
                hours=workers.hours,
            )
        )
    created = StudyRecord.objects.bulk_create(records, batch_size=1000)
    if created and created[0].pk is not None:
        record_bulk("create", StudyRecord, [(r.pk, str(r.title), None, snapshot(r)) for r in created])
    return len(created)


def load(world: dict) -> None:
    if DevelopmentCase.objects.exists() or not PartyMember.objects.exists():
        world["members_demo"] = {"cases": DevelopmentCase.objects.count()}
        return
    rng = random.Random(SEED)
    today = services.today()
    cases = load_development(rng, today)
    flowing, letters = load_transfers_and_flowing(rng, today)
    payments = 0 if DuesPayment.objects.exists() else load_dues(rng, today)
    studies = (
        0 if Course.objects.filter(kind=CourseKind.THEORY).exists() else load_learning(rng, today, world)
    )
    world["members_demo"] = {
        "cases": cases,
        "flowing": flowing,
        "letters": letters,
        "payments": payments,
        "study_records": studies,
    }

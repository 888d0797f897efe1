"""Demo visits, problems and last year's assessments for the ledger's 50 instructors and 179 liaisons.

Runs after the ledger demo, which already assigned every enterprise an instructor and a liaison: the
assignment proposal (replan=False) is run and must propose nothing — the existing responsibility rows are
never changed. Visits cover last year and this year up to today, most quarters visited, some not, so the
quarterly "due" and "overdue" lists are meaningful. Deterministic (fixed seed; dates relative to today's
quarter) and idempotent (a second run finds the visits and only refills `world`).
"""

import datetime
import random
from collections import defaultdict

from django.utils import timezone

from xinye.audit.services import record_bulk, snapshot
from xinye.guidance import pairs
from xinye.guidance.choices import AssessmentGrade, ProblemStatus, VisitTopic
from xinye.guidance.models import InstructorAssessment, Visit, VisitProblem
from xinye.orgs.models import Agent

SEED = 20260501

PEOPLE = [
    "站长",
    "站长、骑手代表",
    "负责人、快递员代表",
    "车队队长、司机代表",
    "运营经理",
    "主播代表、运营负责人",
]
SUMMARIES = {
    VisitTopic.POLICY: "宣讲新就业形态劳动者权益保障政策和本市服务站点分布",
    VisitTopic.FORMATION: "了解党员和积极分子情况，指导做好组建党组织准备",
    VisitTopic.DEVELOPMENT: "与入党积极分子谈话，了解培养考察情况",
    VisitTopic.MASS_ORGS: "对接工会入会、共青团和妇联活动",
    VisitTopic.CARE: "慰问一线骑手、快递员，送去清凉（温暖）物资",
    VisitTopic.PROBLEMS: "收集从业人员诉求，协调解决实际困难",
}
PROBLEMS = [
    ("站点周边缺少充电桩，电动车充电难", "other"),
    ("骑手子女入学咨询", "school"),
    ("个别骑手反映平台扣款规则不清", "contract"),
    ("冬季缺少歇脚取暖点", "other"),
    ("快递员交通事故后工伤认定有困难", "accident"),
    ("部分从业人员未参加社会保险", "insurance"),
    ("货车司机停车休息难", "other"),
]


def _quarters(today: datetime.date):
    """(start, end) of every quarter from the start of last year up to today's."""
    out = []
    for year in (today.year - 1, today.year):
        for q in range(4):
            start = datetime.date(year, q * 3 + 1, 1)
            if start > today:
                break
            nxt = datetime.date(year + (q == 3), (q * 3 + 3) % 12 + 1, 1)
            out.append((start, min(nxt - datetime.timedelta(days=1), today)))
    return out


def load(world: dict) -> None:
    from xinye.guidance import services

    enterprises = world.get("enterprises") or []
    if not enterprises:
        return
    from xinye.ledger.models import Enterprise

    proposal = services.propose_for(Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]))
    world["assignment_proposal"] = proposal  # everything is assigned: nothing is proposed
    if Visit.objects.exists():
        _fill_world(world)
        return
    rng = random.Random(SEED)
    today = timezone.localdate()
    _visits(rng, today)
    _assessments(rng, today.year - 1, today)
    _fill_world(world)


def _pairs():
    from django.contrib.contenttypes.models import ContentType

    from xinye.ledger.models import Enterprise
    from xinye.orgs.models import Responsibility

    ct = ContentType.objects.get_for_model(Enterprise)
    return list(
        Responsibility.objects.filter(
            content_type=ct, agent__isnull=False, role__in=["instructor", "liaison"]
        )
        .order_by("agent_id", "object_id")
        .values_list("agent_id", "object_id")
    )


def _visits(rng: random.Random, today: datetime.date) -> None:
    from xinye.ledger.models import Enterprise

    agents = {a.pk: a for a in Agent.objects.filter(kind__in=["instructor", "liaison"])}
    ents = {e.pk: e for e in Enterprise.objects.all()}
    quarters = _quarters(today)
    current = quarters[-1][0]
    visits = []
    by_agent_year = defaultdict(list)
    for agent_id, ent_id in _pairs():
        agent, ent = agents[agent_id], ents.get(ent_id)
        if ent is None:
            continue
        # A few agents fall behind (the overdue list should not be empty); most keep the quota.
        diligent = rng.random() > 0.08
        for start, end in quarters:
            chance = 0.92 if diligent else 0.35
            if start == current:
                chance = 0.6 if diligent else 0.15
            if rng.random() > chance:
                continue
            day = start + datetime.timedelta(days=rng.randrange(0, (end - start).days + 1))
            topics = rng.sample(list(VisitTopic.values), rng.choice((1, 2, 2, 3)))
            v = Visit(
                date=day,
                agent=agent,
                enterprise=ent,
                people_met=rng.choice(PEOPLE),
                topics=topics,
                summary="；".join(SUMMARIES[t] for t in topics) + "。",
            )
            v.fill_owner()
            visits.append(v)
            by_agent_year[(agent_id, day.year)].append(v)
    # 谈心 and 慰问: most agents meet the yearly quota (宁德 rule), a few do not.
    for (_agent_id, _year), items in sorted(by_agent_year.items()):
        if rng.random() < 0.9:
            rng.choice(items).is_heart_to_heart = True
        if rng.random() < 0.85:
            care = rng.choice(items)
            care.is_care_visit = True
            if VisitTopic.CARE not in care.topics:
                care.topics = [*care.topics, VisitTopic.CARE.value]
    visits.sort(key=lambda v: (v.date, v.agent_id, v.enterprise_id))
    Visit.objects.bulk_create(visits, batch_size=1000)
    assert visits and visits[0].pk is not None, "bulk_create must return keys (SQLite ≥ 3.35, PostgreSQL)"
    record_bulk("create", Visit, [(v.pk, str(v.date), None, snapshot(v)) for v in visits])
    pairs.rebuild()  # bulk-created visits send no signals: the stored pairs' last visits (guidance.pairs)

    problems = []
    for v in visits:
        if rng.random() < 0.12:
            text, category = rng.choice(PROBLEMS)
            age = (today - v.date).days
            p = VisitProblem(visit=v, description=text, category=category)
            roll = rng.random()
            if (age > 60 and roll < 0.8) or (age <= 60 and roll < 0.35):
                p.status = ProblemStatus.RESOLVED
                p.resolved_on = min(today, v.date + datetime.timedelta(days=rng.randrange(3, 40)))
                p.resolution = "已协调相关部门解决"
            elif roll < 0.9:
                p.status = ProblemStatus.IN_PROGRESS
            problems.append(p)
    VisitProblem.objects.bulk_create(problems, batch_size=1000)
    record_bulk("create", VisitProblem, [(p.pk, p.description, None, snapshot(p)) for p in problems])


def _assessments(rng: random.Random, year: int, today: datetime.date) -> None:
    """Last year's assessment of every instructor, graded from the evidence (a demo rule of thumb)."""
    from xinye.guidance.services import evidence_many

    instructors = list(Agent.objects.filter(kind="instructor").order_by("pk"))
    evidence = evidence_many(instructors, year, today)
    rows = []
    for agent in instructors:
        ev = evidence[agent.pk]
        if ev.quarter_coverage >= 0.95 and not ev.shortfalls:
            grade = AssessmentGrade.EXCELLENT if rng.random() < 0.4 else AssessmentGrade.COMPETENT
        elif ev.quarter_coverage >= 0.8:
            grade = AssessmentGrade.COMPETENT
        elif ev.quarter_coverage >= 0.5:
            grade = AssessmentGrade.BASICALLY_COMPETENT
        else:
            grade = AssessmentGrade.INCOMPETENT
        rows.append(
            InstructorAssessment(
                agent=agent,
                year=year,
                grade=grade,
                comment=ev.summary,
                assessed_on=min(today, datetime.date(year + 1, 1, 15)),
            )
        )
    InstructorAssessment.objects.bulk_create(rows)
    record_bulk("create", InstructorAssessment, [(a.pk, str(a.agent_id), None, snapshot(a)) for a in rows])


def _fill_world(world: dict) -> None:
    world["visits_count"] = Visit.objects.count()

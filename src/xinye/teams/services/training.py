"""Training, incentives and the yearly assessment of the three teams.

Training hours are read from the members app's learning records (`members.StudyRecord`): a person's hours in
a year are their records of that year on a course of any of that year's training plans, or of the kind
党务工作者培训. Required hours by post are `teams.rules.required_hours` (rules.md: 书记 56, members 32).
A person not in the ledger (dispatched from outside) has no learning record here: their training is the
dispatching unit's, shown as not counted (None), never as a failure.

The assessment has the instructors' shape (guidance: year, one of the four grades of AssessmentGrade, a
comment, who and when, the evidence computed beside it), for a person of the three teams."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum

from xinye.accounts.permissions import actor_user, is_system, require, unit_in_scope
from xinye.core.errors import Refused
from xinye.guidance.choices import AssessmentGrade
from xinye.members.choices import CourseKind
from xinye.members.models import StudyRecord
from xinye.teams import rules
from xinye.teams.choices import IncentiveKind
from xinye.teams.models import Incentive, PartyWorker, TeamAssessment, TrainingPlan
from xinye.teams.services.roster import today

READS = (
    "plan_course_ids",
    "training_hours",
    "completion",
    "plan_workers",
    "plan_completion",
    "clean_plan",
    "clean_incentive",
    "grade_value",
    "clean_team_assessment",
    "evidence_for",
)


def plan_course_ids(year: int) -> set[int]:
    """The courses of every training plan of the year."""
    return set(
        TrainingPlan.courses.through.objects.filter(trainingplan__year=year).values_list(
            "course_id", flat=True
        )
    )


def training_hours(practitioner_ids, year: int) -> dict[int, Decimal]:
    """Training hours of the year per practitioner (see the module's docstring for what counts)."""
    ids = [i for i in practitioner_ids if i is not None]
    if not ids:
        return {}
    counted = Q(kind=CourseKind.WORKER_TRAINING) | Q(course_id__in=plan_course_ids(year))
    rows = (
        StudyRecord.objects.filter(counted, practitioner_id__in=ids, date__year=year)
        .values("practitioner_id")
        .annotate(total=Sum("hours"))
    )
    return {r["practitioner_id"]: r["total"] or Decimal("0") for r in rows}


@dataclass
class Completion:
    """One person's training of the year against the hours their post requires."""

    worker: PartyWorker
    required: int
    hours: Decimal | None  # None: not in the ledger (trained by the dispatching unit), not counted

    @property
    def done(self) -> bool | None:
        return None if self.hours is None else self.hours >= self.required

    @property
    def missing(self) -> Decimal:
        return max(Decimal(self.required) - (self.hours or Decimal("0")), Decimal("0"))


def completion(workers, year: int) -> list[Completion]:
    """The completion list of these people (a queryset or list of PartyWorker) for the year."""
    workers = list(workers)
    practitioner_of = {w.pk: (w.member.practitioner_id if w.member_id else None) for w in workers}
    hours = training_hours(practitioner_of.values(), year)
    return [
        Completion(
            worker=w,
            required=rules.required_hours(w.post),
            hours=hours.get(practitioner_of[w.pk], Decimal("0")) if practitioner_of[w.pk] else None,
        )
        for w in workers
    ]


def plan_workers(plan: TrainingPlan):
    """Who the plan trains: the people serving (at some point of the year) in the organisations of its
    county and industry."""
    start, end = datetime.date(plan.year, 1, 1), datetime.date(plan.year, 12, 31)
    qs = PartyWorker.objects.filter(since__lte=end).filter(Q(until__isnull=True) | Q(until__gte=start))
    if plan.region_id:
        qs = qs.filter(region_id=plan.region_id)
    if plan.industry:
        qs = qs.filter(industry=plan.industry)
    return qs.select_related("member", "organisation__unit").order_by(
        "region_id", "unit__path", "post", "name"
    )


def plan_completion(plan: TrainingPlan) -> list[Completion]:
    """The plan's completion list, those who have not yet finished first."""
    rows = completion(plan_workers(plan), plan.year)
    rows.sort(key=lambda c: ({False: 0, None: 2, True: 1}[c.done], c.worker.region_id, c.worker.name))
    return rows


def clean_plan(*, unit, year: int, title: str) -> None:
    if not (title or "").strip():
        raise Refused({"title": "计划名称：请填写"})
    if year is None or not 2000 <= year <= today().year + 1:
        raise Refused({"year": "年度：只能制定今年或明年的计划，或补录往年的计划"})
    if unit is not None and unit.kind not in (
        "work_committee",
        "industry_committee",
        "industry_office",
        "org_department",
    ):
        raise Refused({"unit": "制定单位：应为两新工委、行业党委或行业党建办"})


@transaction.atomic
def save_plan(plan: TrainingPlan, *, actor, courses=None) -> TrainingPlan:
    """Create or change a yearly plan of a county and/or industry; its county and industry follow its unit
    (a county unit's county; a 行业党委's or 行业党建办's industry). One plan per unit and year."""
    clean_plan(unit=plan.unit, year=plan.year, title=plan.title)
    region = plan.unit.region
    plan.region = region if region is not None and region.level in ("county", "zone") else None
    plan.industry = plan.unit.industry or ""
    plan.title = plan.title.strip()
    clash = TrainingPlan.objects.filter(unit=plan.unit, year=plan.year).exclude(pk=plan.pk).first()
    if clash is not None:
        raise Refused({"year": f"年度：{plan.unit} 已有 {plan.year} 年度培训计划"})
    if plan.pk is not None:
        require(actor, "change", TrainingPlan.objects.get(pk=plan.pk))
    require(actor, "change" if plan.pk else "add", plan)
    plan.save()
    if courses is not None:
        courses = list(courses)
        for course in courses:
            require(actor, "view", course)
        plan.courses.set(courses)
    require(actor, "change", plan)
    return plan


@transaction.atomic
def delete_plan(plan: TrainingPlan, *, actor) -> None:
    require(actor, "delete", plan)
    plan.delete()


# --- incentives ---


def clean_incentive(*, kind: str, title: str, amount, granted_on) -> None:
    if kind not in IncentiveKind.values:
        raise Refused({"kind": "类别：应为补贴或表彰"})
    if not (title or "").strip():
        raise Refused({"title": "名称：请填写补贴或表彰的名称"})
    if kind == IncentiveKind.SUBSIDY and (amount is None or Decimal(amount) <= 0):
        raise Refused({"amount": "金额：补贴须填写大于 0 的金额（元）"})
    if amount is not None and Decimal(amount) < 0:
        raise Refused({"amount": "金额：不能为负数"})
    if granted_on is not None and granted_on > today():
        raise Refused({"granted_on": "日期：不能晚于今天"})


@transaction.atomic
def save_incentive(incentive: Incentive, *, actor) -> Incentive:
    """Grant (or correct) a 补贴 or 表彰 to a person of the three teams, in their organisation's scope."""
    worker = incentive.worker
    require(actor, "view", worker)
    if incentive.pk is not None:
        require(actor, "change", Incentive.objects.get(pk=incentive.pk))
    clean_incentive(
        kind=incentive.kind, title=incentive.title, amount=incentive.amount, granted_on=incentive.granted_on
    )
    if incentive.amount is not None:
        incentive.amount = Decimal(incentive.amount).quantize(Decimal("0.01"))
    incentive.title = incentive.title.strip()
    incentive.place_in(worker.organisation)
    adding = incentive.pk is None
    require(actor, "add" if adding else "change", incentive)
    incentive.save()
    require(actor, "add" if adding else "change", incentive)
    return incentive


def grant_incentive(worker, *, actor, kind, title, granted_on, amount=None, granted_by="") -> Incentive:
    return save_incentive(
        Incentive(
            worker=worker, kind=kind, title=title, amount=amount, granted_on=granted_on, granted_by=granted_by
        ),
        actor=actor,
    )


@transaction.atomic
def delete_incentive(incentive: Incentive, *, actor) -> None:
    require(actor, "delete", incentive)
    incentive.delete()


# --- the yearly assessment ---


def grade_value(grade: str) -> str:
    """One of the four grades, given as its value or its label (优秀…); returns the value."""
    if grade in AssessmentGrade.values:
        return grade
    by_label = {str(label): value for value, label in AssessmentGrade.choices}
    if grade not in by_label:
        raise Refused({"grade": f"考核等次应为：{'、'.join(map(str, AssessmentGrade.labels))}"})
    return by_label[grade]


def clean_team_assessment(worker: PartyWorker, year: int, grade: str, actor) -> str:
    """The assessment checks: a known grade, a year begun and within the person's time in post, by the
    上级 (the approve grant over the organisation), never by the person assessed."""
    grade = grade_value(grade)
    if year is None or year > today().year:
        raise Refused({"year": "年度：不能考核尚未开始的年度"})
    if year < worker.since.year or (worker.until is not None and year > worker.until.year):
        raise Refused({"year": f"年度：{worker.name} 在 {year} 年不在该职务上"})
    if not is_system(actor):
        org = worker.organisation
        if not unit_in_scope(actor, "approve", TeamAssessment, org.unit, org.industry or ""):
            raise Refused({"worker": "人员：年度考核由上级党组织进行，本账号没有审批权限"})
        if org.secretary_user_id == actor.pk and worker.post == "secretary":
            raise Refused({"worker": "人员：不能考核本人"})
    return grade


@transaction.atomic
def assess(
    worker: PartyWorker, year: int, grade: str, *, actor, comment: str = "", on: datetime.date | None = None
) -> TeamAssessment:
    """Record (or correct) the yearly assessment of a secretary or party worker in one of the four grades."""
    require(actor, "view", worker)
    org = worker.organisation
    require(actor, "add", model=TeamAssessment, unit=org.unit, industry=org.industry or "")
    grade = clean_team_assessment(worker, year, grade, actor)
    obj = TeamAssessment.objects.filter(worker=worker, year=year).first()
    created = obj is None
    if created:
        obj = TeamAssessment(worker=worker, year=year)
    obj.grade = grade
    obj.comment = (comment or "").strip()
    obj.assessed_by = actor_user(actor)
    obj.assessed_on = on or today()
    obj.place_in(org)
    obj.save()
    require(actor, "add" if created else "change", obj)
    return obj


@transaction.atomic
def delete_assessment(assessment: TeamAssessment, *, actor) -> None:
    require(actor, "delete", assessment)
    assessment.delete()


def evidence_for(worker: PartyWorker, year: int) -> str:
    """What the system knows beside the grade: the year's training against the requirement, incentives."""
    (row,) = completion([worker], year)
    if row.hours is None:
        training = f"外派人员，培训由选派单位登记（要求 {row.required} 学时）"
    else:
        training = f"培训 {row.hours} / {row.required} 学时{'（已完成）' if row.done else '（未完成）'}"
    incentives = worker.incentives.filter(granted_on__year=year)
    titles = "、".join(i.title for i in incentives if i.kind == IncentiveKind.COMMENDATION)
    return training + (f"；表彰：{titles}" if titles else "")

"""The yearly evidence of an instructor's or liaison's work, and the assessment (年度考核)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from xinye.accounts.permissions import actor_user, is_system, require
from xinye.core.errors import Refused
from xinye.guidance.choices import AssessmentGrade, ProblemStatus
from xinye.guidance.models import InstructorAssessment, Visit, VisitProblem
from xinye.guidance.rules import rule
from xinye.guidance.services.assignment import assignment_dates, is_field_agent
from xinye.guidance.services.common import quarter_of, today
from xinye.orgs.models import Agent
from xinye.rulebook.services import cite

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "clean_assessment",
    "evidence",
    "evidence_for",
    "evidence_many",
)


@dataclass
class Evidence:
    """What an agent did in a year, computed from visits and problems (shown beside the assessment)."""

    year: int
    assigned: int = 0
    visits: int = 0
    enterprises_visited: int = 0
    quarter_coverage: float = 0.0  # share of (enterprise, elapsed quarter) pairs with a visit
    heart_to_heart: int = 0
    care_visits: int = 0
    problems_found: int = 0
    problems_resolved: int = 0
    appeals: int = 0
    shortfalls: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return (
            f"联系企业 {self.assigned} 家，走访 {self.visits} 次（覆盖 {self.enterprises_visited} 家，"
            f"季度走访完成率 {self.quarter_coverage:.0%}），谈心谈话 {self.heart_to_heart} 次，走访慰问 "
            f"{self.care_visits} 次，发现问题 {self.problems_found} 个、已解决 {self.problems_resolved} 个"
        )


def evidence(
    year: int,
    assigned_ids,
    visits: list[tuple[int | None, datetime.date, bool, bool]],
    problems: list[tuple[str, int | None]],
    as_of: datetime.date,
) -> Evidence:
    """Plain evidence: visits as (enterprise id, date, 谈心, 慰问), problems as (status, appeal id); the
    assigned enterprises as ids or as {id: assignment date} (a quarter counts from the one assigned in)."""
    since = dict(assigned_ids) if isinstance(assigned_ids, dict) else dict.fromkeys(assigned_ids)
    ev = Evidence(year=year, assigned=len(since))
    in_year = [v for v in visits if v[1].year == year and v[1] <= as_of]
    ev.visits = len(in_year)
    ev.enterprises_visited = len({v[0] for v in in_year if v[0] in since})
    ev.heart_to_heart = sum(1 for v in in_year if v[2])
    ev.care_visits = sum(1 for v in in_year if v[3])
    ev.problems_found = len(problems)
    ev.problems_resolved = sum(1 for s, _a in problems if s == ProblemStatus.RESOLVED)
    ev.appeals = sum(1 for _s, a in problems if a)
    # (enterprise, quarter) pairs due: quarters of the year that have ended by as_of, from the assignment's
    quarters = []
    for q in range(4):
        start = datetime.date(year, q * 3 + 1, 1)
        end = quarter_of(start)[1]
        if end <= as_of:
            quarters.append((start, end))
    due = [
        (ent, start, end)
        for ent, day in since.items()
        for start, end in quarters
        if day is None or quarter_of(day)[0] <= start
    ]
    missed = [
        (ent, start)
        for ent, start, end in due
        if not any(v[0] == ent and start <= v[1] <= end for v in in_year)
    ]
    ev.quarter_coverage = (len(due) - len(missed)) / len(due) if due else 1.0
    if missed:
        # Year to date over the quarters that have ended — say so, and which quarters, so that visiting every
        # enterprise this quarter does not read as still "not covered this quarter" (issue 17).
        quarters_missed = "、".join(
            f"第{(m.month - 1) // 3 + 1}季度" for m in sorted({start for _e, start in missed})
        )
        ev.shortfalls.append(
            f"本年已结束的季度中有 {len(missed)} 个企业·季度未走访（{quarters_missed}；"
            f"完成率 {ev.quarter_coverage:.0%}，要求每家企业每季度至少 1 次）"
        )
    year_over = datetime.date(year, 12, 31) <= as_of
    if ev.heart_to_heart < int(rule("heart_to_heart_per_year")):
        ev.shortfalls.append(
            f"谈心谈话 {ev.heart_to_heart} 次，{'未达到' if year_over else '尚未达到'}每年至少 "
            f"{rule('heart_to_heart_per_year')} 次"
        )
    if ev.care_visits < int(rule("care_visits_per_year")):
        ev.shortfalls.append(
            f"走访慰问 {ev.care_visits} 次，{'未达到' if year_over else '尚未达到'}每年至少 {rule('care_visits_per_year')} 次"
        )
    if ev.shortfalls and (citation := cite("guidance.visit_frequency")):
        ev.shortfalls = [f"{s}（{citation}）" for s in ev.shortfalls]
    return ev


def evidence_for(agent: Agent, year: int, as_of: datetime.date | None = None) -> Evidence:
    as_of = as_of or today()
    visits = list(
        Visit.objects.filter(agent=agent, date__year=year).values_list(
            "enterprise_id", "date", "is_heart_to_heart", "is_care_visit"
        )
    )
    problems = list(
        VisitProblem.objects.filter(visit__agent=agent, visit__date__year=year).values_list(
            "status", "appeal_id"
        )
    )
    assigned = assignment_dates([agent.pk])[agent.pk]
    return evidence(year, assigned, visits, problems, min(as_of, datetime.date(year, 12, 31)))


def evidence_many(agents, year: int, as_of: datetime.date | None = None) -> dict[int, Evidence]:
    """Evidence for many agents in four queries."""
    as_of = as_of or today()
    agents = list(agents)
    ids = [a.pk for a in agents]
    assigned = assignment_dates(ids)
    visits, problems = defaultdict(list), defaultdict(list)
    for agent_id, *row in Visit.objects.filter(agent_id__in=ids, date__year=year).values_list(
        "agent_id", "enterprise_id", "date", "is_heart_to_heart", "is_care_visit"
    ):
        visits[agent_id].append(tuple(row))
    for agent_id, status, appeal in VisitProblem.objects.filter(
        visit__agent_id__in=ids, visit__date__year=year
    ).values_list("visit__agent_id", "status", "appeal_id"):
        problems[agent_id].append((status, appeal))
    end = min(as_of, datetime.date(year, 12, 31))
    return {a.pk: evidence(year, assigned[a.pk], visits[a.pk], problems[a.pk], end) for a in agents}


def clean_assessment(agent: Agent, year: int, grade: str, actor) -> str:
    """The assessment checks (the console's form and `assess` share them): one of the four grades (value or
    label; returns the value), a year that has begun, never oneself, never by an instructor or liaison."""
    if grade not in AssessmentGrade.values:
        by_label = {str(label): value for value, label in AssessmentGrade.choices}
        if grade not in by_label:
            raise Refused({"grade": f"考核等次应为：{'、'.join(map(str, AssessmentGrade.labels))}"})
        grade = by_label[grade]
    if year > today().year:
        raise Refused({"year": "不能考核尚未开始的年度"})
    if not is_system(actor):
        if agent.user_id and agent.user_id == actor.pk:
            raise Refused({"agent": "不能考核本人"})
        if is_field_agent(actor):
            raise Refused({"agent": "年度考核由派出单位进行，指导员、联络员不能考核"})
    return grade


@transaction.atomic
def assess(
    agent: Agent, year: int, grade: str, *, actor, comment: str = "", on: datetime.date | None = None
) -> InstructorAssessment:
    """Record (or correct) the yearly assessment of an agent in one of the four grades."""
    require(actor, "view", agent)
    require(actor, "add", model=InstructorAssessment, unit=agent.unit, industry=agent.industry)
    grade = clean_assessment(agent, year, grade, actor)
    obj, created = InstructorAssessment.objects.update_or_create(
        agent=agent,
        year=year,
        defaults={
            "grade": grade,
            "comment": comment.strip(),
            "assessed_by": actor_user(actor),
            "assessed_on": on or today(),
        },
    )
    require(actor, "add" if created else "change", obj)
    return obj

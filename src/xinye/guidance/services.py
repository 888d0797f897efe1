"""Instructors and liaisons: assignment (分级分片), visits (走访), problems, quotas and yearly assessment.

Every state change is one function here, in one transaction, taking a required keyword `actor` and checking
it with `require` before the write and again on the saved row. The computations (the assignment proposal,
due status, evidence) are plain functions over plain values.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from xinye.accounts.permissions import actor_user, is_system, require, restrict
from xinye.appeals.services import file_appeal
from xinye.core import uploads
from xinye.core.errors import OutOfScope, Refused
from xinye.guidance import assignment
from xinye.guidance.choices import AssessmentGrade, DueStatus, ProblemStatus, VisitTopic
from xinye.guidance.models import InstructorAssessment, Visit, VisitPhoto, VisitProblem
from xinye.guidance.rules import rule
from xinye.ledger.models import Enterprise, PartyOrganisation
from xinye.ledger.services import OWN_KINDS
from xinye.orgs.choices import ResponsibilityRole
from xinye.orgs.models import Agent, Responsibility
from xinye.orgs.services import assign_responsibility
from xinye.rulebook.services import cite

READS = (
    "agent_of",
    "assigned_enterprise_ids",
    "assignment_dates",
    "assignment_inputs",
    "clean_assessment",
    "clean_visit",
    "due_for_agent",
    "due_status",
    "evidence",
    "evidence_for",
    "evidence_many",
    "is_field_agent",
    "overdue_list",
    "overdue_counts",
    "propose_for",
    "quarter_label",
    "quarter_of",
    "today",
)


def today() -> datetime.date:
    return timezone.localdate()


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the quarter containing `day`."""
    q = (day.month - 1) // 3
    start = datetime.date(day.year, q * 3 + 1, 1)
    end_month = q * 3 + 3
    end = (datetime.date(day.year + (end_month == 12), end_month % 12 + 1, 1)) - datetime.timedelta(days=1)
    return start, end


def quarter_label(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


# --- assignment: from the database to the plain function and back ---


def _enterprise_ct():
    return ContentType.objects.get_for_model(Enterprise)


def assignment_inputs(enterprises, agents=None):
    """Plain inputs for `assignment.propose` from an Enterprise queryset (already restricted) and agents
    (default: active agents of the enterprises' counties and of any county, so fallbacks can be found)."""
    enterprises = list(enterprises.select_related("region"))
    ids = [e.pk for e in enterprises]
    own = set(
        PartyOrganisation.objects.filter(enterprises__in=ids, unit__kind__in=OWN_KINDS).values_list(
            "enterprises", flat=True
        )
    )
    if agents is None:
        agents = Agent.objects.filter(is_active=True, kind__in=assignment.KINDS)
    agents = list(agents)
    ent_inputs = [
        assignment.EnterpriseInput(
            id=e.pk,
            name=e.name,
            county=e.region_id,
            lat=e.latitude,
            lng=e.longitude,
            has_own_organisation=e.pk in own,
            county_name=e.region.name,
        )
        for e in enterprises
    ]
    rows = Responsibility.objects.filter(
        content_type=_enterprise_ct(),
        role__in=[ResponsibilityRole.INSTRUCTOR, ResponsibilityRole.LIAISON],
        agent__isnull=False,
    ).values_list("object_id", "agent_id", "role")
    input_ids = set(ids)
    existing, outside = [], defaultdict(int)
    for object_id, agent_id, role in rows:
        if object_id in input_ids:
            existing.append(assignment.ExistingAssignment(object_id, agent_id, role))
        else:
            outside[agent_id] += 1
    agent_inputs = [
        assignment.AgentInput(
            id=a.pk,
            name=a.name,
            kind=a.kind,
            county=a.region_id,
            lat=a.latitude,
            lng=a.longitude,
            current_load=outside.get(a.pk, 0),
        )
        for a in agents
    ]
    return ent_inputs, agent_inputs, existing


def propose_for(enterprises, *, replan: bool = False, kinds=assignment.KINDS, tolerance=None):
    """The proposal for an Enterprise queryset, read from the database."""
    ents, agents, existing = assignment_inputs(enterprises)
    return assignment.propose(ents, agents, existing, replan=replan, kinds=kinds, tolerance=tolerance)


@transaction.atomic
def confirm_assignment(proposal_items, *, actor, since: datetime.date | None = None) -> list:
    """Record confirmed proposal items in the responsibility matrix (role instructor/liaison, one agent per
    enterprise and role: a confirmed item replaces the previous holder). Each item is a ProposalItem or a
    dict with enterprise_id, agent_id and kind (or role). The actor must be able to change the enterprise
    and see the agent (OutOfScope otherwise)."""
    recorded = []
    since = since or today()
    for item in proposal_items:
        get = item.get if isinstance(item, dict) else lambda k, d=None, _i=item: getattr(_i, k, d)
        kind = get("kind") or get("role")
        if kind not in (ResponsibilityRole.INSTRUCTOR, ResponsibilityRole.LIAISON):
            raise Refused(f"责任角色应为党建指导员或驻企联络员，而不是“{kind}”")
        ent = restrict(Enterprise.objects.filter(pk=get("enterprise_id")), actor, "change").first()
        agent = restrict(Agent.objects.filter(pk=get("agent_id"), is_active=True), actor, "view").first()
        if ent is None or agent is None:
            raise OutOfScope()
        if agent.kind != kind:
            raise Refused(f"{agent.name} 是{agent.get_kind_display()}，不能担任该企业的{kind}")
        recorded.append(
            assign_responsibility(
                ent, kind, actor=actor, agent=agent, since=since, note="分级分片分配（确认）", replace=True
            )
        )
    return recorded


def agent_of(user) -> Agent | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Agent.objects.filter(user=user, is_active=True).first()


def is_field_agent(user) -> bool:
    """An instructor or liaison acting as such: linked to an agent and holding no unit-wide (tree) role."""
    if user is None or agent_of(user) is None:
        return False
    return not user.role_assignments.filter(role__mode="tree").exists()


def assignment_dates(agent_ids) -> dict[int, dict[int, datetime.date | None]]:
    """agent id → enterprise id → the date the assignment began (None when not recorded)."""
    out: dict[int, dict[int, datetime.date | None]] = defaultdict(dict)
    for agent_id, object_id, since in Responsibility.objects.filter(
        content_type=_enterprise_ct(), agent_id__in=list(agent_ids)
    ).values_list("agent_id", "object_id", "since"):
        out[agent_id][object_id] = since
    return out


def assigned_enterprise_ids(agent: Agent) -> list[int]:
    return list(
        Responsibility.objects.filter(content_type=_enterprise_ct(), agent=agent)
        .values_list("object_id", flat=True)
        .distinct()
    )


# --- visits ---


def _clean_topics(topics) -> list[str]:
    topics = list(topics or [])
    by_label = {str(label): value for value, label in VisitTopic.choices}
    out = []
    for t in topics:
        value = by_label.get(t, t)
        if value not in VisitTopic.values:
            raise Refused({"topics": f"走访内容“{t}”无效，应为：{'、'.join(map(str, VisitTopic.labels))}"})
        if value not in out:
            out.append(value)
    return out


def clean_visit(visit: Visit, actor) -> None:
    """The visit checks (the console's form and `record_visit` share them): a visiting agent, an enterprise
    or a site, a date not in the future, known topics; an instructor or liaison logs only their own visits.
    Raises Refused naming the field."""
    errors = {}
    if not visit.agent_id:
        errors["agent"] = "请选择走访人（指导员或联络员）"
    if not visit.enterprise_id and not (visit.site_note or "").strip():
        errors["enterprise"] = "请选择走访企业，或填写走访的站点/场所"
    if visit.date and visit.date > today():
        errors["date"] = "走访日期不能晚于今天"
    if errors:
        raise Refused(errors)
    visit.topics = _clean_topics(visit.topics)
    if is_field_agent(actor) and agent_of(actor).pk != visit.agent_id:
        raise Refused({"agent": "只能记录本人的走访"})


@transaction.atomic
def record_visit(
    *,
    actor,
    agent: Agent | None = None,
    enterprise=None,
    site_note: str = "",
    date: datetime.date | None = None,
    people_met: str = "",
    topics=(),
    summary: str = "",
    is_heart_to_heart: bool = False,
    is_care_visit: bool = False,
    problems=(),
    photos=(),
) -> Visit:
    """Log a visit (and any problems found). An agent logs their own visits (default: the actor's agent); the
    enterprise must be within the actor's scope (for instructors and liaisons: one they are assigned to)."""
    visit = Visit(
        agent=agent or agent_of(actor),
        enterprise=enterprise,
        site_note=(site_note or "").strip(),
        date=date or today(),
        people_met=people_met.strip(),
        topics=topics,
        summary=summary.strip(),
        is_heart_to_heart=is_heart_to_heart,
        is_care_visit=is_care_visit,
        created_by=actor_user(actor),
    )
    visit = save_visit(visit, actor=actor, problems=problems)
    if photos:
        add_visit_photos(visit, photos, actor=actor)
    return visit


@transaction.atomic
def save_visit(visit: Visit, *, actor, problems=()) -> Visit:
    """Create or change a visit (the console's form builds the instance; `record_visit` from values): the
    checks of `clean_visit`, the agent and enterprise within the actor's sight, and the saved visit within
    what the actor may write — an instructor's, their assigned enterprises — or all rolls back."""
    adding = visit._state.adding
    if not adding:
        require(actor, "change", Visit.objects.get(pk=visit.pk))
    clean_visit(visit, actor)
    require(actor, "view", visit.agent)
    if visit.enterprise_id:
        require(actor, "view", visit.enterprise)
    if adding and visit.created_by_id is None:
        visit.created_by = actor_user(actor)
    visit.save()
    # The placement check runs on the saved row: for instructors and liaisons scope follows the enterprise.
    require(actor, "add" if adding else "change", visit)
    for text in problems:
        if (text or "").strip():
            add_problem(visit, text.strip(), actor=actor)
    return visit


@transaction.atomic
def add_visit_photos(visit: Visit, files, *, actor) -> list[VisitPhoto]:
    """走访留痕: photos of a visit, checked like every photo (core.uploads: JPEG, PNG or WebP by their bytes,
    at most 5 MB, at most MAX_PHOTOS = 6 at a time), stored re-encoded under names that say nothing about
    the visit; all or none."""
    require(actor, "view", visit)
    try:
        checked = uploads.clean_photos(files)
    except uploads.UploadRefused as exc:
        raise Refused({"photos": "；".join(exc.messages)}) from None
    saved = []
    for cleaned in checked:
        photo = VisitPhoto(visit=visit, content_type=uploads.content_type(cleaned))
        photo.file.save(cleaned.name, cleaned, save=True)
        require(actor, "add", photo)
        saved.append(photo)
    return saved


@transaction.atomic
def add_problem(visit: Visit, description: str, *, category: str = "", actor) -> VisitProblem:
    """A problem found on a visit (tracked through PROBLEM_TRANSITIONS; it may become an appeal)."""
    require(actor, "change", visit)
    if not description.strip():
        raise Refused({"description": "请填写问题描述"})
    problem = VisitProblem.objects.create(visit=visit, description=description.strip(), category=category)
    require(actor, "add", problem)
    return problem


# Problem workflow: state → allowed next states (a resolved problem may be reopened).
PROBLEM_TRANSITIONS = {
    ProblemStatus.OPEN: (ProblemStatus.IN_PROGRESS, ProblemStatus.RESOLVED),
    ProblemStatus.IN_PROGRESS: (ProblemStatus.RESOLVED, ProblemStatus.OPEN),
    ProblemStatus.RESOLVED: (ProblemStatus.OPEN,),
}


@transaction.atomic
def set_problem_status(
    problem: VisitProblem, status: str, *, actor, on: datetime.date | None = None, resolution: str = ""
) -> VisitProblem:
    """Move a problem along its transition table; resolving records the date and how it was solved."""
    require(actor, "change", problem)
    allowed = PROBLEM_TRANSITIONS.get(problem.status, ())
    if status not in allowed:
        names = "、".join(str(ProblemStatus(s).label) for s in allowed) or "无"
        raise Refused(
            f"问题当前为“{problem.get_status_display()}”，不能改为“{ProblemStatus(status).label if status in ProblemStatus.values else status}”（可改为：{names}）"
        )
    problem.status = status
    if status == ProblemStatus.RESOLVED:
        problem.resolved_on = on or today()
        if problem.resolved_on < problem.visit.date:
            raise Refused({"resolved_on": "解决日期不能早于发现问题的走访日期"})
    else:
        problem.resolved_on = None
    if resolution:
        problem.resolution = resolution.strip()
    problem.save()
    require(actor, "change", problem)
    return problem


@transaction.atomic
def convert_problem_to_appeal(problem: VisitProblem, *, actor, category: str | None = None):
    """Hand a problem to the appeals loop (诉求收集 → 任务分解 → 跟踪落实). Idempotent per problem.
    `category` is an appeals category (default: the problem's own category, else 其他)."""
    require(actor, "change", problem)
    visit = problem.visit
    region = visit.enterprise.region if visit.enterprise_id else visit.region
    where = visit.enterprise.name if visit.enterprise_id else visit.site_note
    appeal = file_appeal(
        actor=actor,
        category=category or problem.category or "other",
        text=f"{where}：{problem.description}（{visit.date:%Y-%m-%d} 走访发现，走访人 {visit.agent.name}）",
        idempotency_key=f"visit-problem-{problem.pk}",
        source="visit",
        region=region,
        enterprise=visit.enterprise,
    )
    problem.appeal_id = appeal.pk
    if problem.status == ProblemStatus.OPEN:
        problem.status = ProblemStatus.IN_PROGRESS
    problem.save()
    require(actor, "change", problem)
    return appeal


# --- quotas: quarterly visits per assigned enterprise, yearly 谈心 and 慰问 ---


@dataclass
class DueRow:
    enterprise_id: int
    enterprise_name: str
    status: str
    last_visit: datetime.date | None
    quarter_end: datetime.date
    days_left: int
    message: str

    @property
    def status_label(self) -> str:
        return str(DueStatus(self.status).label)


def due_status(
    enterprises: list[tuple[int, str]],
    visit_dates: dict[int, list[datetime.date]],
    as_of: datetime.date,
    since: dict[int, datetime.date | None] | None = None,
) -> list[DueRow]:
    """For each (id, name) enterprise, given the agent's visit dates to it: visited this quarter (done), not
    yet (due), or not visited last quarter either (overdue) — an enterprise assigned only this quarter
    (`since`) cannot be overdue. rules.md: ≥ 1 visit per enterprise per quarter. Overdue first, then due by
    the oldest last visit."""
    since = since or {}
    need = int(rule("visits_per_quarter"))
    q_start, q_end = quarter_of(as_of)
    prev_start, _prev_end = quarter_of(q_start - datetime.timedelta(days=1))
    days_left = (q_end - as_of).days
    rows = []
    for ent_id, name in enterprises:
        dates = sorted(d for d in visit_dates.get(ent_id, []) if d <= as_of)
        last = dates[-1] if dates else None
        this_q = sum(1 for d in dates if d >= q_start)
        prev_q = sum(1 for d in dates if prev_start <= d < q_start)
        last_text = f"上次走访 {last:%Y-%m-%d}" if last else "尚无走访记录"
        if this_q >= need:
            status, msg = DueStatus.DONE, f"本季度已走访（{last:%Y-%m-%d}）"
        elif prev_q < need and not (since.get(ent_id) and since[ent_id] >= q_start):
            status = DueStatus.OVERDUE
            msg = f"上季度未走访，本季度也未走访，{last_text}；请在 {q_end:%Y-%m-%d} 前走访"
        else:
            status = DueStatus.DUE
            msg = f"本季度尚未走访，还剩 {days_left} 天（{q_end:%Y-%m-%d} 截止），{last_text}"
        rows.append(DueRow(ent_id, name, status, last, q_end, days_left, msg))
    order = {DueStatus.OVERDUE: 0, DueStatus.DUE: 1, DueStatus.DONE: 2}
    rows.sort(key=lambda r: (order[r.status], r.last_visit or datetime.date.min, r.enterprise_name))
    return rows


def due_for_agent(agent: Agent, as_of: datetime.date | None = None, enterprises=None) -> list[DueRow]:
    """The agent's assigned enterprises with their quarterly-visit status ("my list")."""
    as_of = as_of or today()
    if enterprises is None:
        enterprises = Enterprise.objects.filter(pk__in=assigned_enterprise_ids(agent))
    ents = list(enterprises.order_by("name").values_list("pk", "name"))
    since = quarter_of(quarter_of(as_of)[0] - datetime.timedelta(days=1))[0]
    dates = defaultdict(list)
    for ent_id, day in Visit.objects.filter(
        agent=agent, enterprise_id__in=[e[0] for e in ents], date__gte=since
    ).values_list("enterprise_id", "date"):
        dates[ent_id].append(day)
    # the last visit may be older than the previous quarter: fetch it for the message
    older = (
        Visit.objects.filter(
            agent=agent, enterprise_id__in=[e for e, _n in ents if e not in dates], date__lt=since
        )
        .order_by()
        .values_list("enterprise_id", "date")
    )
    for ent_id, day in older:
        dates[ent_id].append(day)
    return due_status(ents, dates, as_of, assignment_dates([agent.pk])[agent.pk])


def overdue_list(agents, enterprises, as_of: datetime.date | None = None) -> list[tuple[Agent, DueRow]]:
    """Across several agents (a restricted queryset): every assigned enterprise not yet visited this quarter,
    overdue first — among `enterprises` only (the reader's restricted Enterprise queryset: an agent may also
    serve enterprises of another industry or county that the reader must not see). Three queries whatever the
    number of agents."""
    as_of = as_of or today()
    agents = {a.pk: a for a in agents}
    pairs = assignment_dates(agents)
    names = dict(
        enterprises.filter(pk__in={e for ids in pairs.values() for e in ids}).values_list("pk", "name")
    )
    pairs = {a: {e: d for e, d in ids.items() if e in names} for a, ids in pairs.items()}
    dates = defaultdict(lambda: defaultdict(list))
    for agent_id, ent_id, day in Visit.objects.filter(agent_id__in=list(agents), date__lte=as_of).values_list(
        "agent_id", "enterprise_id", "date"
    ):
        dates[agent_id][ent_id].append(day)
    out = []
    for agent_id, ent_ids in pairs.items():
        rows = due_status([(e, names[e]) for e in ent_ids], dates[agent_id], as_of, ent_ids)
        out += [(agents[agent_id], r) for r in rows if r.status != DueStatus.DONE]
    order = {DueStatus.OVERDUE: 0, DueStatus.DUE: 1}
    out.sort(key=lambda t: (order[t[1].status], t[0].region_id, t[0].name, t[1].enterprise_name))
    return out


def overdue_counts(agents, enterprises, as_of: datetime.date | None = None) -> tuple[int, int]:
    """(overdue, not yet visited this quarter): the two figures `overdue_list` gives for the same agents (a
    restricted queryset) and enterprises (the reader's restricted queryset), counted in one aggregate query
    instead of listed — the console home's card, which at province scale listed 100,000s of (agent,
    enterprise) pairs in Python for two numbers (issue 17).

    "Visited enough" is a filter (EXISTS, which the database runs as one anti-join over the quarter's visits),
    not a per-pair count in the select list (a subquery per responsibility row: 0.8 s at 116,667 pairs)."""
    from django.db.models import Count, Exists, Max, OuterRef, Q

    as_of = as_of or today()
    need = int(rule("visits_per_quarter"))
    if need <= 0:
        return 0, 0  # every enterprise has had its visits
    q_start, _q_end = quarter_of(as_of)
    prev_start, _prev_end = quarter_of(q_start - datetime.timedelta(days=1))

    def visited(since, until):
        """At least `need` visits of the pair's agent to its enterprise between the two dates."""
        qs = Visit.objects.filter(
            agent_id=OuterRef("agent_id"),
            enterprise_id=OuterRef("object_id"),
            date__gte=since,
            date__lte=until,
        )
        return Exists(qs.order_by("pk")[need - 1 : need] if need > 1 else qs)

    pairs = (
        Responsibility.objects.filter(
            content_type=_enterprise_ct(),
            agent_id__in=agents.values("pk"),
            object_id__in=enterprises.values("pk"),
        )
        .exclude(visited(q_start, as_of))  # done this quarter: not pending
        .order_by()
        .values("agent_id", "object_id")  # one row per (agent, enterprise), as overdue_list keys them
        .annotate(since=Max("since"), prev=visited(prev_start, q_start - datetime.timedelta(days=1)))
    )
    # assigned only this quarter: not overdue yet
    overdue = Q(prev=False) & (Q(since__lt=q_start) | Q(since__isnull=True))
    totals = pairs.aggregate(pending=Count("agent_id"), overdue=Count("agent_id", filter=overdue))
    return totals["overdue"], totals["pending"]


# --- yearly evidence and assessment ---


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

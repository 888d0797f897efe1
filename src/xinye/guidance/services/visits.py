"""Visits (走访) and the problems found on them: record, change, follow up."""

from __future__ import annotations

import datetime

from django.db import transaction

from xinye.accounts.permissions import actor_user, require
from xinye.appeals.services import file_appeal
from xinye.core import uploads
from xinye.core.errors import Refused
from xinye.guidance.choices import ProblemStatus, VisitTopic
from xinye.guidance.models import Visit, VisitPhoto, VisitProblem
from xinye.guidance.services.assignment import agent_of, is_field_agent
from xinye.guidance.services.common import today
from xinye.orgs.models import Agent

# The pure rules and queries of this module (no actor: they write nothing).
READS = ("clean_visit",)


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

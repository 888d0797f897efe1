"""Instructors and liaisons: assignment proposals, visits, problems, quarterly due lists, yearly assessments."""

import datetime

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.api.common import get_scoped, require, scoped
from xinye.core.errors import Refused
from xinye.guidance import services
from xinye.guidance.choices import DueStatus
from xinye.guidance.models import Agent, InstructorAssessment, Visit, VisitProblem
from xinye.ledger.models import Enterprise

router = Router()
TAG = "指导员与走访"


# --- assignment ---


class ProposeIn(Schema):
    region: str | None = None  # a county code; empty: every enterprise in scope
    kinds: list[str] = ["instructor", "liaison"]
    replan: bool = False
    tolerance: int | None = None


class ProposalItemOut(Schema):
    enterprise_id: int
    enterprise_name: str
    county: str
    kind: str
    agent_id: int
    agent_name: str
    agent_county: str
    distance_km: float | None
    load_before: int
    same_county: bool
    change: str
    previous_agent_id: int | None
    explanation: str


class UnassignedOut(Schema):
    enterprise_id: int
    kind: str
    reason: str


class ProposalOut(Schema):
    items: list[ProposalItemOut]
    notes: list[str]
    unassigned: list[UnassignedOut]
    loads: dict[int, int]


class ConfirmItem(Schema):
    enterprise_id: int
    agent_id: int
    kind: str


class ConfirmIn(Schema):
    items: list[ConfirmItem]


class ConfirmOut(Schema):
    recorded: int


def _assignable(request):
    require(request, "change", Enterprise)
    return scoped(request, Enterprise.objects.filter(is_active=True), "change")


@router.post("/assignments/propose", response=ProposalOut, summary="生成分级分片分配方案（不写入）")
def propose(request, payload: ProposeIn):
    enterprises = _assignable(request)
    if payload.region:
        enterprises = enterprises.filter(region_id=payload.region)
    kinds = tuple(k for k in payload.kinds if k in ("instructor", "liaison"))
    if not kinds:
        raise Refused({"kinds": "kinds 应为 instructor 和/或 liaison"})
    p = services.propose_for(enterprises, replan=payload.replan, kinds=kinds, tolerance=payload.tolerance)
    return {
        "items": p.items,
        "notes": p.notes,
        "unassigned": [{"enterprise_id": e, "kind": k, "reason": r} for e, k, r in p.unassigned],
        "loads": p.loads,
    }


@router.post("/assignments/confirm", response=ConfirmOut, summary="确认分配，写入责任矩阵")
def confirm(request, payload: ConfirmIn):
    _assignable(request)
    recorded = services.confirm_assignment([i.dict() for i in payload.items], actor=request.user)
    return {"recorded": len(recorded)}


# --- visits ---


class ProblemOut(Schema):
    id: int
    visit_id: int
    description: str
    category: str
    status: str
    status_label: str
    resolved_on: datetime.date | None
    resolution: str
    appeal_id: int | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class VisitOut(Schema):
    id: int
    date: datetime.date
    agent_id: int
    agent_name: str
    enterprise_id: int | None
    enterprise_name: str
    site_note: str
    people_met: str
    topics: list[str]
    topic_labels: list[str]
    summary: str
    is_heart_to_heart: bool
    is_care_visit: bool
    problems: list[ProblemOut]

    @staticmethod
    def resolve_agent_name(obj):
        return obj.agent.name

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name if obj.enterprise_id else ""

    @staticmethod
    def resolve_problems(obj):
        return list(obj.problems.all())


class VisitIn(Schema):
    date: datetime.date | None = None
    enterprise_id: int | None = None
    site_note: str = ""
    agent_id: int | None = None
    people_met: str = ""
    topics: list[str] = []
    summary: str = ""
    is_heart_to_heart: bool = False
    is_care_visit: bool = False
    problems: list[str] = []


def _visits(request):
    return scoped(request, Visit.objects.select_related("agent", "enterprise").prefetch_related("problems"))


@router.get("/visits", response=list[VisitOut], summary="走访记录")
@paginate(LimitOffsetPagination)
def list_visits(
    request,
    agent: int | None = None,
    enterprise: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    qs = _visits(request)
    if agent:
        qs = qs.filter(agent_id=agent)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


@router.get("/visits/{visit_id}", response=VisitOut, summary="走访记录详情")
def get_visit(request, visit_id: int):
    return get_scoped(request, _visits(request), pk=visit_id)


@router.post("/visits", response={201: VisitOut}, summary="记录走访")
def create_visit(request, payload: VisitIn):
    require(request, "add", Visit)
    enterprise = None
    if payload.enterprise_id:
        enterprise = get_scoped(request, Enterprise.objects.all(), pk=payload.enterprise_id)
    agent = None
    if payload.agent_id:
        agent = get_scoped(request, Agent.objects.all(), pk=payload.agent_id)
    visit = services.record_visit(
        actor=request.user,
        agent=agent,
        enterprise=enterprise,
        site_note=payload.site_note,
        date=payload.date,
        people_met=payload.people_met,
        topics=payload.topics,
        summary=payload.summary,
        is_heart_to_heart=payload.is_heart_to_heart,
        is_care_visit=payload.is_care_visit,
        problems=payload.problems,
    )
    return Status(201, _visits(request).get(pk=visit.pk))


class ProblemIn(Schema):
    description: str
    category: str = ""


@router.post("/visits/{visit_id}/problems", response={201: ProblemOut}, summary="为走访补记发现的问题")
def add_problem(request, visit_id: int, payload: ProblemIn):
    visit = get_scoped(request, Visit.objects.all(), "change", pk=visit_id)
    return Status(
        201, services.add_problem(visit, payload.description, category=payload.category, actor=request.user)
    )


@router.get("/visit-problems", response=list[ProblemOut], summary="走访发现的问题")
@paginate(LimitOffsetPagination)
def list_problems(request, status: str | None = None):
    qs = scoped(request, VisitProblem.objects.all())
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/visit-problems/{problem_id}", response=ProblemOut, summary="问题详情")
def get_problem(request, problem_id: int):
    return get_scoped(request, VisitProblem.objects.all(), pk=problem_id)


class ProblemStatusIn(Schema):
    status: str
    resolution: str = ""
    resolved_on: datetime.date | None = None


@router.post("/visit-problems/{problem_id}/status", response=ProblemOut, summary="更新问题状态")
def problem_status(request, problem_id: int, payload: ProblemStatusIn):
    problem = get_scoped(request, VisitProblem.objects.select_related("visit"), "change", pk=problem_id)
    return services.set_problem_status(
        problem, payload.status, actor=request.user, on=payload.resolved_on, resolution=payload.resolution
    )


class AppealIn(Schema):
    category: str | None = None  # an appeals category (wages, school, hardship, … other)


@router.post("/visit-problems/{problem_id}/appeal", response=ProblemOut, summary="问题转为诉求")
def problem_to_appeal(request, problem_id: int, payload: AppealIn):
    problem = get_scoped(request, VisitProblem.objects.select_related("visit"), "change", pk=problem_id)
    services.convert_problem_to_appeal(problem, actor=request.user, category=payload.category)
    problem.refresh_from_db()
    return problem


# --- quarterly due lists ---


class DueOut(Schema):
    enterprise_id: int
    enterprise_name: str
    status: str
    status_label: str
    last_visit: datetime.date | None
    quarter_end: datetime.date
    days_left: int
    message: str


class OverdueOut(DueOut):
    agent_id: int
    agent_name: str


@router.get("/guidance/my-enterprises", response=list[DueOut], summary="我联系的企业及本季度走访情况")
def my_enterprises(request, status: str | None = None):
    agent = services.agent_of(request.user)
    if agent is None:
        raise Http404
    ents = scoped(request, Enterprise.objects.filter(pk__in=services.assigned_enterprise_ids(agent)))
    rows = services.due_for_agent(agent, enterprises=ents)
    return [r for r in rows if not status or r.status == status]


@router.get("/guidance/overdue", response=list[OverdueOut], summary="本季度待走访和逾期的企业（按人员）")
@paginate(LimitOffsetPagination)
def overdue(request, status: str | None = None, region: str | None = None):
    require(request, "view", Visit)
    agents = scoped(request, Agent.objects.filter(is_active=True))
    if region:
        agents = agents.filter(region_id=region)
    rows = services.overdue_list(agents, scoped(request, Enterprise.objects.all()))
    out = []
    for agent, r in rows:
        if status and r.status != status:
            continue
        out.append(
            {
                **r.__dict__,
                "status_label": str(DueStatus(r.status).label),
                "agent_id": agent.pk,
                "agent_name": agent.name,
            }
        )
    return out


# --- yearly assessment ---


class EvidenceOut(Schema):
    year: int
    assigned: int
    visits: int
    enterprises_visited: int
    quarter_coverage: float
    heart_to_heart: int
    care_visits: int
    problems_found: int
    problems_resolved: int
    appeals: int
    shortfalls: list[str]
    summary: str


class AssessmentOut(Schema):
    id: int
    agent_id: int
    agent_name: str
    year: int
    grade: str
    grade_label: str
    comment: str
    assessed_on: datetime.date | None
    evidence: EvidenceOut

    @staticmethod
    def resolve_agent_name(obj):
        return obj.agent.name

    @staticmethod
    def resolve_grade_label(obj):
        return obj.get_grade_display()

    @staticmethod
    def resolve_evidence(obj):
        return services.evidence_for(obj.agent, obj.year)


class AssessmentIn(Schema):
    agent_id: int
    year: int
    grade: str
    comment: str = ""


@router.get("/assessments", response=list[AssessmentOut], summary="指导员年度考核（含系统统计的依据）")
@paginate(LimitOffsetPagination)
def list_assessments(request, year: int | None = None, agent: int | None = None):
    qs = scoped(request, InstructorAssessment.objects.select_related("agent"))
    if year:
        qs = qs.filter(year=year)
    if agent:
        qs = qs.filter(agent_id=agent)
    return qs


@router.get("/assessments/evidence", response=EvidenceOut, summary="某人某年度的考核依据")
def assessment_evidence(request, agent: int, year: int):
    require(request, "view", InstructorAssessment)
    obj = get_scoped(request, Agent.objects.all(), pk=agent)
    return services.evidence_for(obj, year)


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="年度考核详情")
def get_assessment(request, assessment_id: int):
    return get_scoped(request, InstructorAssessment.objects.select_related("agent"), pk=assessment_id)


@router.post("/assessments", response={201: AssessmentOut}, summary="记录年度考核")
def create_assessment(request, payload: AssessmentIn):
    require(request, "add", InstructorAssessment)
    agent = get_scoped(request, Agent.objects.all(), pk=payload.agent_id)
    obj = services.assess(agent, payload.year, payload.grade, actor=request.user, comment=payload.comment)
    return Status(201, obj)

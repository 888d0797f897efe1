"""Instructors and liaisons: assignment proposals, visits, problems, quarterly due lists, yearly assessments."""

import datetime

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.api.common import Year, get_scoped, require, scoped
from xinye.api.lists import Endpoints
from xinye.core.errors import Refused
from xinye.guidance import services
from xinye.guidance.choices import DueStatus
from xinye.guidance.filters import ASSESSMENT_FILTERS, PROBLEM_FILTERS, VISIT_FILTERS
from xinye.guidance.models import InstructorAssessment, Visit, VisitProblem
from xinye.ledger.models import Enterprise
from xinye.orgs.models import Agent

router = Router()
endpoints = Endpoints(router, __name__)
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


class GuidanceProposalOut(Schema):
    items: list[ProposalItemOut]
    notes: list[str]
    unassigned: list[UnassignedOut]
    loads: dict[int, int]


class ConfirmItem(Schema):
    enterprise_id: int
    agent_id: int
    kind: str


class GuidanceConfirmIn(Schema):
    items: list[ConfirmItem]


class ConfirmOut(Schema):
    recorded: int


def _assignable(request):
    require(request, "change", Enterprise)
    return scoped(request, Enterprise.objects.filter(is_active=True), "change")


@router.post("/assignments/propose", response=GuidanceProposalOut, summary="生成分级分片分配方案（不写入）")
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
def confirm(request, payload: GuidanceConfirmIn):
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


class GuidanceVisitIn(Schema):
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


_visits = Visit.objects.select_related("agent", "enterprise").prefetch_related("problems")


endpoints.list("/visits", "list_visits", _visits, VisitOut, filters=VISIT_FILTERS, summary="走访记录")
endpoints.detail("/visits/{visit_id}", "get_visit", _visits, VisitOut, summary="走访记录详情")
endpoints.create(
    "/visits",
    "create_visit",
    GuidanceVisitIn,
    VisitOut,
    services.record_visit,
    model=Visit,
    refs={
        "enterprise_id": ("enterprise", Enterprise.objects.all()),
        "agent_id": ("agent", Agent.objects.all()),
    },
    read_back=_visits,
    summary="记录走访",
)


class ProblemIn(Schema):
    description: str
    category: str = ""


@router.post("/visits/{visit_id}/problems", response={201: ProblemOut}, summary="为走访补记发现的问题")
def add_problem(request, visit_id: int, payload: ProblemIn):
    visit = get_scoped(request, Visit.objects.all(), "change", pk=visit_id)
    return Status(
        201, services.add_problem(visit, payload.description, category=payload.category, actor=request.user)
    )


endpoints.list(
    "/visit-problems",
    "list_problems",
    VisitProblem.objects.all(),
    ProblemOut,
    filters=PROBLEM_FILTERS,
    summary="走访发现的问题",
)
endpoints.detail(
    "/visit-problems/{problem_id}", "get_problem", VisitProblem.objects.all(), ProblemOut, summary="问题详情"
)


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


class GuidanceAppealIn(Schema):
    category: str | None = None  # an appeals category (wages, school, hardship, … other)


@router.post("/visit-problems/{problem_id}/appeal", response=ProblemOut, summary="问题转为诉求")
def problem_to_appeal(request, problem_id: int, payload: GuidanceAppealIn):
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


class GuidanceAssessmentOut(Schema):
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


_assessments = InstructorAssessment.objects.select_related("agent")


class AssessmentIn(Schema):
    agent_id: int
    year: Year
    grade: str
    comment: str = ""


endpoints.list(
    "/assessments",
    "list_assessments",
    _assessments,
    GuidanceAssessmentOut,
    filters=ASSESSMENT_FILTERS,
    summary="指导员年度考核（含系统统计的依据）",
)


@router.get("/assessments/evidence", response=EvidenceOut, summary="某人某年度的考核依据")
def assessment_evidence(request, agent: int, year: Year):
    require(request, "view", InstructorAssessment)
    obj = get_scoped(request, Agent.objects.all(), pk=agent)
    return services.evidence_for(obj, year)


endpoints.detail(
    "/assessments/{assessment_id}",
    "get_assessment",
    _assessments,
    GuidanceAssessmentOut,
    summary="年度考核详情",
)


endpoints.create(
    "/assessments",
    "create_assessment",
    AssessmentIn,
    GuidanceAssessmentOut,
    services.assess,
    model=InstructorAssessment,
    refs={"agent_id": ("agent", Agent.objects.all())},
    summary="记录年度考核",
)

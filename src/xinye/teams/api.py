"""The three teams under /api/v1/: the roster (`GET /party-workers`, who serves now; `?history=true` with the
ended posts), appointment and removal as actions, the figures (`GET /stats/party-workers`, and by county or
industry), the reserve pool, training plans with their completion lists, incentives, assessments and
党员先锋岗. Every list is scoped; every write calls the service with `actor=request.user`."""

import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.api.common import Year, get_scoped, require, scoped
from xinye.api.lists import Endpoints, query_schema
from xinye.core.errors import Refused
from xinye.ledger.models import PartyMember, PartyOrganisation
from xinye.teams import services
from xinye.teams.choices import Source
from xinye.teams.filters import (
    ASSESSMENT_FILTERS,
    INCENTIVE_FILTERS,
    PLAN_FILTERS,
    RESERVE_FILTERS,
    VANGUARD_FILTERS,
    WORKER_FILTERS,
)
from xinye.teams.models import (
    Incentive,
    PartyWorker,
    ReserveCandidate,
    TeamAssessment,
    TrainingPlan,
    VanguardPost,
)

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "三支队伍"


class TeamsOrgRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj):
        return obj.unit.name


class WorkerOut(Schema):
    id: int
    post: str = Field(description="secretary / committee_member / party_worker")
    post_label: str
    name: str
    source: str = Field(description="dispatched（外部选派）/ internal（内部培养）")
    dispatched_from: str
    full_time: bool
    management_level: str | None = Field(description="senior / middle，或 null")
    enterprise_post: str | None = Field(description="交叉任职：在企业管理层担任的职务，或 null")
    organisation: TeamsOrgRef
    county: str
    industry: str
    since: datetime.date
    term_ends_on: datetime.date | None
    until: datetime.date | None
    end_reason: str

    @staticmethod
    def resolve_post_label(obj):
        return obj.get_post_display()

    @staticmethod
    def resolve_management_level(obj):
        return obj.management_level or None

    @staticmethod
    def resolve_enterprise_post(obj):
        return obj.enterprise_post or None

    @staticmethod
    def resolve_county(obj):
        return obj.region_id


_workers = PartyWorker.objects.select_related("organisation__unit").order_by(
    "unit__path", "post", "-since", "pk"
)
WorkerQuery = query_schema(WORKER_FILTERS, "TeamsListPartyWorkersQuery")


@router.get("/party-workers", response=list[WorkerOut], summary="三支队伍名册（书记、委员、党务工作者）")
@paginate(LimitOffsetPagination)
def list_party_workers(request, filters: Query[WorkerQuery]):  # type: ignore[valid-type]
    """在任人员；`history=true` 时含已离任的任职记录（历史）。`cross_appointed=true` 为交叉任职人员。"""
    params = filters.dict()
    qs = scoped(request, _workers)
    if not params.get("history"):
        qs = qs.filter(until__isnull=True)
    return WORKER_FILTERS.apply(qs, params, actor=request.user)


endpoints.detail("/party-workers/{worker_id}", "get_party_worker", _workers, WorkerOut, summary="任职详情")


class AppointIn(Schema):
    organisation_id: int
    post: str
    source: str = Source.INTERNAL
    member_id: int | None = None
    name: str = ""
    dispatched_from: str = ""
    full_time: bool = False
    management_level: str = ""
    enterprise_post: str = ""
    since: datetime.date | None = None
    term_ends_on: datetime.date | None = None
    birth_year: Year | None = None
    education: str = ""


@router.post("/party-workers", response={201: WorkerOut}, summary="任职（书记须有审批权限）")
def appoint(request, payload: AppointIn):
    require(request, "add", PartyWorker)
    data = payload.dict()
    org = get_scoped(
        request, PartyOrganisation.objects.select_related("unit"), pk=data.pop("organisation_id")
    )
    member_id = data.pop("member_id")
    member = (
        get_scoped(request, PartyMember.objects.select_related("practitioner"), pk=member_id)
        if member_id
        else None
    )
    worker = services.appoint(org, member=member, actor=request.user, **data)
    return Status(201, _workers.get(pk=worker.pk))


class RemoveIn(Schema):
    on: datetime.date | None = None
    reason: str


@router.post("/party-workers/{worker_id}/remove", response=WorkerOut, summary="免职/离任（保留为历史）")
def remove(request, worker_id: int, payload: RemoveIn):
    worker = get_scoped(request, _workers, "change", pk=worker_id)
    services.remove(worker, actor=request.user, on=payload.on, reason=payload.reason)
    return _workers.get(pk=worker.pk)


class WorkerPatch(Schema):
    full_time: bool | None = None
    management_level: str | None = None
    enterprise_post: str | None = None
    term_ends_on: datetime.date | None = None
    dispatched_from: str | None = None
    birth_year: Year | None = None
    education: str | None = None


@router.patch("/party-workers/{worker_id}", response=WorkerOut, summary="修改专兼职、交叉任职、任期等")
def update_party_worker(request, worker_id: int, payload: WorkerPatch):
    worker = get_scoped(request, _workers, "change", pk=worker_id)
    services.update_worker(worker, actor=request.user, **payload.dict(exclude_unset=True))
    return _workers.get(pk=worker.pk)


# --- figures ---


class WorkerStats(Schema):
    secretaries: int
    committee_members: int
    party_workers: int
    organisations_without_secretary: int
    terms_ending_90d: int = Field(description="在任书记中任期在今后 90 天内届满的人数")
    terms_overdue: int = Field(description="在任书记中任期已届满、尚未换届的人数")
    cross_appointment_rate: float = Field(
        description="交叉任职率 0–1：书记或委员在企业任高/中层职务的党组织 ÷ 党组织"
    )
    full_time: int = Field(description="专职人数（按人计）")
    part_time: int = Field(description="兼职人数（按人计）")
    training_completion_rate: float = Field(description="本年度培训完成率 0–1（外派且不在台账的人员不计）")
    organisations: int
    cross_appointed_organisations: int
    dispatched: int
    internal: int
    age_structure: dict[str, int]
    education_structure: dict[str, int]


@router.get("/stats/party-workers", response=WorkerStats, summary="三支队伍统计（本人管辖范围）")
def stats_party_workers(request, region: str | None = None, industry: str | None = None):
    require(request, "view", PartyWorker)
    return services.stats(request.user, region, industry)


class GroupStats(WorkerStats):
    key: str
    name: str
    full_part_ratio: str


class StructureOut(Schema):
    by: str
    rows: list[GroupStats]


@router.get("/stats/party-workers/structure", response=StructureOut, summary="三支队伍统计（按旗县区或行业）")
def stats_party_workers_structure(
    request, by: str = "county", region: str | None = None, industry: str | None = None
):
    require(request, "view", PartyWorker)
    if by not in ("county", "industry"):
        raise Refused({"by": "参数 by 应为 county 或 industry"})
    rows = [
        {**g.as_dict(), "key": g.key, "name": g.name, "full_part_ratio": g.full_part_ratio}
        for g in services.structure(request.user, by, region, industry)
    ]
    return {"by": by, "rows": rows}


# --- reserve pool, plans, incentives, assessments, 先锋岗 ---


class ReserveOut(Schema):
    id: int
    organisation: TeamsOrgRef
    member_id: int
    name: str
    post: str
    status: str
    note: str
    added_on: datetime.date

    @staticmethod
    def resolve_name(obj):
        return obj.member.practitioner.name


_reserve = ReserveCandidate.objects.select_related("organisation__unit", "member__practitioner")
endpoints.list(
    "/reserve-candidates", "list_reserve", _reserve, ReserveOut, filters=RESERVE_FILTERS, summary="后备人选"
)
endpoints.detail(
    "/reserve-candidates/{candidate_id}", "get_reserve", _reserve, ReserveOut, summary="后备人选详情"
)


class TeamsPlanOut(Schema):
    id: int
    year: int
    title: str
    unit_id: int
    county: str | None
    industry: str
    course_ids: list[int]
    note: str

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_course_ids(obj):
        return [c.pk for c in obj.courses.all()]


_plans = TrainingPlan.objects.prefetch_related("courses")
endpoints.list(
    "/training-plans", "list_plans", _plans, TeamsPlanOut, filters=PLAN_FILTERS, summary="年度培训计划"
)
endpoints.detail("/training-plans/{plan_id}", "get_plan", _plans, TeamsPlanOut, summary="年度培训计划详情")


class CompletionOut(Schema):
    worker_id: int
    name: str
    post: str
    organisation: str
    required_hours: int
    hours: Decimal | None
    done: bool | None


@router.get("/training-plans/{plan_id}/completion", response=list[CompletionOut], summary="培训完成名单")
def plan_completion(request, plan_id: int):
    """计划覆盖的在任人员（计划所在旗县区、行业的党组织），本年度学时与要求学时；hours 为 null 的是不在台账的外派人员。"""
    plan = get_scoped(request, _plans, pk=plan_id)
    visible = set(scoped(request, PartyWorker.objects.all()).values_list("pk", flat=True))
    return [
        {
            "worker_id": c.worker.pk,
            "name": c.worker.name,
            "post": c.worker.post,
            "organisation": c.worker.organisation.unit.name,
            "required_hours": c.required,
            "hours": c.hours,
            "done": c.done,
        }
        for c in services.plan_completion(plan)
        if c.worker.pk in visible
    ]


class IncentiveOut(Schema):
    id: int
    worker_id: int
    kind: str
    title: str
    amount: Decimal | None
    granted_on: datetime.date
    granted_by: str


_incentives = Incentive.objects.all()
endpoints.list(
    "/team-incentives",
    "list_incentives",
    _incentives,
    IncentiveOut,
    filters=INCENTIVE_FILTERS,
    summary="激励（补贴、表彰）",
)
endpoints.detail(
    "/team-incentives/{incentive_id}", "get_incentive", _incentives, IncentiveOut, summary="激励详情"
)


class TeamsAssessmentOut(Schema):
    id: int
    worker_id: int
    name: str
    year: int
    grade: str
    grade_label: str
    comment: str
    assessed_on: datetime.date | None

    @staticmethod
    def resolve_name(obj):
        return obj.worker.name

    @staticmethod
    def resolve_grade_label(obj):
        return obj.get_grade_display()


_assessments = TeamAssessment.objects.select_related("worker")
endpoints.list(
    "/team-assessments",
    "list_assessments",
    _assessments,
    TeamsAssessmentOut,
    filters=ASSESSMENT_FILTERS,
    summary="书记和党务工作者年度考核",
)
endpoints.detail(
    "/team-assessments/{assessment_id}",
    "get_assessment",
    _assessments,
    TeamsAssessmentOut,
    summary="年度考核详情",
)


class VanguardOut(Schema):
    id: int
    organisation: TeamsOrgRef
    member_id: int
    name: str
    kind: str
    kind_label: str
    title: str
    enterprise_id: int | None
    station_id: int | None
    since: datetime.date
    until: datetime.date | None

    @staticmethod
    def resolve_name(obj):
        return obj.member.practitioner.name

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


_vanguard = VanguardPost.objects.select_related("organisation__unit", "member__practitioner")
endpoints.list(
    "/vanguard-posts",
    "list_vanguard",
    _vanguard,
    VanguardOut,
    filters=VANGUARD_FILTERS,
    summary="党员先锋岗（亮身份）",
)
endpoints.detail(
    "/vanguard-posts/{post_id}", "get_vanguard", _vanguard, VanguardOut, summary="党员先锋岗详情"
)

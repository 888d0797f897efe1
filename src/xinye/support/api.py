"""Enterprise services under /api/v1/: `GET /enterprise-needs` (scoped, filtered) and the need loop's steps as
POST actions; a handling unit's tasks (`/enterprise-need-tasks`); the policy catalogue and its reach; 银企/保险
对接 — institutions, products, events, matches and their outcome; `GET /stats/enterprise-services`.

A need is visible to its enterprise's county (and the instructor and liaison of the enterprise); a task to
its handling unit's tree, which sees the need it works on through the task."""

import datetime
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.api.common import Ref, decimal_of, get_scoped, require, scoped
from xinye.api.lists import Endpoints, query_schema
from xinye.ledger.models import Enterprise
from xinye.orgs.models import OrgUnit
from xinye.support import services
from xinye.support.filters import (
    EVENT_FILTERS,
    INSTITUTION_FILTERS,
    MATCH_FILTERS,
    NEED_FILTERS,
    POLICY_FILTERS,
    PRODUCT_FILTERS,
    REACH_FILTERS,
    TASK_FILTERS,
)
from xinye.support.models import (
    EnterpriseNeed,
    Institution,
    Match,
    MatchEvent,
    NeedTask,
    Policy,
    PolicyReach,
    Product,
)

# Decimal inputs bounded as their column stores them (issue 18 item 10: more digits were stored, then every
# read of the list failed)
ENTERPRISE_NEED_AMOUNT = decimal_of(EnterpriseNeed, "amount")
POLICY_REACH_BENEFIT = decimal_of(PolicyReach, "benefit")
MATCH_AMOUNT = decimal_of(Match, "amount")

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "精准服务企业"


class NeedOut(Schema):
    id: int
    number: str
    enterprise: Ref
    kind: str
    kind_label: str
    title: str
    details: str
    amount: Decimal | None
    county: str
    county_name: str
    unit: Ref
    status: str
    status_label: str
    submitted_at: datetime.datetime
    answer_due_at: datetime.datetime | None
    due_at: datetime.datetime | None
    answer: str
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    resolved: bool | None
    on_time: bool | None
    overdue: bool
    reject_reason: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_county_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue


class NeedBrief(Schema):
    id: int
    number: str
    enterprise: Ref
    kind: str
    title: str
    details: str


class SupportTaskOut(Schema):
    id: int
    need: NeedBrief
    unit: Ref
    status: str
    status_label: str
    instruction: str
    assigned_at: datetime.datetime
    sign_due_at: datetime.datetime | None
    signed_at: datetime.datetime | None
    due_at: datetime.datetime | None
    answer: str
    answered_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    return_reason: str
    overdue: bool
    escalated_to: Ref | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue


class SupportEventOut(Schema):
    at: datetime.datetime = Field(..., alias="created_at")
    kind: str
    actor: str = Field(..., alias="actor_label")
    task_id: int | None
    note: str


class NeedDetail(NeedOut):
    tasks: list[SupportTaskOut]
    events: list[SupportEventOut]

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.select_related("unit", "escalated_to", "need__enterprise").order_by("pk"))

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.order_by("created_at", "pk"))


class NeedIn(Schema):
    enterprise: int
    kind: str
    title: str
    details: str = ""
    amount: ENTERPRISE_NEED_AMOUNT | None = None
    contact: str = ""


class SupportDispatchIn(Schema):
    units: list[int] = Field(default_factory=list, description="承办单位 id；不填则按规则默认派单")
    instruction: str = ""


class SupportTextIn(Schema):
    text: str


class SupportCloseIn(Schema):
    resolved: bool


_needs = EnterpriseNeed.objects.select_related("enterprise", "unit", "region")
_tasks = NeedTask.objects.select_related("need__enterprise", "unit", "escalated_to")

endpoints.list(
    "/enterprise-needs",
    "list_needs",
    _needs,
    NeedOut,
    filters=NEED_FILTERS,
    summary="企业需求清单",
    description="""本辖区企业提出的需求（融资、骑手保险、场地、招工、政策咨询、合规），可按类别、状态、旗县区、
    是否逾期筛选。""",
)
endpoints.detail(
    "/enterprise-needs/{need_id}", "get_need", _needs, NeedDetail, summary="企业需求详情（含任务与办理记录）"
)


@router.post("/enterprise-needs", response={201: NeedDetail}, summary="登记企业需求")
def create_need(request, payload: NeedIn):
    require(request, "add", EnterpriseNeed)
    enterprise = get_scoped(request, Enterprise.objects.all(), pk=payload.enterprise)
    need = services.file_need(
        actor=request.user,
        enterprise=enterprise,
        kind=payload.kind,
        title=payload.title,
        details=payload.details,
        amount=payload.amount,
        contact=payload.contact,
    )
    return Status(201, _needs.get(pk=need.pk))


def _need(request, need_id):
    return get_scoped(request, _needs, "change", pk=need_id)


def _task(request, task_id):
    return get_scoped(request, _tasks, "change", pk=task_id)


@router.post(
    "/enterprise-needs/{need_id}/dispatch", response=NeedDetail, summary="派单（不指定单位则按规则默认派单）"
)
def dispatch(request, need_id: int, payload: SupportDispatchIn):
    need = _need(request, need_id)
    units = None
    if payload.units:
        units = list(OrgUnit.objects.filter(pk__in=payload.units, is_active=True))
        if len(units) != len(set(payload.units)):
            raise Http404
    services.dispatch_need(need, actor=request.user, units=units, instruction=payload.instruction)
    return _needs.get(pk=need.pk)


@router.post("/enterprise-needs/{need_id}/reject", response=NeedDetail, summary="不予受理")
def reject(request, need_id: int, payload: SupportTextIn):
    need = _need(request, need_id)
    services.reject_need(need, actor=request.user, reason=payload.text)
    return _needs.get(pk=need.pk)


@router.post("/enterprise-needs/{need_id}/answer", response=NeedDetail, summary="答复企业")
def answer(request, need_id: int, payload: SupportTextIn):
    need = _need(request, need_id)
    services.answer_need(need, actor=request.user, answer=payload.text)
    return _needs.get(pk=need.pk)


@router.post("/enterprise-needs/{need_id}/close", response=NeedDetail, summary="办结（记录需求是否解决）")
def close(request, need_id: int, payload: SupportCloseIn):
    need = _need(request, need_id)
    services.close_need(need, actor=request.user, resolved=payload.resolved)
    return _needs.get(pk=need.pk)


endpoints.list(
    "/enterprise-need-tasks",
    "list_tasks",
    _tasks,
    SupportTaskOut,
    filters=TASK_FILTERS,
    summary="企业需求承办任务",
)
endpoints.detail(
    "/enterprise-need-tasks/{task_id}", "get_task", _tasks, SupportTaskOut, summary="承办任务详情"
)


@router.post("/enterprise-need-tasks/{task_id}/sign", response=SupportTaskOut, summary="签收")
def sign_task(request, task_id: int):
    task = _task(request, task_id)
    services.sign_need_task(task, actor=request.user)
    return _tasks.get(pk=task.pk)


@router.post(
    "/enterprise-need-tasks/{task_id}/answer", response=SupportTaskOut, summary="承办单位答复办理结果"
)
def answer_task(request, task_id: int, payload: SupportTextIn):
    task = _task(request, task_id)
    services.answer_need_task(task, actor=request.user, answer=payload.text)
    return _tasks.get(pk=task.pk)


@router.post("/enterprise-need-tasks/{task_id}/return", response=SupportTaskOut, summary="回退（派单有误）")
def return_task(request, task_id: int, payload: SupportTextIn):
    task = _task(request, task_id)
    services.return_need_task(task, actor=request.user, reason=payload.text)
    return _tasks.get(pk=task.pk)


# --- policies ---


class PolicyOut(Schema):
    id: int
    title: str
    issuer: str
    document_no: str
    applies_to: str
    industries: list[str]
    summary: str
    documents: list[str]
    url: str
    effective_from: datetime.date
    effective_until: datetime.date | None
    in_force: bool
    county: str
    unit: Ref

    @staticmethod
    def resolve_industries(obj):
        return [c.strip() for c in obj.industries.replace("，", ",").split(",") if c.strip()]

    @staticmethod
    def resolve_documents(obj):
        return [line.strip() for line in obj.documents.splitlines() if line.strip()]

    @staticmethod
    def resolve_in_force(obj):
        return obj.in_force(timezone.localdate())

    @staticmethod
    def resolve_county(obj):
        return obj.region_id


class ReachOut(Schema):
    id: int
    policy_id: int
    enterprise: Ref
    kind: str
    date: datetime.date
    benefit: Decimal | None
    note: str


class ReachIn(Schema):
    enterprise: int
    kind: str = Field(description="told（已告知）或 taken_up（已享受）")
    date: datetime.date | None = None
    benefit: POLICY_REACH_BENEFIT | None = None
    note: str = ""


_policies = Policy.objects.select_related("unit")
_reach = PolicyReach.objects.select_related("enterprise")


def _catalogue(request, model, queryset, filters=None, params=None):
    """A catalogue as the caller reads it (`services.visible`: their scope and the city-wide rows)."""
    qs = queryset.filter(pk__in=services.visible(model, request.user).values("pk"))
    return filters.apply(qs, params, actor=request.user) if filters is not None else qs


def _catalogued(request, model, pk):
    return (
        get_object_or_404(_catalogue(request, model, model.objects.all()), pk=pk) if pk is not None else None
    )


def _catalogue_endpoints(path, name, model, queryset, schema, filters, *, summary, detail_summary):
    """`GET path` (paginated, filtered) and `GET path/{pk}` over a catalogue as the caller reads it:
    their scope and the city-wide rows (`services.visible`); anything else is 404."""
    params = query_schema(filters, f"Support{name.title().replace('_', '')}Query")

    def list_view(request, filters_in: Query[params]):  # type: ignore[valid-type]
        return _catalogue(request, model, queryset, filters, filters_in.dict())

    def detail_view(request, pk: int):
        return get_object_or_404(_catalogue(request, model, queryset), pk=pk)

    for view, prefix in ((list_view, "list_"), (detail_view, "get_")):
        view.__name__ = view.__qualname__ = prefix + name  # the operation ids
    router.get(path, response=list[schema], summary=summary)(paginate(LimitOffsetPagination)(list_view))
    router.get(path + "/{pk}", response=schema, summary=detail_summary)(detail_view)


_catalogue_endpoints(
    "/policies",
    "policies",
    Policy,
    _policies,
    PolicyOut,
    POLICY_FILTERS,
    summary="惠企政策目录",
    detail_summary="政策详情",
)


endpoints.list(
    "/policy-reach", "list_reach", _reach, ReachOut, filters=REACH_FILTERS, summary="政策告知与享受记录"
)


@router.post("/policies/{policy_id}/reach", response={201: ReachOut}, summary="记录企业已告知/已享受该政策")
def record_reach(request, policy_id: int, payload: ReachIn):
    policy = _catalogued(request, Policy, policy_id)  # first: a policy out of sight is 404 for anyone
    require(request, "add", PolicyReach)
    enterprise = get_scoped(request, Enterprise.objects.all(), pk=payload.enterprise)
    reach = services.record_reach(
        policy,
        enterprise,
        actor=request.user,
        kind=payload.kind,
        date=payload.date,
        benefit=payload.benefit,
        note=payload.note,
    )
    return Status(201, _reach.get(pk=reach.pk))


# --- 银企/保险对接 ---


class ProductOut(Schema):
    id: int
    institution_id: int
    name: str
    kind: str
    terms: str
    max_amount: Decimal | None
    is_active: bool


class InstitutionOut(Schema):
    id: int
    name: str
    kind: str
    contact: str
    phone: str
    county: str
    unit: Ref
    is_active: bool
    products: list[ProductOut]

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_products(obj):
        return list(obj.products.all())


class MatchEventOut(Schema):
    id: int
    title: str
    held_on: datetime.date
    place: str
    county: str
    unit: Ref
    institutions: list[Ref]
    notes: str

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_institutions(obj):
        return list(obj.institutions.all())


class MatchOut(Schema):
    id: int
    event_id: int | None
    enterprise: Ref
    institution: Ref
    product_id: int | None
    need_id: int | None
    kind: str
    status: str
    status_label: str
    amount: Decimal | None
    workers_covered: int
    concluded_on: datetime.date | None
    county: str
    note: str

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_county(obj):
        return obj.region_id


class MatchIn(Schema):
    enterprise: int
    institution: int
    kind: str
    product: int | None = None
    event: int | None = None
    need: int | None = None
    note: str = ""


class OutcomeIn(Schema):
    status: str = Field(description="concluded（已达成）或 declined（未达成）")
    amount: MATCH_AMOUNT | None = None
    workers_covered: int = Field(0, ge=0)
    concluded_on: datetime.date | None = None
    note: str = ""


_institutions = Institution.objects.select_related("unit").prefetch_related("products")
_products = Product.objects.all()
_events = MatchEvent.objects.select_related("unit").prefetch_related("institutions")
_matches = Match.objects.select_related("enterprise", "institution")
_catalogue_endpoints(
    "/financial-institutions",
    "institutions",
    Institution,
    _institutions,
    InstitutionOut,
    INSTITUTION_FILTERS,
    summary="金融保险机构（含产品）",
    detail_summary="机构详情",
)
_catalogue_endpoints(
    "/financial-products",
    "products",
    Product,
    _products,
    ProductOut,
    PRODUCT_FILTERS,
    summary="金融保险产品",
    detail_summary="产品详情",
)
_catalogue_endpoints(
    "/financing-events",
    "events",
    MatchEvent,
    _events,
    MatchEventOut,
    EVENT_FILTERS,
    summary="银企对接活动",
    detail_summary="对接活动详情",
)


endpoints.list(
    "/financing-matches", "list_matches", _matches, MatchOut, filters=MATCH_FILTERS, summary="对接结果"
)
endpoints.detail("/financing-matches/{match_id}", "get_match", _matches, MatchOut, summary="对接结果详情")


@router.post("/financing-matches", response={201: MatchOut}, summary="登记企业与金融保险机构的对接")
def create_match(request, payload: MatchIn):
    require(request, "add", Match)
    match = services.record_match(
        actor=request.user,
        enterprise=get_scoped(request, Enterprise.objects.all(), pk=payload.enterprise),
        institution=_catalogued(request, Institution, payload.institution),
        kind=payload.kind,
        product=_catalogued(request, Product, payload.product),
        event=_catalogued(request, MatchEvent, payload.event),
        need=get_scoped(request, EnterpriseNeed.objects.all(), pk=payload.need) if payload.need else None,
        note=payload.note,
    )
    return Status(201, _matches.get(pk=match.pk))


@router.post(
    "/financing-matches/{match_id}/outcome", response=MatchOut, summary="记录对接结果（贷款/保额、覆盖人数）"
)
def record_outcome(request, match_id: int, payload: OutcomeIn):
    match = get_scoped(request, _matches, "change", pk=match_id)
    services.conclude_match(
        match,
        actor=request.user,
        status=payload.status,
        amount=payload.amount,
        workers_covered=payload.workers_covered,
        concluded_on=payload.concluded_on,
        note=payload.note,
    )
    return _matches.get(pk=match.pk)


# --- statistics ---


class SupportStatsQuery(Schema):
    county: str | None = Field(None, description="旗县区代码，如 150502；不填为本辖区全部")


@router.get("/stats/enterprise-services", summary="精准服务企业统计")
def stats(request, q: Query[SupportStatsQuery]):
    """Needs by kind, status and on time; policy reach; financing and cover totals by county — over what the
    caller may see (a county its own enterprises)."""
    needs, tasks = scoped(request, EnterpriseNeed.objects.all()), scoped(request, NeedTask.objects.all())
    reach, matches = scoped(request, PolicyReach.objects.all()), scoped(request, Match.objects.all())
    if q.county:
        needs, tasks = needs.filter(region_id=q.county), tasks.filter(need__region_id=q.county)
        reach, matches = reach.filter(enterprise__region_id=q.county), matches.filter(region_id=q.county)
    return {
        "needs": services.need_statistics(needs, tasks),
        "policies": services.policy_reach(services.visible(Policy, request.user), reach),
        "finance": services.finance_totals(matches),
    }

"""结对共建 under /api/v1/: the pairs (`GET /pairings`, each with the 六联 its activities covered as `links`),
their activities (`POST /pairings/{id}/activities` logs one from either side), plans and reviews, the
statistics (`GET /stats/pairings`) and the uncovered enterprises no one is paired with.

Every write the console offers has its endpoint here, through the same service function with the caller as
the actor and the same permission codes: the model's action (`add`, `change`, `delete`) or 403, the row in
the caller's scope for that action or 404, a rule's refusal 422 with the Chinese reason and the field."""

import datetime
from typing import Annotated

from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from xinye.api.common import Ref, Year, get_scoped, require, scoped
from xinye.api.lists import Endpoints
from xinye.core.errors import Refused
from xinye.ledger.choices import CoverageStatus
from xinye.ledger.models import Enterprise, PartyOrganisation
from xinye.orgs.models import OrgUnit
from xinye.pairing import services
from xinye.pairing.choices import Link
from xinye.pairing.filters import ACTIVITY_FILTERS, PAIRING_FILTERS, PLAN_FILTERS, REVIEW_FILTERS
from xinye.pairing.models import (
    ActivityEvidence,
    Pairing,
    PairingActivity,
    PairingPlan,
    PairingReview,
    PlanItem,
)

router = Router()
endpoints = Endpoints(router, __name__)


class PartnerOut(Schema):
    kind: str = Field(description="organisation（企业党组织）或 enterprise（未建党组织的企业）")
    id: int
    name: str


class PairingOut(Schema):
    id: int
    host: Ref
    host_sector: str
    host_sector_label: str
    partner: PartnerOut
    county: str
    industry: str
    starts_on: datetime.date
    ends_on: datetime.date
    is_active: bool
    goals: str
    links: list[str] = Field(
        description="其共建活动覆盖的六联：organisation、venue、activity、information、service、team"
    )
    activities: int
    last_activity_on: datetime.date | None

    @staticmethod
    def resolve_host(obj):
        return obj.unit

    @staticmethod
    def resolve_host_sector_label(obj):
        return obj.get_host_sector_display()

    @staticmethod
    def resolve_partner(obj):
        if obj.partner_org_id:
            return {"kind": "organisation", "id": obj.partner_org_id, "name": obj.partner_org.unit.name}
        return {"kind": "enterprise", "id": obj.enterprise_id, "name": obj.enterprise.name}

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_is_active(obj):
        return obj.is_active_on(timezone.localdate())

    @staticmethod
    def resolve_links(obj):
        covered = {link for activity in obj.activities.all() for link in activity.links}
        return [link for link in Link.values if link in covered]

    @staticmethod
    def resolve_activities(obj):
        return obj.activity_count

    @staticmethod
    def resolve_last_activity_on(obj):
        return obj.last_activity_on


class PairingActivityOut(Schema):
    id: int
    pairing_id: int
    held_on: datetime.date
    title: str
    links: list[str]
    link_labels: list[str]
    participants: int
    place: str
    summary: str
    side: str
    evidence: int

    @staticmethod
    def resolve_link_labels(obj):
        return obj.link_labels()

    @staticmethod
    def resolve_evidence(obj):
        return obj.evidence_count


class PlanItemOut(Schema):
    id: int
    month: int
    title: str
    links: list[str]


class PairingPlanOut(Schema):
    id: int
    pairing_id: int
    year: int
    content: str
    items: list[PlanItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class ReviewOut(Schema):
    id: int
    pairing_id: int
    year: int
    rating: str
    rating_label: str
    text: str

    @staticmethod
    def resolve_rating_label(obj):
        return obj.get_rating_display()


LINKS = "六联：organisation、venue、activity、information、service、team，可多选"
Participants = Annotated[int, Field(le=100000, description="参加人数，至少 1")]
Title = Annotated[str, Field(max_length=128)]


class PairingActivityIn(Schema):
    held_on: datetime.date
    title: Title
    links: list[str] = Field(description=LINKS)
    participants: Participants
    place: Title = ""
    summary: str = ""


def _pairings():
    return (
        Pairing.objects.select_related("unit", "partner_org__unit", "enterprise")
        .annotate(activity_count=Count("activities"), last_activity_on=Max("activities__held_on"))
        .prefetch_related(
            Prefetch("activities", queryset=PairingActivity.objects.only("id", "pairing_id", "links"))
        )
    )


_activities = PairingActivity.objects.annotate(evidence_count=Count("evidence"))
_plans = PairingPlan.objects.prefetch_related("items")
_reviews = PairingReview.objects.all()


class PairingStatsQuery(Schema):
    year: Year | None = Field(None, description="活动统计的年度，默认今年")
    county: str | None = Field(None, description="旗县区代码")


class PairingStatsOut(Schema):
    pairings: int = Field(description="在结对期内的结对数")
    activities: int = Field(description="年度共建活动数")
    by_link: dict[str, int] = Field(description="六联各类活动数（一项活动可计入多类）")
    pairs_without_activity_this_quarter: int = Field(description="本季度尚无活动的在期结对数")
    participants: int
    year: int
    quarter: dict[str, str]


@router.get("/stats/pairings", response=PairingStatsOut, summary="结对共建统计")
def pairing_stats(request, q: Query[PairingStatsQuery]):
    """Active pairs in scope, the year's activities with their count under each of the 六联, and the active
    pairs without any activity this quarter."""
    require(request, "view", Pairing)  # a role without pairings gets 403, not a page of zeros
    qs = scoped(request, Pairing.objects.all())
    if q.county:
        qs = qs.filter(region_id=q.county)
    return services.pairing_stats(qs, year=q.year)


class UnpairedQuery(Schema):
    county: str | None = Field(None, description="旗县区代码")
    status: str | None = Field(None, description="覆盖状态：work（工作覆盖）或 blank（空白）；默认二者")


class UnpairedOut(Schema):
    id: int
    name: str
    county: str
    industry: str
    coverage_status: str

    @staticmethod
    def resolve_county(obj):
        return obj.region_id


class UnpairedList(Schema):
    items: list[UnpairedOut]
    count: int


@router.get("/pairings/unpaired-enterprises", response=UnpairedList, summary="未建党组织且无人结对的企业")
def unpaired_enterprises(request, q: Query[UnpairedQuery]):
    """Enterprises in scope that no party organisation covers (coverage status 工作覆盖 or 空白) and no active
    pair includes: where a 机关, 国企, 事业单位 or 社区 organisation is still wanted."""
    statuses = services.UNORGANISED
    if q.status:
        if q.status not in statuses:
            raise Refused({"status": f"参数 status 的值“{q.status}”无效，可选：{'、'.join(statuses)}"})
        statuses = (CoverageStatus(q.status),)
    qs = scoped(request, Enterprise.objects.all())
    if q.county:
        qs = qs.filter(region_id=q.county)
    items = list(services.uncovered_unpaired(qs, statuses=statuses))
    return {"items": items, "count": len(items)}


endpoints.list(
    "/pairings",
    "list_pairings",
    _pairings,
    PairingOut,
    filters=PAIRING_FILTERS,
    ordering=("-starts_on", "id"),
    summary="结对共建",
)
endpoints.detail("/pairings/{int:pairing_id}", "get_pairing", _pairings, PairingOut, summary="结对详情")


@router.post(
    "/pairings/{int:pairing_id}/activities",
    response={201: PairingActivityOut},
    summary="记录共建活动（结对双方均可）",
)
def log_activity(request, pairing_id: int, payload: PairingActivityIn):
    pairing = get_scoped(request, Pairing.objects.all(), pk=pairing_id)
    require(request, "add", PairingActivity)  # seen without the grant: 403, as the console has no add button
    activity = services.log_activity(pairing, actor=request.user, **payload.dict())
    return Status(201, scoped(request, _activities).get(pk=activity.pk))


endpoints.list(
    "/pairing-activities",
    "list_activities",
    _activities,
    PairingActivityOut,
    filters=ACTIVITY_FILTERS,
    ordering=("-held_on", "-id"),
    summary="共建活动",
)
endpoints.detail(
    "/pairing-activities/{int:activity_id}",
    "get_activity",
    _activities,
    PairingActivityOut,
    summary="共建活动详情",
)
endpoints.list(
    "/pairing-plans", "list_plans", _plans, PairingPlanOut, filters=PLAN_FILTERS, summary="年度共建计划"
)
endpoints.detail(
    "/pairing-plans/{int:plan_id}", "get_plan", _plans, PairingPlanOut, summary="年度共建计划详情"
)
endpoints.list(
    "/pairing-reviews", "list_reviews", _reviews, ReviewOut, filters=REVIEW_FILTERS, summary="年度评估"
)
endpoints.detail(
    "/pairing-reviews/{int:review_id}", "get_review", _reviews, ReviewOut, summary="年度评估详情"
)


# --- writes: every write the console offers, through the same service and the same grants ---


def _changes(payload) -> dict:
    """The fields a PATCH sent; an explicit null is refused (no field of these rows may be emptied so)."""
    changes = payload.dict(exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            raise Refused({field: f"{field} 不能为 null：不修改请不要发送该字段"})
    return changes


def _target(request, action: str, queryset, pk):
    """The row an action edits, checked as the console checks it: a row the caller cannot see is 404 before
    any permission check (a 403 would confirm it exists); a row seen without the model's `action` is 403;
    then the row in scope for that action, else 404."""
    get_scoped(request, queryset, pk=pk)
    require(request, action, queryset.model)
    return get_scoped(request, queryset, action, pk=pk)


def _parent(request, queryset, pk, model):
    """The row a new `model` row is added under: 404 unless the caller sees it, then 403 without `add`."""
    parent = get_scoped(request, queryset, pk=pk)
    require(request, "add", model)
    return parent


class PairingIn(Schema):
    unit: int = Field(description="结对党组织（机关、国企、事业单位或社区的党组织）的组织单位 id")
    host_sector: str = Field(description="结对单位类别：organ、soe、institution、community")
    partner_org: int | None = Field(None, description="企业党组织 id（与 enterprise 二选一）")
    enterprise: int | None = Field(None, description="未建党组织的企业 id（与 partner_org 二选一）")
    starts_on: datetime.date
    ends_on: datetime.date
    goals: str = ""


class PairingPatch(Schema):
    host_sector: str | None = Field(None, description="结对单位类别：organ、soe、institution、community")
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = Field(None, description="结对结束：改截止日期")
    goals: str | None = None


@router.post("/pairings", response={201: PairingOut}, summary="登记结对（结对双方均须在本人管辖范围内）")
def create_pairing(request, payload: PairingIn):
    require(request, "add", Pairing)
    unit = get_scoped(request, OrgUnit.objects.all(), pk=payload.unit)
    partner_org = (
        get_scoped(request, PartyOrganisation.objects.all(), pk=payload.partner_org)
        if payload.partner_org is not None
        else None
    )
    enterprise = (
        get_scoped(request, Enterprise.objects.all(), pk=payload.enterprise)
        if payload.enterprise is not None
        else None
    )
    pairing = services.create_pairing(
        unit=unit,
        host_sector=payload.host_sector,
        partner_org=partner_org,
        enterprise=enterprise,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        goals=payload.goals,
        actor=request.user,
    )
    return Status(201, scoped(request, _pairings()).get(pk=pairing.pk))


@router.patch(
    "/pairings/{int:pairing_id}", response=PairingOut, summary="修改结对（期限、类别、目标；双方不能修改）"
)
def update_pairing(request, pairing_id: int, payload: PairingPatch):
    pairing = _target(request, "change", Pairing.objects.all(), pairing_id)
    services.update_pairing(pairing, actor=request.user, **_changes(payload))
    return scoped(request, _pairings()).get(pk=pairing.pk)


@router.delete(
    "/pairings/{int:pairing_id}", response={204: None}, summary="删除误录的结对（已有活动的不能删除）"
)
def delete_pairing(request, pairing_id: int):
    services.delete_pairing(_target(request, "delete", Pairing.objects.all(), pairing_id), actor=request.user)
    return Status(204, None)


class PairingActivityPatch(Schema):
    held_on: datetime.date | None = None
    title: Title | None = None
    links: list[str] | None = Field(None, description=LINKS)
    participants: Participants | None = None
    place: Title | None = None
    summary: str | None = None


@router.patch("/pairing-activities/{int:activity_id}", response=PairingActivityOut, summary="修改共建活动")
def update_activity(request, activity_id: int, payload: PairingActivityPatch):
    activity = _target(request, "change", PairingActivity.objects.all(), activity_id)
    services.update_activity(activity, actor=request.user, **_changes(payload))
    return scoped(request, _activities).get(pk=activity.pk)


@router.delete(
    "/pairing-activities/{int:activity_id}", response={204: None}, summary="删除误录的共建活动（连同佐证）"
)
def delete_activity(request, activity_id: int):
    activity = _target(request, "delete", PairingActivity.objects.all(), activity_id)
    services.delete_activity(activity, actor=request.user)
    return Status(204, None)


class PairingEvidenceOut(Schema):
    id: int
    activity_id: int
    kind: str
    kind_label: str
    caption: str
    name: str
    uploaded_at: datetime.datetime

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_name(obj):
        return obj.file.name.rsplit("/", 1)[-1]


CAPTION_MAX = ActivityEvidence._meta.get_field("caption").max_length


class PairingEvidencePatch(Schema):
    caption: Title


@router.post(
    "/pairing-activities/{int:activity_id}/evidence",
    response={201: PairingEvidenceOut},
    summary="上传活动佐证（照片或文件，10 MB 以内）",
)
def add_evidence(request, activity_id: int, file: File[UploadedFile] = None, caption: Form[str] = ""):
    activity = _parent(request, PairingActivity.objects.all(), activity_id, ActivityEvidence)
    if len(caption) > CAPTION_MAX:
        raise Refused({"caption": f"说明最多 {CAPTION_MAX} 个字符"})
    evidence = services.add_evidence(activity, file=file, caption=caption, actor=request.user)
    return Status(201, evidence)


@router.patch(
    "/pairing-evidence/{int:evidence_id}", response=PairingEvidenceOut, summary="修改活动佐证的说明"
)
def update_evidence(request, evidence_id: int, payload: PairingEvidencePatch):
    evidence = _target(request, "change", ActivityEvidence.objects.all(), evidence_id)
    return services.update_evidence(evidence, actor=request.user, caption=payload.caption)


@router.delete("/pairing-evidence/{int:evidence_id}", response={204: None}, summary="删除活动佐证")
def delete_evidence(request, evidence_id: int):
    evidence = _target(request, "delete", ActivityEvidence.objects.all(), evidence_id)
    services.delete_evidence(evidence, actor=request.user)
    return Status(204, None)


def _for_year(request, model, pairing_id: int, year: int):
    """(the pairing, whether it has its `model` row for `year` already): a pair's plan and review are one per
    year, written by one POST — adding the year's row, or changing it, which needs the change grant too."""
    pairing = _parent(request, Pairing.objects.all(), pairing_id, model)
    existed = model.objects.filter(pairing=pairing, year=year).exists()
    if existed:
        require(request, "change", model)
    return pairing, existed


class PairingPlanIn(Schema):
    year: Year
    content: str


class PairingPlanPatch(Schema):
    year: Year | None = None
    content: str | None = None


@router.post(
    "/pairings/{int:pairing_id}/plans",
    response={200: PairingPlanOut, 201: PairingPlanOut},
    summary="写年度共建计划（该年已有计划则修改之）",
)
def save_plan(request, pairing_id: int, payload: PairingPlanIn):
    pairing, existed = _for_year(request, PairingPlan, pairing_id, payload.year)
    plan = services.save_plan(pairing, year=payload.year, content=payload.content, actor=request.user)
    return Status(200 if existed else 201, scoped(request, _plans).get(pk=plan.pk))


@router.patch("/pairing-plans/{int:plan_id}", response=PairingPlanOut, summary="修改年度共建计划")
def update_plan(request, plan_id: int, payload: PairingPlanPatch):
    plan = _target(request, "change", PairingPlan.objects.select_related("pairing"), plan_id)
    services.update_plan(plan, actor=request.user, **_changes(payload))
    return scoped(request, _plans).get(pk=plan.pk)


@router.delete(
    "/pairing-plans/{int:plan_id}", response={204: None}, summary="删除年度共建计划（连同计划活动）"
)
def delete_plan(request, plan_id: int):
    services.delete_plan(_target(request, "delete", PairingPlan.objects.all(), plan_id), actor=request.user)
    return Status(204, None)


class PairingPlanItemOut(PlanItemOut):
    plan_id: int


class PairingPlanItemIn(Schema):
    month: int = Field(description="计划月份，1–12")
    title: Title
    links: list[str] = Field(description=LINKS)


class PairingPlanItemPatch(Schema):
    month: int | None = Field(None, description="计划月份，1–12")
    title: Title | None = None
    links: list[str] | None = Field(None, description=LINKS)


@router.post("/pairing-plans/{int:plan_id}/items", response={201: PairingPlanItemOut}, summary="添加计划活动")
def add_plan_item(request, plan_id: int, payload: PairingPlanItemIn):
    plan = _parent(request, PairingPlan.objects.all(), plan_id, PlanItem)
    item = services.add_plan_item(plan, actor=request.user, **payload.dict())
    return Status(201, item)


@router.patch("/pairing-plan-items/{int:item_id}", response=PairingPlanItemOut, summary="修改计划活动")
def update_plan_item(request, item_id: int, payload: PairingPlanItemPatch):
    item = _target(request, "change", PlanItem.objects.all(), item_id)
    return services.update_plan_item(item, actor=request.user, **_changes(payload))


@router.delete("/pairing-plan-items/{int:item_id}", response={204: None}, summary="删除计划活动")
def delete_plan_item(request, item_id: int):
    services.delete_plan_item(_target(request, "delete", PlanItem.objects.all(), item_id), actor=request.user)
    return Status(204, None)


class PairingReviewIn(Schema):
    year: Year
    rating: str = Field(description="评价等次：excellent（好）、good（较好）、fair（一般）、poor（差）")
    text: str


class PairingReviewPatch(Schema):
    year: Year | None = None
    rating: str | None = Field(None, description="评价等次：excellent、good、fair、poor")
    text: str | None = None


@router.post(
    "/pairings/{int:pairing_id}/reviews",
    response={200: ReviewOut, 201: ReviewOut},
    summary="写年度评估（该年已有评估则修改之）",
)
def review_pairing(request, pairing_id: int, payload: PairingReviewIn):
    pairing, existed = _for_year(request, PairingReview, pairing_id, payload.year)
    review = services.review_pairing(pairing, actor=request.user, **payload.dict())
    return Status(200 if existed else 201, review)


@router.patch("/pairing-reviews/{int:review_id}", response=ReviewOut, summary="修改年度评估")
def update_review(request, review_id: int, payload: PairingReviewPatch):
    review = _target(request, "change", PairingReview.objects.select_related("pairing"), review_id)
    return services.update_review(review, actor=request.user, **_changes(payload))


@router.delete("/pairing-reviews/{int:review_id}", response={204: None}, summary="删除年度评估")
def delete_review(request, review_id: int):
    review = _target(request, "delete", PairingReview.objects.all(), review_id)
    services.delete_review(review, actor=request.user)
    return Status(204, None)

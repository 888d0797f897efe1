"""结对共建 under /api/v1/: the pairs (`GET /pairings`, each with the 六联 its activities covered as `links`),
their activities (`POST /pairings/{id}/activities` logs one from either side), plans and reviews, the
statistics (`GET /stats/pairings`) and the uncovered enterprises no one is paired with."""

import datetime

from django.db.models import Count, Max, Prefetch
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from xinye.api.common import Year, get_scoped, require, scoped
from xinye.api.lists import Endpoints
from xinye.core.errors import Refused
from xinye.ledger.choices import CoverageStatus
from xinye.ledger.models import Enterprise
from xinye.pairing import services
from xinye.pairing.choices import Link
from xinye.pairing.filters import ACTIVITY_FILTERS, PAIRING_FILTERS, PLAN_FILTERS, REVIEW_FILTERS
from xinye.pairing.models import Pairing, PairingActivity, PairingPlan, PairingReview

router = Router()
endpoints = Endpoints(router, __name__)


class PairingRef(Schema):
    id: int
    name: str


class PartnerOut(Schema):
    kind: str = Field(description="organisation（企业党组织）或 enterprise（未建党组织的企业）")
    id: int
    name: str


class PairingOut(Schema):
    id: int
    host: PairingRef
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


class PairingActivityIn(Schema):
    held_on: datetime.date
    title: str
    links: list[str]
    participants: int
    place: str = ""
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

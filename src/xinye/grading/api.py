"""Grading under /api/v1/: `GET /stats/grades` (the counts, optionally per county or industry), the history
by month, the 闪光点 list, one enterprise's grade in words, and the rule table."""

from ninja import Router, Schema

from xinye.api.common import Months, require
from xinye.api.lists import Endpoints
from xinye.grading import services
from xinye.grading.filters import RULE_FILTERS, SNAPSHOT_FILTERS
from xinye.grading.models import GradeRule, GradeSnapshot

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "空白点→实心点→闪光点"


class Three(Schema):
    blank: int
    solid: int
    shining: int


class GradeRow(Three):
    key: str
    organisations: Three


class GradesOut(Three):
    organisations: Three
    by: str | None = None
    rows: list[GradeRow] = []


class MonthOut(Three):
    month: str
    organisations: Three


class HistoryOut(Schema):
    items: list[MonthOut]
    count: int


class ShiningItem(Schema):
    subject: str
    id: int
    name: str
    region: str
    industry: str
    explanation: str


class ShiningOut(Schema):
    items: list[ShiningItem]
    count: int


class EnterpriseGradeOut(Schema):
    id: int
    name: str
    grade: str
    explanation: str


class GradingRuleOut(Schema):
    id: int
    subject: str
    grade: str
    coverage: str
    min_score: int
    min_distinctions: int
    note: str


class GradingSnapshotOut(Schema):
    id: int
    month: str
    subject: str
    name: str
    region: str
    industry: str
    grade: str
    reason: str

    @staticmethod
    def resolve_month(obj):
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


@router.get("/stats/grades", response=GradesOut, summary="空白点、实心点、闪光点统计（本人管辖范围）")
def stats_grades(request, by: str | None = None, region: str | None = None, industry: str | None = None):
    """blank / solid / shining：摸排范围内企业按等次计数，合计等于 /stats/overview 的 enterprises；organisations：
    党组织（不含党小组）按等次计数，合计等于 overview 的 party_organisations.total。by=county|industry 时另附分组。"""
    require(request, "view", GradeRule)
    out = services.counts(request.user, region, industry)
    if by:
        out.update(by=by, rows=services.count_rows(request.user, by, region, industry))
    return out


@router.get("/stats/grades/history", response=HistoryOut, summary="等次变化（按月）")
def grades_history(request, months: Months = 12, region: str | None = None, industry: str | None = None):
    require(request, "view", GradeSnapshot)
    items = services.history(request.user, max(1, min(months, 60)), region, industry)
    return {"items": items, "count": len(items)}


@router.get("/grades/shining", response=ShiningOut, summary="闪光点清单")
def grades_shining(request, region: str | None = None, industry: str | None = None):
    require(request, "view", GradeRule)
    items = services.shining(request.user, region, industry)
    return {"items": items, "count": len(items)}


@router.get("/grades/enterprises/{enterprise_id}", response=EnterpriseGradeOut, summary="企业等次及说明")
def enterprise_grade(request, enterprise_id: int):
    return services.enterprise_grade(request.user, enterprise_id)


endpoints.list(
    "/grade-rules",
    "list_grade_rules",
    GradeRule.objects.all(),
    GradingRuleOut,
    filters=RULE_FILTERS,
    summary="评定规则表",
)
endpoints.detail(
    "/grade-rules/{rule_id}", "get_grade_rule", GradeRule.objects.all(), GradingRuleOut, summary="评定规则"
)
endpoints.list(
    "/grade-snapshots",
    "list_grade_snapshots",
    GradeSnapshot.objects.all(),
    GradingSnapshotOut,
    filters=SNAPSHOT_FILTERS,
    summary="等次记录（按月）",
)
endpoints.detail(
    "/grade-snapshots/{snapshot_id}",
    "get_grade_snapshot",
    GradeSnapshot.objects.all(),
    GradingSnapshotOut,
    summary="等次记录",
)

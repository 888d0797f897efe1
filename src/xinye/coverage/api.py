"""Statistics and coverage: figures for the caller's scope, and the lists behind each figure.

Figures are summed over the county × industry cells the caller may see (the same scope rules as
everywhere: restrict()); `?region=` (a county code, or the city code for all) and `?industry=` narrow them.
Rates are floats 0–1 rounded to 4 places (0.0 when no enterprise is in scope).
"""

from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.api.common import require
from xinye.api.lists import Endpoints
from xinye.coverage import engine, services
from xinye.coverage.filters import CELL_FILTERS
from xinye.coverage.models import CoverageCell

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "怎么建 · 组织覆盖"


class Rates(Schema):
    organisation_rate: float
    independent_rate: float
    work_rate: float
    independent: int
    joint: int
    work: int
    blank: int


class Overview(Schema):
    enterprises: int
    practitioners: int
    party_members: int
    party_members_full: int
    party_members_probationary: int
    party_organisations: dict[str, int]
    instructors: int
    liaisons: int
    industry_committees: int
    industry_offices: int
    coverage: Rates
    must_form: int


class CoverageRow(Schema):
    region: str | None = None
    region_name: str | None = None
    industry: str | None = None
    industry_label: str | None = None
    enterprises: int
    independent: int
    joint: int
    work: int
    blank: int
    must_form: int
    practitioners: int
    party_members: int
    organisation_rate: float
    independent_rate: float
    work_rate: float


class CoverageTable(Schema):
    by: str
    rows: list[CoverageRow]


class EnterpriseCoverageOut(Schema):
    id: int
    name: str
    region: str
    region_name: str
    industry: str
    status: str
    status_label: str
    organisation: str | None
    full_members: int
    probationary_members: int
    practitioners: int
    has_instructor: bool
    has_liaison: bool
    in_scope: bool

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_status(obj):
        return obj.coverage.status

    @staticmethod
    def resolve_status_label(obj):
        return engine.STATUS_LABELS[obj.coverage.status]

    @staticmethod
    def resolve_organisation(obj):
        org = obj.coverage.organisation
        return org.unit.name if org else None

    @staticmethod
    def resolve_full_members(obj):
        return obj.coverage.members_full

    @staticmethod
    def resolve_probationary_members(obj):
        return obj.coverage.members_probationary

    @staticmethod
    def resolve_practitioners(obj):
        return obj.coverage.practitioners

    @staticmethod
    def resolve_has_instructor(obj):
        return obj.coverage.has_instructor

    @staticmethod
    def resolve_has_liaison(obj):
        return obj.coverage.has_liaison

    @staticmethod
    def resolve_in_scope(obj):
        return obj.coverage.in_scope


class MustFormOut(EnterpriseCoverageOut):
    suggested_kind: str
    reason: str

    @staticmethod
    def resolve_suggested_kind(obj):
        return services.suggested_kind(obj.coverage.members_full + obj.coverage.members_probationary)

    @staticmethod
    def resolve_reason(obj):
        return services.must_form_reason(obj.coverage)


class ProposalMember(Schema):
    id: int
    name: str
    industry: str
    full_members: int


class CoverageProposalOut(Schema):
    region: str
    region_name: str
    industries: list[str]
    full_members: int
    max_distance_km: float
    explanation: str
    enterprises: list[ProposalMember]


class CoverageGapOut(Schema):
    id: int
    name: str
    region: str
    industry: str
    missing: list[str]
    missing_labels: list[str]


class CellOut(Schema):
    id: int
    unit: int
    region: str
    industry: str
    enterprises: int
    independent: int
    joint: int
    work: int
    blank: int
    must_form: int
    practitioners: int
    members_full: int
    members_probationary: int
    instructors: int
    liaisons: int

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


@router.get("/stats/overview", response=Overview, summary="统计概览（本人管辖范围）")
def stats_overview(request, region: str | None = None, industry: str | None = None):
    """企业、从业人员、党员、党组织（党委/党总支/党支部，其中联合党支部）、指导员、联络员、行业党委、行业党建办，
    以及组织覆盖率、单独组建率、工作覆盖率。

    比率为 0–1 的小数，保留 4 位（范围内没有企业时为 0.0）；分母为纳入摸排范围的在营企业。党支部含普通、联合与网络
    党支部，“联合党支部”为其中的联合党支部数；党小组单列，不计入 total。指导员、联络员按人计（跨单元只计一次）。"""
    require(request, "view", CoverageCell)
    return services.overview(request.user, region, industry)


@router.get("/stats/coverage", response=CoverageTable, summary="覆盖率（按旗县区、行业或旗县区×行业）")
def stats_coverage(request, by: str = "county", region: str | None = None, industry: str | None = None):
    require(request, "view", CoverageCell)
    return {"by": by, "rows": services.coverage_rows(request.user, by, region, industry)}


endpoints.list(
    "/stats/cells",
    "stats_cells",
    CoverageCell.objects.all(),
    CellOut,
    filters=CELL_FILTERS,
    summary="统计单元（行业党建办×旗县区×行业）",
)
endpoints.detail(
    "/stats/cells/{pk}", "stats_cell", CoverageCell.objects.all(), CellOut, summary="统计单元详情"
)


@router.get(
    "/coverage/enterprises", response=list[EnterpriseCoverageOut], summary="覆盖企业清单（数字背后的企业）"
)
@paginate(LimitOffsetPagination)
def coverage_enterprises(
    request,
    status: str | None = None,
    region: str | None = None,
    industry: str | None = None,
    must_form: bool = False,
    include_out_of_scope: bool = False,
):
    """status: independent 单独组建 / joint 联合组建 / work 工作覆盖 / blank 空白；organised 组织覆盖（单独＋联合）/
    covered 已覆盖（单独＋联合＋工作）。默认只列摸排范围内在营企业。"""
    require(request, "view", CoverageCell)
    return services.enterprise_rows(
        request.user,
        status=status,
        region=region,
        industry=industry,
        must_form=must_form,
        include_out_of_scope=include_out_of_scope,
    )


@router.get(
    "/coverage/must-form", response=list[MustFormOut], summary="应建尽建：正式党员≥3名而未单独组建的企业"
)
@paginate(LimitOffsetPagination)
def coverage_must_form(request, region: str | None = None, industry: str | None = None):
    require(request, "view", CoverageCell)
    qs = services.enterprise_rows(request.user, region=region, industry=industry, must_form=True)
    return qs.order_by("-coverage__members_full", "pk")


@router.get(
    "/coverage/joint-proposals", response=list[CoverageProposalOut], summary="联合组建建议（含文字说明）"
)
@paginate(LimitOffsetPagination)
def coverage_joint_proposals(request, region: str | None = None, industry: str | None = None):
    require(request, "view", CoverageCell)
    groups, _unmatched = services.proposals_for(request.user, region, industry)
    return groups


class UnmatchedOut(Schema):
    id: int
    name: str
    full_members: int
    reason: str


@router.get(
    "/coverage/joint-proposals/unmatched",
    response=list[UnmatchedOut],
    summary="暂无法就近联合组建的企业（有党员而凑不足 3 名正式党员）",
)
@paginate(LimitOffsetPagination)
def coverage_joint_unmatched(request, region: str | None = None, industry: str | None = None):
    require(request, "view", CoverageCell)
    _groups, unmatched = services.proposals_for(request.user, region, industry)
    return unmatched


@router.get("/coverage/gaps", response=list[CoverageGapOut], summary="责任缺位：必需责任角色无人负责的企业")
@paginate(LimitOffsetPagination)
def coverage_gaps(request, region: str | None = None, industry: str | None = None):
    require(request, "view", CoverageCell)
    return services.gap_rows(request.user, region, industry)

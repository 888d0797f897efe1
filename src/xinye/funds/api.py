"""Funds under /api/v1/funds/: the summary (`GET /funds/summary?year=YYYY`, the contract), balances by
county, industry, organisation, year or kind, the scoped lists, the flow's actions through the services,
and the spending list as Excel. Amounts are decimal strings in yuan; posted entries have no PATCH or DELETE
(a mistake is reversed by a counter-entry)."""

import datetime

from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from xinye.api.common import UnitRef, Year, decimal_of, get_scoped, require, scoped
from xinye.api.lists import Endpoints
from xinye.funds import exporters, services
from xinye.funds.filters import ALLOCATION_FILTERS, DISBURSEMENT_FILTERS, SPENDING_FILTERS
from xinye.funds.models import Allocation, Disbursement, Spending
from xinye.orgs.models import OrgUnit

# Decimal inputs bounded as their column stores them (issue 18 item 10: more digits were stored, then every
# read of the list failed)
ALLOCATION_AMOUNT = decimal_of(Allocation, "amount")
DISBURSEMENT_AMOUNT = decimal_of(Disbursement, "amount")
SPENDING_AMOUNT = decimal_of(Spending, "amount")

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "党建经费"


class AllocationOut(Schema):
    id: int
    kind: str
    kind_label: str
    year: int
    unit: UnitRef
    county: str
    county_name: str
    industry: str
    amount: str = Field(description="申请或批准的金额（元）")
    status: str
    status_label: str
    disbursed: str
    spent: str
    balance: str
    purpose: str
    applied_on: datetime.date
    reviewed_on: datetime.date | None
    review_note: str
    closed_on: datetime.date | None
    closing_balance: str | None
    performance: str
    performance_note: str
    formation_case_id: int | None

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
    def resolve_amount(obj):
        return services.yuan(obj.amount)

    @staticmethod
    def resolve_disbursed(obj):
        return services.yuan(_figures(obj)["disbursed"])

    @staticmethod
    def resolve_spent(obj):
        return services.yuan(_figures(obj)["spent"])

    @staticmethod
    def resolve_balance(obj):
        return services.yuan(_figures(obj)["balance"])

    @staticmethod
    def resolve_closing_balance(obj):
        return None if obj.closing_balance is None else services.yuan(obj.closing_balance)


def _figures(obj) -> dict:
    if hasattr(obj, "disbursed_total"):
        return {
            "disbursed": obj.disbursed_total,
            "spent": obj.spent_total,
            "balance": obj.disbursed_total - obj.spent_total,
        }
    return services.allocation_figures(obj)


class EntryOut(Schema):
    id: int
    allocation_id: int
    date: datetime.date
    amount: str
    reverses_id: int | None

    @staticmethod
    def resolve_amount(obj):
        return services.yuan(obj.amount)


class DisbursementOut(EntryOut):
    voucher: str
    note: str


class SpendingOut(EntryOut):
    unit: str
    purpose: str
    purpose_label: str
    description: str
    receipt: str | None

    @staticmethod
    def resolve_unit(obj):
        return obj.allocation.unit.name

    @staticmethod
    def resolve_purpose_label(obj):
        return obj.get_purpose_display()

    @staticmethod
    def resolve_receipt(obj):
        return obj.receipt.url if obj.receipt else None


class Figures(Schema):
    allocated: str
    disbursed: str
    spent: str
    balance: str


class SummaryOut(Figures):
    by_kind: dict[str, Figures]


class BalanceRow(Figures):
    key: str
    name: str


class BalancesOut(Schema):
    year: int | None
    by: str
    items: list[BalanceRow]


FIGURES = ("allocated", "disbursed", "spent", "balance")


def _money(figures: dict) -> dict:
    """The figures as decimal strings in yuan (per kind too)."""
    out = {k: services.yuan(figures[k]) for k in FIGURES}
    if "by_kind" in figures:
        out["by_kind"] = {kind: _money(f) for kind, f in figures["by_kind"].items()}
    return out


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="年度，如 2026；缺省为今年")


@router.get("/funds/summary", response=SummaryOut, summary="党建经费汇总（本人管辖范围）")
def summary(request, q: Query[YearQuery]):
    """The caller's funds of one year: approved (allocated), paid out net of reversals (disbursed), spent
    net of reversals, and the balance (disbursed − spent); in total and per kind (`startup`, `work`)."""
    require(request, "view", Allocation)
    year = q.year or timezone.localdate().year
    allocations = scoped(request, Allocation.objects.all()).filter(year=year)
    return _money(services.summary(allocations))


class BalancesQuery(YearQuery):
    by: str = Field("county", description="分组：county、industry、organisation、year、kind")


@router.get("/funds/balances", response=BalancesOut, summary="经费收支（按旗县区、行业、组织、年度）")
def balances(request, q: Query[BalancesQuery]):
    require(request, "view", Allocation)
    allocations = scoped(request, Allocation.objects.all())
    if q.year:
        allocations = allocations.filter(year=q.year)
    rows = services.balances_by(allocations, q.by)
    return {
        "year": q.year,
        "by": q.by,
        "items": [_money(r) | {"key": r["key"], "name": r["name"]} for r in rows],
    }


_allocations = Allocation.objects.select_related("unit", "region")


def _allocation_list():
    return services.with_figures(_allocations.all())


endpoints.list(
    "/funds/allocations",
    "list_allocations",
    _allocation_list,
    AllocationOut,
    filters=ALLOCATION_FILTERS,
    summary="党建经费列表",
)
endpoints.detail(
    "/funds/allocations/{allocation_id}",
    "get_allocation",
    _allocation_list,
    AllocationOut,
    summary="党建经费详情",
)


class ApplyIn(Schema):
    kind: str = Field(description="startup（建设启动资金）或 work（党建工作经费）")
    unit_id: int
    year: Year
    amount: ALLOCATION_AMOUNT
    purpose: str = ""


def _read(request, allocation):
    return scoped(request, _allocation_list()).get(pk=allocation.pk)


@router.post("/funds/allocations", response={201: AllocationOut}, summary="申请经费")
def apply(request, payload: ApplyIn):
    require(request, "add", Allocation)
    unit = get_scoped(request, OrgUnit.objects.all(), pk=payload.unit_id)
    allocation = services.apply_for_funds(
        actor=request.user,
        kind=payload.kind,
        unit=unit,
        year=payload.year,
        amount=payload.amount,
        purpose=payload.purpose,
    )
    return Status(201, _read(request, allocation))


class ApplicationPatch(Schema):
    amount: ALLOCATION_AMOUNT | None = None
    purpose: str | None = None


@router.patch("/funds/allocations/{allocation_id}", response=AllocationOut, summary="修改待审核的申请")
def update(request, allocation_id: int, payload: ApplicationPatch):
    allocation = get_scoped(request, Allocation.objects.all(), "change", pk=allocation_id)
    services.update_application(allocation, actor=request.user, **payload.dict(exclude_unset=True))
    return _read(request, allocation)


def _for_approve(request, allocation_id):
    return get_scoped(request, Allocation.objects.all(), "approve", pk=allocation_id)


class ApproveIn(Schema):
    amount: ALLOCATION_AMOUNT | None = Field(None, description="批准金额，缺省为申请金额")
    note: str = ""


@router.post("/funds/allocations/{int:allocation_id}/approve", response=AllocationOut, summary="审核通过")
def approve(request, allocation_id: int, payload: ApproveIn):
    allocation = _for_approve(request, allocation_id)
    services.approve(allocation, actor=request.user, amount=payload.amount, note=payload.note)
    return _read(request, allocation)


class FundsReasonIn(Schema):
    reason: str
    date: datetime.date | None = None


@router.post("/funds/allocations/{int:allocation_id}/reject", response=AllocationOut, summary="不予批准")
def reject(request, allocation_id: int, payload: FundsReasonIn):
    allocation = _for_approve(request, allocation_id)
    services.reject(allocation, actor=request.user, reason=payload.reason)
    return _read(request, allocation)


class DisburseIn(Schema):
    amount: DISBURSEMENT_AMOUNT | None = Field(None, description="拨付金额，缺省为尚未拨付的批准金额")
    date: datetime.date | None = None
    voucher: str = ""
    note: str = ""


@router.post(
    "/funds/allocations/{int:allocation_id}/disburse", response={201: DisbursementOut}, summary="拨付"
)
def disburse(request, allocation_id: int, payload: DisburseIn):
    allocation = _for_approve(request, allocation_id)
    entry = services.disburse(allocation, actor=request.user, **payload.dict())
    return Status(201, entry)


class FundsCloseIn(Schema):
    performance: str = Field(description="excellent、good、pass、poor")
    note: str = ""
    date: datetime.date | None = None


@router.post("/funds/allocations/{int:allocation_id}/close", response=AllocationOut, summary="年度结算与绩效")
def close(request, allocation_id: int, payload: FundsCloseIn):
    allocation = _for_approve(request, allocation_id)
    services.close_year(allocation, actor=request.user, **payload.dict())
    return _read(request, allocation)


class SpendingIn(Schema):
    date: datetime.date
    purpose: str = Field(description="training、activity、venue、care、honours")
    amount: SPENDING_AMOUNT
    description: str = ""


@router.post(
    "/funds/allocations/{int:allocation_id}/spending", response={201: SpendingOut}, summary="登记支出"
)
def record_spending(request, allocation_id: int, payload: SpendingIn):
    allocation = get_scoped(request, Allocation.objects.all(), pk=allocation_id)
    line = services.record_spending(allocation, actor=request.user, **payload.dict())
    return Status(201, line)


@router.post(
    "/funds/allocations/{int:allocation_id}/spending/upload",
    response={201: SpendingOut},
    summary="登记支出（附票据）",
)
def record_spending_with_receipt(
    request,
    allocation_id: int,
    date: Form[datetime.date],
    purpose: Form[str],
    amount: Form[SPENDING_AMOUNT],
    description: Form[str] = "",
    receipt: File[UploadedFile] = None,
):
    allocation = get_scoped(request, Allocation.objects.all(), pk=allocation_id)
    line = services.record_spending(
        allocation,
        actor=request.user,
        date=date,
        purpose=purpose,
        amount=amount,
        description=description,
        receipt=receipt,
    )
    return Status(201, line)


_disbursements = Disbursement.objects.all()
_spending = Spending.objects.select_related("allocation__unit")

endpoints.list(
    "/funds/disbursements",
    "list_disbursements",
    _disbursements,
    DisbursementOut,
    filters=DISBURSEMENT_FILTERS,
    summary="经费拨付（含冲销分录）",
)
endpoints.detail(
    "/funds/disbursements/{disbursement_id}",
    "get_disbursement",
    _disbursements,
    DisbursementOut,
    summary="拨付详情",
)


@router.post(
    "/funds/disbursements/{int:disbursement_id}/reverse", response={201: DisbursementOut}, summary="冲销拨付"
)
def reverse_disbursement(request, disbursement_id: int, payload: FundsReasonIn):
    entry = get_scoped(request, Disbursement.objects.all(), "approve", pk=disbursement_id)
    counter = services.reverse_disbursement(
        entry, actor=request.user, reason=payload.reason, date=payload.date
    )
    return Status(201, counter)


class ExportQuery(Schema):
    year: Year | None = None
    county: str | None = None
    kind: str | None = None
    purpose: str | None = None
    industry: str | None = None
    unit: int | None = None


@router.get("/funds/exports/spending", summary="导出经费支出明细表（Excel）")
def export_spending(request, q: Query[ExportQuery]):
    """The spending lines in the caller's scope, narrowed like the list, as the finance office's sheet:
    title, unit, period, amounts as numbers to two decimals, totals."""
    require(request, "export", Spending)
    lines = scoped(request, Spending.objects.all(), "export")
    lines = SPENDING_FILTERS.apply(lines, q.dict(exclude_none=True), actor=request.user)
    return exporters.spending_response(request.user, lines, year=q.year)


endpoints.list(
    "/funds/spending",
    "list_spending",
    _spending,
    SpendingOut,
    filters=SPENDING_FILTERS,
    summary="经费支出（含冲销分录）",
)
endpoints.detail("/funds/spending/{spending_id}", "get_spending", _spending, SpendingOut, summary="支出详情")


@router.post("/funds/spending/{int:spending_id}/reverse", response={201: SpendingOut}, summary="冲销支出")
def reverse_spending(request, spending_id: int, payload: FundsReasonIn):
    line = get_scoped(request, Spending.objects.all(), "add", pk=spending_id)
    counter = services.reverse_spending(line, actor=request.user, reason=payload.reason, date=payload.date)
    return Status(201, counter)

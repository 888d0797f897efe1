"""Party-building funds: the one write door for allocations, disbursements and spending lines, and the
figures read from them.

The flow is a transition table (`TRANSITIONS`): 申请 (`apply_for_funds`) → 审核 (`approve`/`reject`) →
拨付 (`disburse`, undone only by `reverse_disbursement`'s counter-entry) → 使用 (`record_spending`,
`reverse_spending`) → 年度结余/绩效 (`close_year`). Every money write locks the allocation's row
(`select_for_update`) and re-reads its sums inside the transaction, so two clerks posting at once can never
spend more than was paid out. Amounts are `Decimal` yuan to the fen; a posted entry is never changed.
"""

import datetime
import logging
import os
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from xinye.accounts.permissions import actor_user, is_system, require
from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.funds import rules
from xinye.funds.choices import (
    ALLOCATED_STATES,
    AllocationStatus,
    FundKind,
    Performance,
    SpendingPurpose,
)
from xinye.funds.models import Allocation, Disbursement, Spending
from xinye.orgs.models import OrgUnit, Region

log = logging.getLogger(__name__)

READS = (
    "clean_amount",
    "clean_application",
    "clean_spending",
    "clean_receipt",
    "allowed_transitions",
    "totals",
    "allocation_figures",
    "with_figures",
    "summary",
    "balances_by",
    "standard_amount",
    "yuan",
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")

S = AllocationStatus
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.APPLIED: (S.APPROVED, S.REJECTED),
    S.APPROVED: (S.DISBURSED, S.CLOSED),
    S.DISBURSED: (S.APPROVED, S.CLOSED),  # back to approved when every disbursement is reversed
    S.REJECTED: (),
    S.CLOSED: (),
}


def standard_amount(kind: str) -> Decimal:
    return rules.standard_amount(kind)


def _today() -> datetime.date:
    return timezone.localdate()


def yuan(value) -> str:
    """An amount as the API writes it: a decimal string in yuan with two decimals."""
    return str(Decimal(value or 0).quantize(CENT))


def clean_amount(value, *, field: str = "amount", label: str = "金额") -> Decimal:
    """A positive amount in yuan to the fen (no third decimal), as Decimal; Refused naming the field."""
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise Refused({field: f"{label}：“{value}”不是有效的金额"}) from None
    if not amount.is_finite():
        raise Refused({field: f"{label}：“{value}”不是有效的金额"})
    if amount <= 0:
        raise Refused({field: f"{label}：应大于 0 元"})
    if amount != amount.quantize(CENT):
        raise Refused({field: f"{label}：精确到分，最多两位小数"})
    if amount > MAX_AMOUNT:
        raise Refused({field: f"{label}：超出上限"})
    return amount.quantize(CENT)


def allowed_transitions(allocation: Allocation) -> tuple[str, ...]:
    return TRANSITIONS.get(allocation.status, ())


def _move(allocation: Allocation, to_state: str) -> None:
    if to_state not in TRANSITIONS.get(allocation.status, ()):
        raise Refused(
            {"status": f"状态：当前为“{allocation.get_status_display()}”，不能办理“{S(to_state).label}”"}
        )
    allocation.status = to_state


def _locked(allocation: Allocation) -> Allocation:
    """The allocation's row, locked until the transaction ends (every money write goes through here)."""
    return Allocation.objects.select_for_update().get(pk=allocation.pk)


def _sum(qs) -> Decimal:
    return (qs.aggregate(total=Sum("amount"))["total"] or ZERO).quantize(CENT)


def allocation_figures(allocation: Allocation) -> dict[str, Decimal]:
    """One allocation's net disbursed, spent and balance (disbursed − spent), read from its entries."""
    disbursed = _sum(Disbursement.objects.filter(allocation=allocation))
    spent = _sum(Spending.objects.filter(allocation=allocation))
    return {"disbursed": disbursed, "spent": spent, "balance": disbursed - spent}


# --- 申请 ---


def clean_application(*, kind: str, unit: OrgUnit | None, year, amount) -> Decimal:
    """An application's own rules: a known kind, a recipient of the kind's units (rules: recipients), a
    plausible year, an amount to the fen. Returns the amount as Decimal."""
    if kind not in FundKind.values:
        raise Refused({"kind": f"经费类别：未知的类别“{kind}”"})
    if unit is None:
        raise Refused({"unit": "接收单位：必填"})
    allowed = rules.recipient_kinds(kind)
    if unit.kind not in allowed:
        names = "、".join(str(k.label) for k in allowed)
        raise Refused({"unit": f"接收单位：{FundKind(kind).label}只拨给{names}，“{unit.name}”不是"})
    this_year = _today().year
    if not isinstance(year, int) or not (2000 <= year <= this_year + 1):
        raise Refused({"year": f"年度：应为 2000 至 {this_year + 1} 年"})
    return clean_amount(amount)


@transaction.atomic
def apply_for_funds(
    *, actor, kind: str, unit: OrgUnit, year: int, amount, purpose: str = "", formation_case=None
) -> Allocation:
    """申请: a fund of `kind` for `unit` and `year`, waiting for review. One live application per unit,
    kind and year (a rejected one may be applied for again)."""
    if unit is None:
        raise Refused({"unit": "接收单位：必填"})
    require(actor, "add", None, model=Allocation, unit=unit, industry=unit.industry if unit else "")
    amount = clean_application(kind=kind, unit=unit, year=year, amount=amount)
    taken = Allocation.objects.filter(unit=unit, kind=kind, year=year).exclude(status=S.REJECTED)
    if taken.exists():
        raise Refused({"unit": f"接收单位：“{unit.name}”{year} 年度已有{FundKind(kind).label}，不能重复申请"})
    allocation = Allocation.objects.create(
        kind=kind,
        year=year,
        unit=unit,
        region_id=unit.region_id,
        industry=unit.industry,
        amount=amount,
        purpose=(purpose or "").strip(),
        formation_case=formation_case,
        applied_on=_today(),
        applied_by=actor_user(actor),
    )
    require(actor, "add", allocation)
    return allocation


@transaction.atomic
def update_application(allocation: Allocation, *, actor, amount=None, purpose=None) -> Allocation:
    """Correct an application's amount or reasons while it waits for review (afterwards it is posted)."""
    allocation = _locked(allocation)
    require(actor, "change", allocation)
    if allocation.status != S.APPLIED:
        raise Refused({"status": "状态：已审核的经费不能修改，请走审核、拨付或冲销流程"})
    if amount is not None:
        allocation.amount = clean_amount(amount)
    if purpose is not None:
        allocation.purpose = purpose.strip()
    allocation.save()
    require(actor, "change", allocation)
    return allocation


# --- 审核 ---


def _review(allocation: Allocation, actor, to_state: str, note: str) -> Allocation:
    require(actor, "approve", allocation)
    user = actor_user(actor)
    if not is_system(actor) and user is not None and allocation.applied_by_id == user.pk:
        raise Refused({"status": "审核：申请人不能审核自己的申请"})
    _move(allocation, to_state)
    allocation.reviewed_on = _today()
    allocation.reviewed_by = user
    allocation.review_note = note
    allocation.save()
    require(actor, "approve", allocation)
    return allocation


@transaction.atomic
def approve(allocation: Allocation, *, actor, amount=None, note: str = "") -> Allocation:
    """审核通过, optionally for a smaller or corrected amount."""
    allocation = _locked(allocation)
    if amount is not None:
        require(actor, "approve", allocation)
        allocation.amount = clean_amount(amount, label="批准金额")
    return _review(allocation, actor, S.APPROVED, (note or "").strip())


@transaction.atomic
def reject(allocation: Allocation, *, actor, reason: str) -> Allocation:
    """不予批准, with the reason the applicant reads."""
    allocation = _locked(allocation)
    require(actor, "approve", allocation)
    if not (reason or "").strip():
        raise Refused({"reason": "理由：不予批准时须写明理由"})
    return _review(allocation, actor, S.REJECTED, reason.strip())


# --- 拨付 ---


def _entry_date(date, allocation: Allocation, *, field: str = "date") -> datetime.date:
    date = date or _today()
    if date > _today():
        raise Refused({field: "日期：不能晚于今天"})
    if date.year != allocation.year:
        raise Refused({field: f"日期：应在经费所属的 {allocation.year} 年度内"})
    return date


@transaction.atomic
def disburse(
    allocation: Allocation, *, actor, amount=None, date=None, voucher: str = "", note: str = ""
) -> Disbursement:
    """拨付 money to an approved allocation — by default what is left of the approved amount; never more
    in total than approved."""
    allocation = _locked(allocation)
    require(actor, "approve", allocation)
    if allocation.status not in (S.APPROVED, S.DISBURSED):
        raise Refused({"status": f"状态：“{allocation.get_status_display()}”的经费不能拨付"})
    figures = allocation_figures(allocation)
    left = allocation.amount - figures["disbursed"]
    amount = clean_amount(left if amount is None else amount, label="拨付金额")
    if amount > left:
        raise Refused({"amount": f"拨付金额：超出批准金额，尚可拨付 {yuan(left)} 元"})
    date = _entry_date(date, allocation)
    entry = Disbursement.objects.create(
        allocation=allocation,
        date=date,
        amount=amount,
        voucher=(voucher or "").strip(),
        note=(note or "").strip(),
        created_by=actor_user(actor),
    )
    if allocation.status == S.APPROVED:
        _move(allocation, S.DISBURSED)
        allocation.save()
    require(actor, "approve", entry)
    return entry


@transaction.atomic
def reverse_disbursement(disbursement: Disbursement, *, actor, reason: str, date=None) -> Disbursement:
    """冲销 a disbursement by a counter-entry of the opposite amount (the original stays as posted). Refused
    when the money is already spent: the spending must be reversed first."""
    allocation = _locked(disbursement.allocation)
    require(actor, "approve", disbursement)
    disbursement = Disbursement.objects.get(pk=disbursement.pk)
    if not (reason or "").strip():
        raise Refused({"reason": "理由：冲销须写明理由"})
    if allocation.status == S.CLOSED:
        raise Refused({"status": "状态：经费已结算，不能冲销"})
    if disbursement.reverses_id or disbursement.amount <= 0:
        raise Refused({"reverses": "冲销：冲销分录本身不能再冲销"})
    if Disbursement.objects.filter(reverses=disbursement).exists():
        raise Refused({"reverses": "冲销：该笔拨付已冲销"})
    figures = allocation_figures(allocation)
    if figures["disbursed"] - disbursement.amount < figures["spent"]:
        raise Refused(
            {
                "reverses": f"冲销：已使用 {yuan(figures['spent'])} 元，冲销后拨付额将少于已使用额，请先冲销支出"
            }
        )
    entry = Disbursement.objects.create(
        allocation=allocation,
        date=_entry_date(date, allocation),
        amount=-disbursement.amount,
        voucher=disbursement.voucher,
        note=f"冲销：{reason.strip()}"[:255],
        reverses=disbursement,
        created_by=actor_user(actor),
    )
    if figures["disbursed"] - disbursement.amount == 0:
        _move(allocation, S.APPROVED)
        allocation.save()
    require(actor, "approve", entry)
    return entry


# --- 使用 ---


def clean_receipt(receipt) -> None:
    """A receipt must be of an accepted kind and size (rules: receipt_extensions, receipt_max_bytes)."""
    if not receipt:
        return
    ext = os.path.splitext(getattr(receipt, "name", "") or "")[1].lower()
    allowed = rules.rule("receipt_extensions")
    if ext not in allowed:
        raise Refused({"receipt": f"票据：只接受 {'、'.join(allowed)} 格式"})
    limit = rules.rule("receipt_max_bytes")
    if (getattr(receipt, "size", 0) or 0) > limit:
        raise Refused({"receipt": f"票据：不能超过 {limit // (1024 * 1024)} MB"})


def clean_spending(*, allocation: Allocation | None, date, purpose: str, amount, receipt=None) -> Decimal:
    """A spending line's rules: a purpose from the fixed list, an amount to the fen, a date in the
    allocation's year and not in the future, a receipt of an accepted kind, no more than the balance as
    read now (`record_spending` reads it again under the row lock). Returns the amount."""
    if purpose not in SpendingPurpose.values:
        names = "、".join(str(p.label) for p in SpendingPurpose)
        raise Refused({"purpose": f"用途：只能是{names}（不得用于工资、招待或礼品）"})
    amount = clean_amount(amount)
    if allocation is not None and date is not None:
        _entry_date(date, allocation)
    clean_receipt(receipt)
    if allocation is not None and allocation.pk is not None:  # shown on the form; re-checked under the lock
        balance = allocation_figures(allocation)["balance"]
        if amount > balance:
            raise Refused({"amount": f"金额：超出可用余额，尚可使用 {yuan(balance)} 元"})
    return amount


@transaction.atomic
def record_spending(
    allocation: Allocation, *, actor, date, purpose: str, amount, description: str = "", receipt=None
) -> Spending:
    """使用: one spending line of a paid-out allocation. Refused when it would spend more than was paid out
    (checked with the allocation's row locked, so concurrent lines cannot overspend together)."""
    require(actor, "view", allocation)
    require(actor, "add", None, model=Spending, unit=allocation.unit, industry=allocation.industry)
    allocation = _locked(allocation)
    amount = clean_spending(allocation=allocation, date=date, purpose=purpose, amount=amount, receipt=receipt)
    if allocation.status != S.DISBURSED:
        raise Refused({"allocation": f"经费：“{allocation.get_status_display()}”的经费不能登记支出"})
    figures = allocation_figures(allocation)
    if amount > figures["balance"]:
        raise Refused({"amount": f"金额：超出可用余额，尚可使用 {yuan(figures['balance'])} 元"})
    line = Spending(
        allocation=allocation,
        date=_entry_date(date, allocation),
        purpose=purpose,
        amount=amount,
        description=(description or "").strip()[:255],
        created_by=actor_user(actor),
    )
    if receipt:
        line.receipt = receipt
    line.save()
    require(actor, "add", line)
    return line


@transaction.atomic
def reverse_spending(spending: Spending, *, actor, reason: str, date=None) -> Spending:
    """冲销 a spending line by a counter-entry of the opposite amount (the line stays as posted)."""
    allocation = _locked(spending.allocation)
    require(actor, "add", spending)
    spending = Spending.objects.get(pk=spending.pk)
    if not (reason or "").strip():
        raise Refused({"reason": "理由：冲销须写明理由"})
    if allocation.status == S.CLOSED:
        raise Refused({"status": "状态：经费已结算，不能冲销"})
    if spending.reverses_id or spending.amount <= 0:
        raise Refused({"reverses": "冲销：冲销分录本身不能再冲销"})
    if Spending.objects.filter(reverses=spending).exists():
        raise Refused({"reverses": "冲销：该笔支出已冲销"})
    entry = Spending.objects.create(
        allocation=allocation,
        date=_entry_date(date, allocation),
        purpose=spending.purpose,
        amount=-spending.amount,
        description=f"冲销：{reason.strip()}"[:255],
        reverses=spending,
        created_by=actor_user(actor),
    )
    require(actor, "add", entry)
    return entry


# --- 年度结余/绩效 ---


@transaction.atomic
def close_year(allocation: Allocation, *, actor, performance: str, note: str = "", date=None) -> Allocation:
    """Close the allocation for its year: record its balance (paid out − spent) and the performance grade.
    Nothing is posted to it afterwards."""
    allocation = _locked(allocation)
    require(actor, "approve", allocation)
    if performance not in Performance.values:
        raise Refused({"performance": "绩效评价：请选择优秀、良好、合格或不合格"})
    _move(allocation, S.CLOSED)
    date = date or _today()
    if date > _today():
        raise Refused({"date": "日期：不能晚于今天"})
    allocation.closing_balance = allocation_figures(allocation)["balance"]
    allocation.closed_on = date
    allocation.performance = performance
    allocation.performance_note = (note or "").strip()
    allocation.save()
    require(actor, "approve", allocation)
    return allocation


# --- the automatic proposal ---


@transaction.atomic
def propose_work_fund(case, *, actor) -> Allocation | None:
    """A formation case reached its last step: propose the new organisation's 党建工作经费 for this year at
    the city's standard amount (rules: standard_amounts), waiting for review. Once per case."""
    org = getattr(case, "organisation", None)
    if org is None or Allocation.objects.filter(formation_case=case).exists():
        return None
    unit = org.unit
    year = (case.state_changed_on or _today()).year
    if (
        Allocation.objects.filter(unit=unit, kind=FundKind.WORK, year=year)
        .exclude(status=S.REJECTED)
        .exists()
    ):
        return None
    return apply_for_funds(
        actor=actor,
        kind=FundKind.WORK,
        unit=unit,
        year=year,
        amount=standard_amount(FundKind.WORK),
        purpose=f"新建党组织“{unit.name}”党建工作经费（组建流程完成时自动提出）",
        formation_case=case,
    )


# --- figures ---

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_figures(queryset):
    """Allocations annotated with `disbursed_total` and `spent_total` (one query, for lists)."""

    def total(model):
        sub = (
            model.objects.filter(allocation=OuterRef("pk"))
            .order_by()
            .values("allocation")
            .annotate(t=Sum("amount"))
            .values("t")
        )
        return Coalesce(Subquery(sub, output_field=_MONEY), Value(ZERO), output_field=_MONEY)

    return queryset.annotate(disbursed_total=total(Disbursement), spent_total=total(Spending))


def totals(allocations) -> dict[str, Decimal]:
    """allocated (approved amounts), disbursed (net of reversals), spent (net) and balance of a queryset of
    allocations."""
    allocated = _sum(allocations.filter(status__in=ALLOCATED_STATES))
    ids = allocations.values("pk")
    disbursed = _sum(Disbursement.objects.filter(allocation__in=ids))
    spent = _sum(Spending.objects.filter(allocation__in=ids))
    return {"allocated": allocated, "disbursed": disbursed, "spent": spent, "balance": disbursed - spent}


def summary(allocations) -> dict:
    """The figures of `allocations` (already scoped and narrowed to a year) and per kind."""
    return {
        **totals(allocations),
        "by_kind": {kind: totals(allocations.filter(kind=kind)) for kind in FundKind.values},
    }


GROUPS = {
    "county": "region_id",
    "industry": "industry",
    "organisation": "unit_id",
    "year": "year",
    "kind": "kind",
}


def balances_by(allocations, by: str) -> list[dict]:
    """The figures of `allocations` grouped by county, industry, organisation, year or kind: rows of
    {key, name, allocated, disbursed, spent, balance}, in the key's order."""
    if by not in GROUPS:
        raise Refused({"by": f"分组：应为 {'、'.join(GROUPS)} 之一"})
    key = GROUPS[by]
    rows: dict = {}

    def add(qs, field, figure):
        for row in qs.order_by().values(field).annotate(t=Sum("amount")):
            entry = rows.setdefault(row[field], dict.fromkeys(("allocated", "disbursed", "spent", "n"), ZERO))
            entry[figure] += row["t"] or ZERO

    ids = allocations.values("pk")
    add(allocations.filter(status__in=ALLOCATED_STATES), key, "allocated")
    add(allocations.exclude(status=S.REJECTED), key, "n")  # keys applied for, with no money yet
    add(Disbursement.objects.filter(allocation__in=ids), f"allocation__{key}", "disbursed")
    add(Spending.objects.filter(allocation__in=ids), f"allocation__{key}", "spent")
    names = _names(by, rows.keys())
    out = []
    for value in sorted(rows, key=lambda v: (v is None, str(v))):
        figures = rows[value]
        out.append(
            {
                "key": "" if value is None else str(value),
                "name": names.get(value, str(value or "")),
                "allocated": figures["allocated"].quantize(CENT),
                "disbursed": figures["disbursed"].quantize(CENT),
                "spent": figures["spent"].quantize(CENT),
                "balance": (figures["disbursed"] - figures["spent"]).quantize(CENT),
            }
        )
    return out


def _names(by: str, keys) -> dict:
    if by == "county":
        return dict(Region.objects.filter(pk__in=list(keys)).values_list("pk", "name"))
    if by == "organisation":
        return dict(OrgUnit.objects.filter(pk__in=list(keys)).values_list("pk", "name"))
    if by == "industry":
        return {k: str(Industry(k).label) if k in Industry.values else "未分行业" for k in keys}
    if by == "kind":
        return {k: str(FundKind(k).label) for k in keys}
    return {k: f"{k} 年" for k in keys}

"""使用 and 年度结余/绩效: spending lines against a disbursement and the year's balance."""

import os
from decimal import Decimal

from django.db import transaction

from xinye.accounts.permissions import actor_user, require
from xinye.core.errors import Refused
from xinye.funds import rules
from xinye.funds.choices import (
    Performance,
    SpendingPurpose,
)
from xinye.funds.models import Allocation, Spending
from xinye.funds.services.common import S, _locked, _move, _today, allocation_figures, clean_amount, yuan
from xinye.funds.services.disbursements import _entry_date

READS = ("clean_spending", "clean_receipt")


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

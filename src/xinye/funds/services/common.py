"""Shared by every step: amounts, their parsing and formatting, and the status shorthand."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import timezone

from xinye.core.errors import Refused
from xinye.funds import rules
from xinye.funds.choices import (
    AllocationStatus,
)
from xinye.funds.models import Allocation, Disbursement, Spending

READS = ("clean_amount", "allowed_transitions", "allocation_figures", "standard_amount", "yuan")


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

"""申请 and 审核: a unit's application for an allocation and its review."""

from decimal import Decimal

from django.db import transaction

from xinye.accounts.permissions import actor_user, is_system, require
from xinye.core.errors import Refused
from xinye.funds import rules
from xinye.funds.choices import (
    FundKind,
)
from xinye.funds.models import Allocation
from xinye.funds.services.common import S, _locked, _move, _today, clean_amount
from xinye.orgs.models import OrgUnit

READS = ("clean_application",)


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

"""拨付: the money paid out against an approved allocation."""

import datetime

from django.db import transaction

from xinye.accounts.permissions import actor_user, require
from xinye.core.errors import Refused
from xinye.funds.models import Allocation, Disbursement
from xinye.funds.services.common import S, _locked, _move, _today, allocation_figures, clean_amount, yuan

READS = ()


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

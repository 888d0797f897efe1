"""Transfers (组织关系转接) and 流动党员."""

from __future__ import annotations

import datetime

from django.db import transaction

from xinye.accounts.permissions import actor_user, require, restrict
from xinye.core.errors import Refused
from xinye.ledger.choices import MembershipHeld, PoliticalStatus
from xinye.ledger.models import PartyMember, Practitioner
from xinye.members.choices import (
    Direction,
    FlowStatus,
    TransferStatus,
)
from xinye.members.models import (
    FlowingMember,
    TransferLetter,
)
from xinye.members.rules import (
    is_cross_province,
    rule,
)
from xinye.members.services.common import _fmt, _make_member, _set_status, today

READS = ("clean_receipt", "clean_transfer")


def clean_transfer(letter: TransferLetter) -> None:
    """The checks of a new 介绍信 (one open letter per member and direction; the names filled in). Raises
    Refused naming the field; the console's form and `issue_transfer` both call it."""
    if letter.direction not in Direction.values:
        raise Refused({"direction": "方向须为转出或转入"})
    name = letter.member_name or (letter.member.practitioner.name if letter.member_id else "")
    if letter.member_id:
        if TransferLetter.objects.filter(
            member_id=letter.member_id, direction=letter.direction, status=TransferStatus.ISSUED
        ).exists():
            raise Refused({"member": f"{name} 已有一封未回执的{Direction(letter.direction).label}介绍信"})
    if not name:
        raise Refused({"member_name": "请填写党员姓名"})
    if not letter.other_organisation:
        raise Refused({"other_organisation": "请填写对方党组织"})


@transaction.atomic
def issue_transfer(
    *,
    direction: str,
    unit,
    other_organisation: str,
    issued_on: datetime.date,
    member: PartyMember | None = None,
    member_name: str = "",
    other_region: str = "",
    cross_province: bool | None = None,
    letter_no: str = "",
    note: str = "",
    actor,
) -> TransferLetter:
    """Record an outgoing letter we issue, or an incoming one a member brings us. An outgoing letter's
    member must be one the actor can see."""
    require(actor, "add", model=TransferLetter, unit=unit)
    if member is not None and direction == Direction.OUTGOING:
        require(actor, "view", member)
    if cross_province is None:
        cross_province = is_cross_province(other_region)
    letter = TransferLetter(
        direction=direction,
        unit=unit,
        member=member,
        member_name=member_name or (member.practitioner.name if member is not None else ""),
        is_probationary=bool(member and not member.is_full),
        other_organisation=other_organisation,
        other_region=other_region,
        cross_province=cross_province,
        issued_on=issued_on,
        letter_no=letter_no,
        note=note,
        created_by=actor_user(actor),
    )
    clean_transfer(letter)
    letter.save()
    require(actor, "add", letter)
    return letter


def clean_receipt(letter: TransferLetter, received_on: datetime.date) -> None:
    """Whether the 回执 may be recorded on `received_on` (an open letter, within its validity)."""
    if letter.status != TransferStatus.ISSUED:
        raise Refused(f"介绍信状态为“{letter.get_status_display()}”，不能登记回执")
    if received_on < letter.issued_on:
        raise Refused({"receipt_on": "回执日期早于开具日期"})
    if received_on > letter.valid_until:
        months = rule(
            "transfer_valid_months_cross_province" if letter.cross_province else "transfer_valid_months"
        )
        raise Refused(
            {"receipt_on": f"介绍信已于 {_fmt(letter.valid_until)} 过期（有效期 {months} 个月），须重新开具"}
        )


@transaction.atomic
def record_receipt(letter: TransferLetter, received_on: datetime.date, *, actor) -> TransferLetter:
    """The 回执 came back (outgoing) or the member reported here (incoming). An incoming member's
    membership is then held here; until then the sending organisation stays responsible."""
    require(actor, "change", letter)
    letter = TransferLetter.objects.select_for_update().get(pk=letter.pk)
    clean_receipt(letter, received_on)
    letter.status, letter.receipt_on = TransferStatus.RECEIVED, received_on
    letter.save()
    require(actor, "change", letter)
    if letter.direction == Direction.INCOMING and letter.member_id:
        member = letter.member
        _make_member(
            member.practitioner,
            letter.unit,
            actor=actor,
            is_full=member.is_full,
            joined_on=member.joined_on,
            membership_held=MembershipHeld.HERE,
            home_organisation="",
        )
        for flowing in FlowingMember.objects.filter(member=member, status=FlowStatus.ACTIVE):
            end_flowing(flowing, actor=actor)  # their membership is held here now
    return letter


@transaction.atomic
def cancel_transfer(letter: TransferLetter, *, actor, reason: str = "") -> TransferLetter:
    """Cancel (作废) a letter still waiting for its 回执."""
    require(actor, "change", letter)
    letter = TransferLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != TransferStatus.ISSUED:
        raise Refused("只有待回执的介绍信可以作废")
    letter.status = TransferStatus.CANCELLED
    letter.note = (letter.note + f"\n作废：{reason}").strip()
    letter.save()
    return letter


@transaction.atomic
def expire_transfers(as_of: datetime.date | None = None, queryset=None, *, actor) -> int:
    """Mark letters past their validity without a receipt as expired, among those `actor` may change
    (of `queryset` when given); returns how many."""
    as_of = as_of or today()
    qs = restrict(queryset if queryset is not None else TransferLetter.objects.all(), actor, "change")
    expired = list(qs.filter(status=TransferStatus.ISSUED, valid_until__lt=as_of))
    for letter in expired:
        letter.status = TransferStatus.EXPIRED
        letter.save(update_fields=["status", "valid_until", "updated_at"])
    return len(expired)


@transaction.atomic
def register_flowing_member(
    *,
    practitioner: Practitioner,
    unit,
    home_organisation: str,
    home_region: str,
    registered_on: datetime.date,
    home_contact: str = "",
    home_contact_phone: str = "",
    certificate_no: str = "",
    period_until: datetime.date | None = None,
    is_full: bool = True,
    joined_on: datetime.date | None = None,
    note: str = "",
    actor,
) -> FlowingMember:
    """Register a 流动党员 where they work: their ledger PartyMember (created if missing) joins the local
    organisation with membership held elsewhere, so they take part in local life and meetings."""
    require(actor, "add", model=FlowingMember, unit=unit)
    if not home_organisation or not home_region:
        raise Refused("请填写组织关系所在党组织及流出地")
    existing = PartyMember.objects.filter(practitioner=practitioner).first()
    if existing is not None:
        is_full, joined_on = existing.is_full, existing.joined_on
    member = _make_member(
        practitioner,
        unit,
        actor=actor,
        is_full=is_full,
        joined_on=joined_on,
        membership_held=MembershipHeld.ELSEWHERE,
        home_organisation=home_organisation,
    )
    _set_status(practitioner, PoliticalStatus.FULL if member.is_full else PoliticalStatus.PROBATIONARY)
    flowing, _ = FlowingMember.objects.update_or_create(
        member=member,
        defaults={
            "unit": unit,
            "home_organisation": home_organisation,
            "home_region": home_region,
            "home_contact": home_contact,
            "home_contact_phone": home_contact_phone,
            "certificate_no": certificate_no,
            "registered_on": registered_on,
            "period_until": period_until,
            "status": FlowStatus.ACTIVE,
            "note": note,
        },
    )
    require(actor, "add", flowing)
    return flowing


@transaction.atomic
def end_flowing(flowing: FlowingMember, *, actor) -> FlowingMember:
    """The 流动党员 has left (or returned home): their registration here ends."""
    require(actor, "change", flowing)
    flowing.status = FlowStatus.ENDED
    flowing.save()
    return flowing

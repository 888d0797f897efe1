"""What the members services share: the date helpers, and writing to the ledger (membership rows through
`ledger.services.save_party_member`; the pre-membership statuses here, as the ledger has no service for them)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from xinye.accounts.permissions import in_scope, unit_in_scope
from xinye.ledger.models import PartyMember, Practitioner
from xinye.members.rules import add_months, month_start, months_between  # noqa: F401 - re-exported


def today() -> datetime.date:
    return timezone.localdate()


def _fmt(d: datetime.date) -> str:
    return d.strftime("%Y-%m-%d")


# --- scope ---


def _check(actor, action: str, obj) -> None:
    if actor is not None and not in_scope(actor, action, obj):
        raise PermissionDenied("对象不存在或不在您的管辖范围内")


def _check_unit(actor, action: str, model, unit) -> None:
    if actor is not None and not unit_in_scope(actor, action, model, unit):
        raise PermissionDenied("所选党组织不在您的管辖范围内")


# --- ledger writes: membership through ledger.services; pre-membership statuses here ---


def _set_status(practitioner: Practitioner, status: str) -> None:
    if practitioner.political_status != status:
        practitioner.political_status = status
        practitioner.save(update_fields=["political_status", "updated_at"])


def _make_member(practitioner: Practitioner, unit, *, is_full: bool, joined_on, **extra) -> PartyMember:
    """Create or update the ledger's PartyMember through the ledger's own service (which also keeps
    政治面貌 in step). Scope was checked by the calling members service, so no actor is passed on."""
    from xinye.ledger.services import save_party_member

    return save_party_member(practitioner, unit=unit, is_full=is_full, joined_on=joined_on, **extra)

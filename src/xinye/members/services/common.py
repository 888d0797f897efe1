"""What the members services share: today's date, and writing to the ledger (membership rows through
`ledger.services.save_party_member`; the pre-membership statuses here, as the ledger has no service for them)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from xinye.accounts.permissions import is_system, require, system_actor
from xinye.ledger.models import PartyMember, Practitioner
from xinye.ledger.services import save_party_member

READS = ("today",)


def today() -> datetime.date:
    return timezone.localdate()


def _fmt(d: datetime.date) -> str:
    return d.strftime("%Y-%m-%d")


def _set_status(practitioner: Practitioner, status: str) -> None:
    if practitioner.political_status != status:
        practitioner.political_status = status
        practitioner.save(update_fields=["political_status", "updated_at"])


def _make_member(
    practitioner: Practitioner, unit, *, actor, is_full: bool, joined_on, **extra
) -> PartyMember:
    """Create or update the ledger's PartyMember through the ledger's own service (which also keeps
    政治面貌 in step), as a consequence of a members rule (step 17, step 24, a 流动党员's registration).

    The calling service has checked `actor` on its own object; the ledger row is written by the system on
    its behalf (a branch secretary may not place a new row under the enterprise's 行业党建办), and the row
    it lands in must then be one `actor` may change — or the whole transaction rolls back."""
    on_behalf = actor if is_system(actor) else system_actor(f"members:{getattr(actor, 'username', '')}")
    member = save_party_member(
        practitioner, actor=on_behalf, unit=unit, is_full=is_full, joined_on=joined_on, **extra
    )
    require(actor, "change", member)
    return member

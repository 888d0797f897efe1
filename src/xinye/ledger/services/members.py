"""Party members: the membership record's checks, save and delete."""

from django.db import transaction

from xinye.accounts.permissions import require
from xinye.accounts.writes import expect_version
from xinye.ledger import rules, signals
from xinye.ledger.choices import (
    PARTY_STATUSES,
    PoliticalStatus,
)
from xinye.ledger.imports.check import member_errors
from xinye.ledger.models import (
    PartyMember,
    Practitioner,
)
from xinye.ledger.services.common import ORG_KINDS, _raise, _set, local_today
from xinye.ledger.services.practitioners import _member_unit
from xinye.orgs.choices import UnitKind

# The pure rules and queries of this module (no actor: they write nothing).
READS = ("clean_member",)


MEMBER_FIELDS = ("is_full", "joined_on", "full_member_on", "membership_held", "home_organisation", "unit")


MEMBER_LABELS = {
    "joined_on": "入党日期",
    "full_member_on": "转正日期",
    "membership_held": "组织关系",
    "home_organisation": "组织关系所在党组织",
}


def clean_member(m: PartyMember) -> None:
    """Validate a member's party details (dates, age at joining, 流动党员's home organisation)."""
    reasons = member_errors(
        joined_on=m.joined_on,
        full_member_on=m.full_member_on,
        is_full=m.is_full,
        membership_held=m.membership_held,
        home_organisation=m.home_organisation,
        birth_date=m.practitioner.birth_date,
        today=local_today(),
        min_join_age=rules.rule("min_join_age"),
    )
    errors = {key: f"{MEMBER_LABELS[key]}：{reason}" for key, reason in reasons.items()}
    if m.unit_id and m.unit.kind not in (*ORG_KINDS, UnitKind.PARTY_GROUP, UnitKind.INDUSTRY_OFFICE):
        errors["unit"] = "所在党组织：应为党组织（或尚未组建时的行业党建办）"
    _raise(errors)


@transaction.atomic
def save_party_member(
    practitioner: Practitioner, *, actor, version: int | None = None, **fields
) -> PartyMember:
    """Create or update the party details of a practitioner; keeps 政治面貌 in step (预备/正式党员).
    `version`: the version of the member row the writer edited — a row changed since is refused (Stale)."""
    member = PartyMember.objects.filter(practitioner=practitioner).first()
    if member is not None:
        expect_version(member, version)
    if member is None:
        require(actor, "view", practitioner)
        member = PartyMember(
            practitioner=practitioner,
            enterprise=practitioner.enterprise,
            unit=_member_unit(practitioner.enterprise),
        )
        action = "add"
    else:
        require(actor, "change", member)
        action = "change"
    old_enterprise = member.enterprise_id
    _set(member, fields, MEMBER_FIELDS)
    member.region_id, member.industry = practitioner.region_id, practitioner.industry
    clean_member(member)
    require(actor, action, None, model=PartyMember, unit=member.unit, industry=member.industry)
    member.save()
    require(actor, action, member)
    status = PoliticalStatus.FULL if member.is_full else PoliticalStatus.PROBATIONARY
    if practitioner.political_status != status:
        practitioner.political_status = status
        practitioner.save(update_fields=["political_status", "updated_at"])
    signals.send([old_enterprise, member.enterprise_id])
    return member


@transaction.atomic
def delete_party_member(member: PartyMember, *, actor) -> None:
    """Remove a member's party details (党员减少); 政治面貌 goes back to 群众 unless told otherwise."""
    require(actor, "delete", member)
    practitioner, enterprise_id = member.practitioner, member.enterprise_id
    member.delete()
    if practitioner.political_status in PARTY_STATUSES:
        practitioner.political_status = PoliticalStatus.MASSES
        practitioner.save(update_fields=["political_status", "updated_at"])
    signals.send([enterprise_id])

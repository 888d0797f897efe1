"""Builders for the teams tests (plain functions)."""

import datetime
import uuid

from tests.ledger.factories import make_enterprise, make_member
from tests.matrix import office_for_placement, party_unit_for_placement
from xinye.ledger.models import PartyOrganisation
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit
from xinye.teams.models import PartyWorker


def make_org(office, *, next_election_on=None) -> PartyOrganisation:
    """A 党支部 under a 行业党建办 (or at a party unit), covering one new enterprise of the office."""
    party_unit = office if office.kind in (UnitKind.BRANCH, UnitKind.PARTY_COMMITTEE) else None
    place = office_for_placement(office)
    ent = make_enterprise(place)
    if party_unit is None:
        party_unit = OrgUnit.objects.create(
            code=f"t-tm-{uuid.uuid4().hex[:8]}",
            name=f"中共{ent.name}支部委员会",
            kind=UnitKind.BRANCH,
            parent=office,
            region=office.region,
            industry=ent.industry,
        )
    org, _ = PartyOrganisation.objects.get_or_create(
        unit=party_unit,
        defaults={
            "region": party_unit.region,
            "industry": party_unit.industry or ent.industry,
            "next_election_on": next_election_on,
        },
    )
    org.enterprises.add(ent)
    return org


def org_for(unit) -> PartyOrganisation:
    """The matrix's placement: the organisation at (or a new branch under) `unit`, with an enterprise."""
    party_unit = party_unit_for_placement(unit)
    org, _ = PartyOrganisation.objects.get_or_create(
        unit=party_unit, defaults={"region": party_unit.region, "industry": party_unit.industry or ""}
    )
    if not org.enterprises.exists():
        org.enterprises.add(make_enterprise(office_for_placement(unit)))
    return org


def member_of(org, *, is_full=True):
    return make_member(org.enterprises.first(), is_full=is_full, unit=org.unit)


def with_committee_room(org, full=7):
    """Give the organisation `full` full members, so it may have a 支部委员会 (支部工作条例: ≥ 7)."""
    from xinye.ledger.models import PartyMember

    for _ in range(full - PartyMember.objects.filter(unit=org.unit, is_full=True).count()):
        member_of(org)
    return org


def make_worker(org, *, post="party_worker", member=None, **extra) -> PartyWorker:
    member = member if member is not None else member_of(org)
    worker = PartyWorker(
        organisation=org,
        post=post,
        member=member,
        name=member.practitioner.name,
        since=extra.pop("since", datetime.date(2024, 1, 1)),
        **extra,
    )
    worker.place_in(org)
    worker.save()
    return worker

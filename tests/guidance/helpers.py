"""Small builders for guidance and orglife tests: an enterprise, an agent, a party branch with members,
all under a given unit."""

import datetime
import itertools
import uuid

from xinye.ledger.choices import PoliticalStatus
from xinye.ledger.models import Enterprise, PartyMember, PartyOrganisation, Practitioner
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import Agent, OrgUnit

_seq = itertools.count(1)


def enterprise(unit: OrgUnit, name: str = "", lat=None, lng=None) -> Enterprise:
    return Enterprise.objects.create(
        name=name or f"测试站点{next(_seq)}",
        industry=unit.industry or "delivery",
        region=unit.region,
        unit=unit,
        latitude=lat,
        longitude=lng,
    )


def agent(unit: OrgUnit, kind: str = "instructor", name: str = "", user=None, **kw) -> Agent:
    return Agent.objects.create(
        kind=kind,
        name=name or f"指导员{next(_seq)}",
        unit=unit,
        region=unit.region,
        industry=unit.industry,
        user=user,
        **kw,
    )


def branch(
    parent: OrgUnit, name: str = "测试党支部", *, kind=UnitKind.BRANCH, next_election_on=None
) -> OrgUnit:
    unit = OrgUnit.objects.create(
        code=f"t-br-{uuid.uuid4().hex[:8]}",
        name=name,
        kind=kind,
        parent=parent,
        region=parent.region,
        industry=parent.industry,
    )
    PartyOrganisation.objects.create(
        unit=unit, region=parent.region, industry=parent.industry, next_election_on=next_election_on
    )
    return unit


def member(
    party_unit: OrgUnit, name: str = "", *, is_full=True, ent=None, joined_on=datetime.date(2015, 7, 1)
):
    ent = ent or enterprise(party_unit)
    p = Practitioner.objects.create(
        name=name or f"党员{next(_seq)}",
        id_number=f"T{uuid.uuid4().hex[:17]}",
        enterprise=ent,
        political_status=PoliticalStatus.FULL if is_full else PoliticalStatus.PROBATIONARY,
    )
    return PartyMember.objects.create(
        practitioner=p,
        unit=party_unit,
        region=p.region,
        industry=p.industry,
        enterprise=ent,
        is_full=is_full,
        joined_on=joined_on,
    )

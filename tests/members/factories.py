"""Small builders for members tests: an enterprise, people and a party branch under a given unit."""

import datetime
import itertools
import uuid

from xinye.ledger.choices import PoliticalStatus
from xinye.ledger.models import Enterprise, PartyMember, Practitioner
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit

_seq = itertools.count(1)


def branch(parent: OrgUnit, name: str = "测试党支部") -> OrgUnit:
    return OrgUnit.objects.create(
        code=f"t-br-{uuid.uuid4().hex[:8]}",
        name=name,
        kind=UnitKind.BRANCH,
        parent=parent,
        region=parent.region,
        industry=parent.industry or "delivery",
    )


def enterprise(unit: OrgUnit) -> Enterprise:
    return Enterprise.objects.create(
        name=f"测试企业{next(_seq)}", industry=unit.industry or "delivery", region=unit.region, unit=unit
    )


def person(
    unit: OrgUnit, name: str = "张三", *, birth=datetime.date(1995, 5, 1), phone="", ent=None, id_number=None
) -> Practitioner:
    ent = ent or enterprise(unit)
    return Practitioner.objects.create(
        name=name,
        id_number=id_number or f"T{uuid.uuid4().hex[:17]}",
        phone=phone,
        birth_date=birth,
        enterprise=ent,
    )


def member(
    unit: OrgUnit,
    name: str = "李四",
    *,
    is_full=True,
    joined_on=datetime.date(2015, 7, 1),
    party_unit=None,
    **kw,
) -> PartyMember:
    p = person(unit, name, **kw)
    p.political_status = PoliticalStatus.FULL if is_full else PoliticalStatus.PROBATIONARY
    p.save()
    return PartyMember.objects.create(
        practitioner=p,
        unit=party_unit or unit,
        region=p.region,
        industry=p.industry,
        enterprise=p.enterprise,
        is_full=is_full,
        joined_on=joined_on,
    )

"""Small hand-built ledgers in the database for coverage tests."""

import itertools

from tests.ledger.factories import make_id
from xinye.accounts.permissions import system_actor
from xinye.coverage.models import AgentPlacement, CoverageCell, EnterpriseCoverage, OrganisationPlacement
from xinye.ledger import services as ledger
from xinye.ledger.models import Enterprise, PartyMember, PartyOrganisation, Practitioner
from xinye.orgs.models import Agent, OrgUnit, Region
from xinye.orgs.services import assign_responsibility

_seq = itertools.count(1)
SYSTEM = system_actor("test")


def make_region(world) -> tuple[Region, dict]:
    """A county of its own (159901 测试旗) with a 两新工委 and offices for 快递 and 外卖骑手, so figures are exact."""
    city = Region.objects.get(code="150500")
    region, _ = Region.objects.get_or_create(
        code="159901", defaults={"name": "测试旗", "level": "county", "parent": city}
    )
    wc, _ = OrgUnit.objects.get_or_create(
        code="lxgw-test",
        defaults={
            "name": "测试旗两新工委",
            "kind": "work_committee",
            "region": region,
            "parent": OrgUnit.objects.get(code="tl-lxgw"),
        },
    )
    offices = {}
    for industry, name in (("express", "快递"), ("delivery", "外卖骑手")):
        offices[industry], _ = OrgUnit.objects.get_or_create(
            code=f"djb-test-{industry}",
            defaults={
                "name": f"测试旗{name}行业党建办",
                "kind": "industry_office",
                "region": region,
                "parent": wc,
                "industry": industry,
                "answers_to": OrgUnit.objects.get(code=f"hydw-{industry}"),
            },
        )
    return region, offices


def enterprise(office, name=None, *, lat=None, lon=None, **fields) -> Enterprise:
    n = next(_seq)
    return ledger.create_enterprise(
        actor=SYSTEM,
        name=name or f"测试企业{n}",
        industry=office.industry,
        region=office.region,
        unit=office,
        latitude=lat,
        longitude=lon,
        **fields,
    )


def practitioners(ent, count=1, status="masses") -> list[Practitioner]:
    return [
        ledger.create_practitioner(
            actor=SYSTEM,
            enterprise=ent,
            name=f"从业者{next(_seq)}",
            id_number=make_id(),
            political_status=status,
        )
        for _ in range(count)
    ]


def members(ent, full=0, probationary=0) -> list[PartyMember]:
    """Members through the ledger: a practitioner whose 政治面貌 is a member gets the party-member row."""
    people = practitioners(ent, full, "full") + practitioners(ent, probationary, "probationary")
    return [PartyMember.objects.get(practitioner=p) for p in people]


def organisation(kind, enterprises, office) -> PartyOrganisation:
    return ledger.create_party_organisation(actor=SYSTEM, kind=kind, enterprises=enterprises)


def agent(kind, unit, *enterprises) -> Agent:
    a = Agent.objects.create(kind=kind, name=f"{kind}{next(_seq)}", unit=unit, region=unit.region)
    for ent in enterprises:
        assign_responsibility(ent, kind, agent=a, actor=system_actor("test"))
    return a


def snapshot() -> dict:
    """Every aggregate row, comparable before/after a full recompute."""

    def rows(model, key, skip=("updated_at", "id")):
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        return sorted(tuple(r[n] for n in names) for r in model.objects.values(*names))

    return {
        "cells": rows(CoverageCell, None),
        "enterprises": rows(EnterpriseCoverage, None),
        "organisations": rows(OrganisationPlacement, None),
        "agents": rows(AgentPlacement, None),
    }

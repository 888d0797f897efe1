"""Builders for the pairing tests (plain functions)."""

import datetime
import uuid

from tests.ledger.factories import make_enterprise
from xinye.ledger.models import PartyOrganisation
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit
from xinye.pairing.models import Pairing, PairingActivity

START = datetime.date(2026, 1, 1)
END = datetime.date(2027, 12, 31)


def make_host(parent, *, name="通辽市交通运输局机关党支部", kind=UnitKind.BRANCH) -> OrgUnit:
    """A 机关-side party organisation (no ledger record: it is not an enterprise's) under `parent`."""
    return OrgUnit.objects.create(
        code=f"t-host-{uuid.uuid4().hex[:8]}",
        name=name,
        kind=kind,
        parent=parent,
        region=parent.region,
        industry=parent.industry,
    )


def make_enterprise_org(office, *, enterprise=None) -> PartyOrganisation:
    """An enterprise with its own party branch under `office` (a 行业党建办)."""
    enterprise = enterprise or make_enterprise(office)
    branch = OrgUnit.objects.create(
        code=f"t-ebr-{uuid.uuid4().hex[:8]}",
        name=f"中共{enterprise.name}支部委员会",
        kind=UnitKind.BRANCH,
        parent=office,
        region=office.region,
        industry=enterprise.industry,
    )
    org = PartyOrganisation.objects.create(unit=branch, region=office.region, industry=enterprise.industry)
    org.enterprises.set([enterprise])
    return org


def make_pairing(
    host, *, partner_org=None, enterprise=None, starts_on=START, ends_on=END, **extra
) -> Pairing:
    """A pair saved directly (the builders place rows; the services' rules are tested on their own)."""
    if partner_org is not None:
        side = {
            "partner_unit": partner_org.unit,
            "region": partner_org.region,
            "industry": partner_org.industry,
        }
    else:
        side = {"partner_unit": enterprise.unit, "region": enterprise.region, "industry": enterprise.industry}
    return Pairing.objects.create(
        unit=host,
        host_sector=extra.pop("host_sector", "organ"),
        partner_org=partner_org,
        enterprise=enterprise,
        starts_on=starts_on,
        ends_on=ends_on,
        **side,
        **extra,
    )


def make_activity(pairing, *, held_on=datetime.date(2026, 3, 10), links=("venue",), participants=12, **extra):
    return PairingActivity.objects.create(
        pairing=pairing,
        held_on=held_on,
        title=extra.pop("title", "主题党日共建"),
        links=list(links),
        participants=participants,
        **extra,
    )

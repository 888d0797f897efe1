"""Builders for funds tests (plain functions; saved directly so the matrix can own a fund by any unit)."""

import datetime
import uuid
from decimal import Decimal

from xinye.funds.models import Allocation, Disbursement, Spending
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit


def make_branch(parent, *, name: str | None = None) -> OrgUnit:
    """A party branch under `parent` (an office), as a formation would leave it."""
    return OrgUnit.objects.create(
        code=f"t-fund-br-{uuid.uuid4().hex[:8]}",
        name=name or f"测试党支部{uuid.uuid4().hex[:4]}",
        kind=UnitKind.BRANCH,
        parent=parent,
        region=parent.region,
        industry=parent.industry,
    )


def make_allocation(
    unit, *, kind="startup", year=2026, amount="10000.00", status="applied", **kw
) -> Allocation:
    return Allocation.objects.create(
        kind=kind,
        year=year,
        unit=unit,
        region=unit.region,
        industry=unit.industry,
        amount=Decimal(amount),
        status=status,
        applied_on=kw.pop("applied_on", datetime.date(year, 3, 1)),
        **kw,
    )


def make_disbursed(unit, *, amount="10000.00", **kw) -> tuple[Allocation, Disbursement]:
    allocation = make_allocation(unit, amount=amount, status="disbursed", **kw)
    entry = Disbursement.objects.create(
        allocation=allocation, date=datetime.date(allocation.year, 3, 10), amount=Decimal(amount)
    )
    return allocation, entry


def make_spending(unit, *, amount="100.00", purpose="activity") -> Spending:
    allocation, _entry = make_disbursed(unit)
    return Spending.objects.create(
        allocation=allocation,
        date=datetime.date(allocation.year, 4, 1),
        purpose=purpose,
        amount=Decimal(amount),
        description="主题党日活动",
    )

"""Live indicators: a goal's actual value read from the data xinye already measures, for the plan owner's
area (the city; a 行业党委's industry; a county 两新工委's county; an office's own enterprises). Never typed.

Each reader is a plain query over the other apps' tables; `actual(goal)` answers for one goal and
`actuals(goals)` for a list (one query per goal: a plan holds a handful)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from xinye.appeals.models import AppealTask
from xinye.coverage import engine
from xinye.coverage.models import CoverageCell
from xinye.guidance.models import Visit
from xinye.ledger.models import PartyMember, PartyOrganisation
from xinye.orglife import services as orglife
from xinye.orgs.choices import RegionLevel, UnitKind
from xinye.plans.choices import Indicator
from xinye.stations.models import Station

READS = ("area_of", "live_value", "actual", "actuals")


def area_of(owner) -> dict:
    """The filters of an owner's area: {"region": code} for a county 两新工委, {"industry": …} for a 行业党委,
    {"unit": id} for an office, {} for the city."""
    if owner.kind == UnitKind.INDUSTRY_OFFICE:
        return {"unit": owner.pk, "region": owner.region_id, "industry": owner.industry}
    if owner.kind == UnitKind.INDUSTRY_COMMITTEE:
        return {"industry": owner.industry}
    if owner.region.level in (RegionLevel.COUNTY, RegionLevel.ZONE):
        return {"region": owner.region_id}
    return {}


def _q(area: dict, *, region="region_id", industry="industry", unit="unit_id") -> Q:
    q = Q()
    if area.get("unit") and unit:
        q &= Q(**{unit: area["unit"]})
    elif area.get("region") and region:
        q &= Q(**{region: area["region"]})
    if area.get("industry") and industry:
        q &= Q(**{industry: area["industry"]})
    return q


def _percent(x: float) -> Decimal:
    return (Decimal(str(x)) * 100).quantize(Decimal("0.01"))


def live_value(indicator: str, area: dict, year: int, today: datetime.date) -> Decimal:
    """The value of a live indicator for an area and year, as of `today`."""
    start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    if indicator in (Indicator.ORGANISATION_RATE, Indicator.WORK_RATE):
        t = CoverageCell.objects.filter(_q(area)).aggregate(
            e=Sum("enterprises"), i=Sum("independent"), j=Sum("joint"), w=Sum("work")
        )
        r = engine.rates(t["e"] or 0, t["i"] or 0, t["j"] or 0, t["w"] or 0)
        return _percent(r.organisation_rate if indicator == Indicator.ORGANISATION_RATE else r.work_rate)
    if indicator == Indicator.VISITS:
        qs = Visit.objects.filter(_q(area, industry="enterprise__industry"), date__range=(start, end))
        return Decimal(qs.count())
    if indicator == Indicator.MEMBERS_DEVELOPED:
        qs = PartyMember.objects.filter(_q(area), joined_on__range=(start, end))
        return Decimal(qs.count())
    if indicator == Indicator.APPEALS_ON_TIME:
        qs = AppealTask.objects.filter(
            _q(area, region="appeal__region_id", industry="appeal__enterprise__industry"),
            finished_at__date__range=(start, end),
            due_at__isnull=False,
        ).aggregate(n=Count("pk"), ok=Count("pk", filter=Q(finished_at__lte=F("due_at"))))
        return _percent(qs["ok"] / qs["n"]) if qs["n"] else Decimal("0")
    if indicator == Indicator.STATIONS:
        # stations belong to communities, not industries: a 行业党委 sees the city's count
        qs = Station.objects.filter(_q(area, industry=None, unit=None), status="open")
        return Decimal(qs.count())
    if indicator == Indicator.ORGS_RUNNING:
        orgs = PartyOrganisation.objects.filter(_q(area, unit=None))
        if year == today.year and today == orglife.today():
            # this year, today: the quarter in progress, counted over orglife's stored results (issue 17)
            return Decimal(orglife.stored_health(orgs, today).filter(normal=True).count())
        period = str(year) if year < today.year else None  # this year: the quarter in progress
        return Decimal(sum(1 for h in orglife.assess_all(orgs, period, as_of=end) if h.normal))
    raise ValueError(indicator)


def actual(goal, today: datetime.date) -> Decimal | None:
    """A goal's actual value: live from the data, or the reported value (None until reported)."""
    if goal.is_live:
        return live_value(goal.indicator, area_of(goal.plan.owner), goal.plan.year, today)
    return goal.reported_value


def actuals(goals, today: datetime.date) -> dict[int, Decimal | None]:
    return {g.pk: actual(g, today) for g in goals}

"""A drive's daily progress per county, read from the data that exists — never typed in:
- 摸排 (surveyed): enterprises entered in the ledger (by hand or by an import batch) on each day;
- 组建 (formed): party organisations founded on each day;
- 选派 (instructors): 党建指导员 dispatched (entered) on each day.
Three grouped queries for the whole drive, whatever the number of counties and days."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, F
from django.db.models.functions import TruncDate

from xinye.ledger.models import Enterprise, PartyOrganisation
from xinye.orgs.choices import AgentKind, RegionLevel
from xinye.orgs.models import Agent, Region
from xinye.plans.indicators import area_of

READS = ("progress",)
MEASURES = (("surveyed", "摸排企业"), ("formed", "组建党组织"), ("instructors", "选派指导员"))


def _daily(qs, day_field: str, start, end) -> dict[tuple[str, datetime.date], int]:
    rows = (
        qs.filter(**{f"{day_field}__range": (start, end)})
        .values("region_id", "d")
        .annotate(n=Count("pk"))
        .values_list("region_id", "d", "n")
    )
    return {(r, d): n for r, d, n in rows}


def progress(drive, today: datetime.date) -> dict:
    """{"days": [...], "counties": [{"region", "name", "surveyed": [cumulative per day], …, "totals"}],
    "totals": {measure: n}, "targets": {measure: n}, "elapsed", "length"} from the drive's start to its
    deadline or today, whichever comes first; limited to the owner's area (a county, an industry)."""
    start, end = drive.start, min(drive.deadline, today)
    days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)] if end >= start else []
    area = area_of(drive.owner)
    f_region = {"region_id": area["region"]} if area.get("region") else {}
    f_industry = {"industry": area["industry"]} if area.get("industry") else {}
    series = {
        "surveyed": _daily(
            Enterprise.objects.filter(**f_region, **f_industry).annotate(d=TruncDate("created_at")),
            "d",
            start,
            end,
        ),
        "formed": _daily(
            PartyOrganisation.objects.filter(**f_region, **f_industry).annotate(d=F("founded_on")),
            "d",
            start,
            end,
        ),
        "instructors": _daily(
            Agent.objects.filter(kind=AgentKind.INSTRUCTOR, **f_region, **f_industry).annotate(
                d=TruncDate("created_at")
            ),
            "d",
            start,
            end,
        ),
    }
    regions = Region.objects.filter(level__in=(RegionLevel.COUNTY, RegionLevel.ZONE))
    if area.get("region"):
        regions = regions.filter(code=area["region"])
    counties, totals = [], defaultdict(int)
    for region in regions.order_by("code"):
        row = {"region": region.code, "name": region.name, "totals": {}}
        for key, _label in MEASURES:
            running, values = 0, []
            for day in days:
                running += series[key].get((region.code, day), 0)
                values.append(running)
            row[key] = values
            row["totals"][key] = running
            totals[key] += running
        counties.append(row)
    return {
        "days": days,
        "counties": counties,
        "totals": dict(totals),
        "targets": {
            "surveyed": drive.target_surveyed,
            "formed": drive.target_formed,
            "instructors": drive.target_instructors,
        },
        "elapsed": len(days),
        "length": (drive.deadline - drive.start).days + 1,
    }

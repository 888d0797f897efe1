"""The figures of the console's 工作台 and of the wall screen, for one viewer (a staff user, or the stand-in of
a display link's unit): the headline figures, the trends, the county or industry comparison, the county map
and the latest anonymised activity.

Every figure is read through `restrict` with aggregate queries — a fixed number of queries whatever the size
of the scope, no loop over rows — and the headline figures are `coverage.services.overview`'s, so the 工作台
states exactly what `/api/v1/stats/overview` and the coverage page state. Nothing here names a person:
the wall screen shows all of it to a room.
"""

from __future__ import annotations

import datetime
import math

from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.appeals.models import Appeal
from xinye.core.maps import counties_geojson
from xinye.coverage import services as coverage
from xinye.coverage.models import CoverageCell
from xinye.orgs.models import Region
from xinye.reports.models import DailySnapshot
from xinye.stations.choices import StationStatus
from xinye.stations.models import Station, StationCheckIn

READS = (
    "headline",
    "comparison",
    "appeals_per_week",
    "checkins_per_day",
    "coverage_per_month",
    "charts",
    "activity",
    "county_map",
    "counties_geojson",
)

WEEKS = 12
DAYS = 30
MONTHS = 12
# How many stations the map draws as dots at most (a province has tens of thousands: the counties' colours
# carry the figure, the dots only show where the stations are).
MAP_STATIONS = 3000


def _rate(value: float) -> str:
    return f"{value * 100:.1f}%"


def headline(viewer) -> list[dict]:
    """The figures people quote for the viewer's scope, in the order they quote them: [{key, title, value,
    note}]. Empty when the viewer may not read the coverage statistics."""
    if not has_action(viewer, "view", CoverageCell):
        return []
    o = coverage.overview(viewer)
    cov = o["coverage"]
    orgs = o["party_organisations"]
    return [
        {"key": "enterprises", "title": _("新业态企业"), "value": o["enterprises"], "unit": _("家")},
        {"key": "practitioners", "title": _("从业人员"), "value": o["practitioners"], "unit": _("名")},
        {
            "key": "party_members",
            "title": _("党员"),
            "value": o["party_members"],
            "unit": _("名"),
            "note": _("正式党员 %(full)s · 预备党员 %(prob)s")
            % {"full": o["party_members_full"], "prob": o["party_members_probationary"]},
        },
        {
            "key": "organisations",
            "title": _("党组织"),
            "value": orgs["total"],
            "unit": _("个"),
            "note": _("党委 %(c)s · 党支部 %(b)s（联合 %(j)s）")
            % {"c": orgs["党委"], "b": orgs["党支部"], "j": orgs["联合党支部"]},
        },
        {
            "key": "agents",
            "title": _("党建指导员 / 联络员"),
            "value": f"{o['instructors']} / {o['liaisons']}",
            "unit": _("名"),
        },
        {
            "key": "coverage",
            "title": _("工作覆盖率"),
            "value": _rate(cov["work_rate"]),
            "note": _("组织覆盖率 %(org)s · 单独组建率 %(ind)s")
            % {"org": _rate(cov["organisation_rate"]), "ind": _rate(cov["independent_rate"])},
        },
    ]


def _counties_seen(viewer) -> int:
    return restrict(CoverageCell.objects.all(), viewer, "view").values("region_id").distinct().count()


def comparison(viewer) -> dict | None:
    """Coverage by county for a viewer who sees several counties (the city, an industry committee), else by
    industry (a county): {by, title, labels, series: [(label, values)], rates}."""
    if not has_action(viewer, "view", CoverageCell):
        return None
    by = "county" if _counties_seen(viewer) > 1 else "industry"
    rows = coverage.coverage_rows(viewer, by)
    label = "region_name" if by == "county" else "industry_label"
    return {
        "by": by,
        "title": _("各旗县区覆盖情况（家）") if by == "county" else _("各行业覆盖情况（家）"),
        "labels": [r[label] for r in rows],
        "series": [
            [_("单独组建"), [r["independent"] for r in rows]],
            [_("联合组建"), [r["joint"] for r in rows]],
            [_("工作覆盖"), [r["work"] for r in rows]],
            [_("空白"), [r["blank"] for r in rows]],
        ],
        "rates": [round(r["work_rate"] * 100, 1) for r in rows],
    }


def appeals_per_week(viewer, today: datetime.date) -> dict | None:
    """Appeals received per week (Monday to Sunday) over the last WEEKS weeks, this week included."""
    if not has_action(viewer, "view", Appeal):
        return None
    monday = today - datetime.timedelta(days=today.weekday())
    weeks = [monday - datetime.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(weeks[0], datetime.time.min), tz)
    # Counted per local day in the database (≤ 84 rows, one query), summed per week here.
    per_day = (
        restrict(Appeal.objects.filter(submitted_at__gte=start), viewer, "view")
        .annotate(d=TruncDate("submitted_at", tzinfo=tz))
        .values("d")
        .annotate(n=Count("pk"))
        .values_list("d", "n")
        .order_by()
    )
    counts = dict.fromkeys(weeks, 0)
    for day, n in per_day:
        week = day - datetime.timedelta(days=day.weekday())
        if week in counts:
            counts[week] += n
    return {
        "title": _("每周受理诉求（件）"),
        "labels": [f"{w:%m-%d}" for w in weeks],
        "values": [counts[w] for w in weeks],
    }


def checkins_per_day(viewer, today: datetime.date) -> dict | None:
    """Check-ins at the viewer's service stations per day over the last DAYS days."""
    if not has_action(viewer, "view", StationCheckIn):
        return None
    days = [today - datetime.timedelta(days=n) for n in range(DAYS - 1, -1, -1)]
    got = dict(
        restrict(StationCheckIn.objects.filter(day__gte=days[0], day__lte=today), viewer, "view")
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
        .order_by()
    )
    return {
        "title": _("服务站每日签到（人次）"),
        "labels": [f"{d:%m-%d}" for d in days],
        "values": [got.get(d, 0) for d in days],
    }


def coverage_per_month(viewer, today: datetime.date) -> dict | None:
    """The work coverage rate at the last daily snapshot of each of the last MONTHS months (two queries).
    A month without a snapshot, or whose snapshot could not know the coverage (a back-filled day), is a gap."""
    if not has_action(viewer, "view", DailySnapshot):
        return None
    first = (today.replace(day=1) - datetime.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    visible = restrict(DailySnapshot.objects.filter(day__gte=first, day__lte=today), viewer, "view")
    last_days = dict(
        visible.annotate(m=TruncMonth("day"))
        .values("m")
        .annotate(d=Max("day"))
        .values_list("m", "d")
        .order_by()
    )
    sums = {
        row["day"]: row
        for row in visible.filter(day__in=list(last_days.values()))
        .values("day")
        .annotate(e=Sum("enterprises"), i=Sum("independent"), j=Sum("joint"), w=Sum("work"))
        .order_by()
    }
    months, values = [], []
    month = first
    while month <= today:
        months.append(f"{month:%Y-%m}")
        row = sums.get(last_days.get(month))
        if row and row["e"] and row["w"] is not None:
            values.append(round((row["i"] + row["j"] + row["w"]) * 100 / row["e"], 1))
        else:
            values.append(None)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return {"title": _("工作覆盖率（月末，%）"), "labels": months, "values": values}


def charts(viewer, today: datetime.date | None = None) -> dict:
    """Every chart the viewer may see, as plain data for the page's json_script (None where not allowed)."""
    today = today or timezone.localdate()
    return {
        "appeals": appeals_per_week(viewer, today),
        "checkins": checkins_per_day(viewer, today),
        "coverage": coverage_per_month(viewer, today),
        "comparison": comparison(viewer),
    }


def activity(viewer, limit: int = 8) -> list[dict]:
    """The latest appeal steps in the viewer's scope, anonymised: the county, the category and the state
    reached («科尔沁区 一件“劳动保障”诉求已办结»), never who asked or what they wrote."""
    if not has_action(viewer, "view", Appeal):
        return []
    names = dict(Region.objects.values_list("code", "name"))
    categories = dict(Appeal._meta.get_field("category").choices)
    statuses = dict(Appeal._meta.get_field("status").choices)
    rows = (
        restrict(Appeal.objects.all(), viewer, "view")
        .order_by("-updated_at", "-pk")
        .values_list("region_id", "category", "status", "updated_at")[:limit]
    )
    return [
        {
            "text": _("%(county)s 一件“%(category)s”诉求%(status)s")
            % {
                "county": names.get(region, ""),
                "category": categories.get(category, category),
                "status": statuses.get(status, status),
            },
            "time": f"{timezone.localtime(at):%m-%d %H:%M}",
        }
        for region, category, status, at in rows
    ]


def _colour(rate: float | None) -> str:
    """Deeper red for higher work coverage; grey where the scope has no enterprise."""
    if rate is None:
        return "#3a4157"
    steps = ((0.95, "#c0141c"), (0.8, "#e0452b"), (0.6, "#f07b3f"), (0.3, "#f6b26b"), (0.0, "#fbd9a5"))
    return next(colour for floor, colour in steps if rate >= floor)


def county_map(viewer, width: int = 760, height: int = 820) -> dict:
    """The county map drawn server-side as SVG shapes: each county's outline coloured by its work coverage,
    its name and rate, and the open stations in scope as dots (at most MAP_STATIONS)."""
    geo = counties_geojson()
    rings = [(f["properties"], f["geometry"]["coordinates"][0]) for f in geo["features"]]
    lons = [x for _p, ring in rings for x, _y in ring]
    lats = [y for _p, ring in rings for _x, y in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    squeeze = math.cos(math.radians((south + north) / 2))  # equirectangular, true to scale at mid-latitude
    scale = min((width - 20) / ((east - west) * squeeze), (height - 20) / (north - south))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return round(10 + (lon - west) * squeeze * scale, 1), round(10 + (north - lat) * scale, 1)

    rates = {}
    stations_by_county = {}
    if has_action(viewer, "view", CoverageCell):
        rates = {r["region"]: r for r in coverage.coverage_rows(viewer, "county")}
    dots = []
    if has_action(viewer, "view", Station):
        stations = restrict(Station.objects.filter(status=StationStatus.OPEN), viewer, "view")
        stations_by_county = dict(
            stations.values("region_id").annotate(n=Count("pk")).values_list("region_id", "n").order_by()
        )
        for lat, lon in stations.order_by("pk").values_list("latitude", "longitude")[:MAP_STATIONS]:
            if west <= lon <= east and south <= lat <= north:
                dots.append(xy(lon, lat))
    shapes = []
    for props, ring in rings:
        code = props["code"]
        row = rates.get(code)
        rate = row["work_rate"] if row and row["enterprises"] else None
        x, y = xy(*props["label"])  # a hand-placed point: the zone inside 科尔沁区 is labelled beside it
        shapes.append(
            {
                "code": code,
                "name": props.get("short") or props["name"],
                "d": "M" + " L".join(f"{px},{py}" for px, py in (xy(lon, lat) for lon, lat in ring)) + " Z",
                "fill": _colour(rate),
                "rate": _rate(rate) if rate is not None else "—",
                "stations": stations_by_county.get(code, 0),
                "x": x,
                "y": y,
            }
        )
    return {"width": width, "height": height, "shapes": shapes, "dots": dots}

"""Station services: nearest search, check-in, status changes, daily counts."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from xinye.accounts.permissions import in_scope
from xinye.stations import geo, rules
from xinye.stations.choices import StationStatus
from xinye.stations.models import Station, StationCheckIn


@dataclass
class Near:
    station: Station
    distance: float  # metres


def nearest(lat: float, lng: float, limit: int = 3, *, queryset=None) -> list[Near]:
    """The `limit` nearest open stations to a WGS-84 point, nearest first, with exact haversine distances.

    A box around the point (the partial index on open stations' lat/lng) yields candidates; the box grows
    ×4 until `limit` candidates lie within the circle the box encloses, so nothing outside can be nearer.
    """
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError("坐标超出范围")
    limit = max(1, min(int(limit), rules.nearest_max_limit()))
    base = (queryset if queryset is not None else Station.objects.all()).filter(status=StationStatus.OPEN)
    radius = rules.nearest_start_radius_m()
    max_radius = rules.nearest_max_radius_m()
    found: list[tuple[float, int]] = []
    while True:
        min_lat, max_lat, min_lng, max_lng = geo.bbox(lat, lng, radius)
        rows = base.filter(
            latitude__gte=min_lat, latitude__lte=max_lat, longitude__gte=min_lng, longitude__lte=max_lng
        ).values_list("id", "latitude", "longitude")
        found = sorted((geo.haversine_m(lat, lng, la, ln), pk) for pk, la, ln in rows)
        inside = [f for f in found if f[0] <= radius]
        if len(inside) >= limit or radius >= max_radius:
            found = inside[:limit]
            break
        radius *= 4
    stations = Station.objects.select_related("region").in_bulk([pk for _d, pk in found])
    return [Near(stations[pk], d) for d, pk in found if pk in stations]


def check_in(station: Station, worker, *, day: datetime.date | None = None) -> tuple[StationCheckIn, bool]:
    """Record a worker's visit; at most once per station and day (a second scan returns the first)."""
    if station.status != StationStatus.OPEN:
        raise ValueError("该服务站暂未开放，无法签到")
    day = day or timezone.localdate()
    existing = StationCheckIn.objects.filter(station=station, worker=worker, day=day).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return StationCheckIn.objects.create(station=station, worker=worker, day=day), True
    except IntegrityError:  # a concurrent double tap
        return StationCheckIn.objects.get(station=station, worker=worker, day=day), False


@transaction.atomic
def set_status(station: Station, status: str, *, actor=None) -> Station:
    """Open, pause or close a station (scope-checked when an actor is given)."""
    if status not in StationStatus.values:
        raise ValueError(f"未知的状态：{status}")
    if actor is not None and not in_scope(actor, "change", station):
        raise ValueError("该服务站不在您的管辖范围内")
    station.status = status
    station.save(update_fields=["status", "updated_at"])
    return station


def daily_counts(stations, days: int = 14, *, today: datetime.date | None = None) -> dict:
    """{station_id: {day: count}} for the last `days` days (check-ins per station and day)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    rows = (
        StationCheckIn.objects.filter(station__in=stations, day__gte=since, day__lte=today)
        .values("station_id", "day")
        .annotate(n=Count("id"))
    )
    out: dict = {}
    for row in rows:
        out.setdefault(row["station_id"], {})[row["day"]] = row["n"]
    return out


def next_code(prefix: str = "S") -> str:
    """A fresh station code for the QR URL (S0001, S0002, …)."""
    last = (
        Station.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    n = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{n:04d}"

"""Station services: nearest search, check-in, status changes, daily counts.

A worker's check-in takes a required keyword `worker`; staff writes take `actor` and go through `require`
before and after writing. Refusals are `Refused`/`OutOfScope`."""

import datetime
import functools
import json
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import require
from xinye.core import geo
from xinye.core.errors import Refused
from xinye.stations import rules
from xinye.stations.choices import StationStatus, amenity_labels
from xinye.stations.models import Station, StationCheckIn, StationRegistration, open_now

READS = ("nearest", "daily_counts", "next_code", "registration_station")


@dataclass
class Hit:
    """An open station as the nearest search sees it: the columns a list item needs, from one query."""

    pk: int
    code: str
    name: str
    address: str
    latitude: float
    longitude: float
    amenities: list
    open_24h: bool
    green_channel: bool
    region_name: str
    hours: list = field(default_factory=list)

    def get_absolute_url(self) -> str:
        return f"/m/s/{self.code}/"

    def open_now(self, at=None) -> bool:
        return open_now(self.hours, self.open_24h, at)

    def amenity_labels(self) -> list[str]:
        return amenity_labels(self.amenities)


@dataclass
class Near:
    station: Hit
    distance: float  # metres


# The WHERE implies the partial index's condition (station_open_latlng), so the box is an index range scan.
# SQLite is told to use it: without ANALYZE statistics its planner prefers the plain status index and reads
# every open station (81 against 46 µs a box among the demo's 350; it only grows with the stations).
NEAREST_SQL = (
    "SELECT s.id, s.code, s.name, s.address, s.latitude, s.longitude, s.amenities, s.open_24h,"
    " s.green_channel, r.name, s.hours FROM stations_station s{hint} JOIN orgs_region r ON r.code = s.region_id"
    " WHERE s.status = 'open' AND s.latitude >= %s AND s.latitude <= %s"
    " AND s.longitude >= %s AND s.longitude <= %s"
)


@functools.cache  # the statement text per database vendor, not formatted again on every query
def _nearest_sql(vendor: str) -> str:
    return NEAREST_SQL.format(hint=" INDEXED BY station_open_latlng" if vendor == "sqlite" else "")


def nearest(lat: float, lng: float, limit: int = 3) -> list[Near]:
    """The `limit` nearest open stations to a WGS-84 point, nearest first, with exact haversine distances.

    A box around the point (the partial index on open stations' lat/lng) yields candidates; the box grows
    ×4 until `limit` candidates lie within the circle the box encloses, so nothing outside can be nearer.
    One SQL query per box (this is the public, hot endpoint: no ORM object building).
    """
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise Refused("坐标超出范围")
    limit = max(1, min(int(limit), rules.nearest_max_limit()))
    radius = rules.nearest_start_radius_m()
    max_radius = rules.nearest_max_radius_m()
    sql = _nearest_sql(connection.vendor)
    distance = geo.distance_m
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, geo.bbox(lat, lng, radius))
            inside = []
            for row in cursor.fetchall():
                d = distance(lat, lng, row[4], row[5])
                if d <= radius:
                    inside.append((d, row))
            if len(inside) >= limit or radius >= max_radius:
                break
            radius *= 4
    inside.sort(key=lambda item: (item[0], item[1][0]))
    out = []
    for d, row in inside[:limit]:
        amenities = row[6] if isinstance(row[6], list) else json.loads(row[6] or "[]")
        hours = row[10] if isinstance(row[10], list) else json.loads(row[10] or "[]")
        hit = Hit(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            amenities,
            bool(row[7]),
            bool(row[8]),
            row[9],
            hours,
        )
        out.append(Near(hit, d))
    return out


def check_in(station: Station, *, worker, day: datetime.date | None = None) -> tuple[StationCheckIn, bool]:
    """Record the signed-in worker's own visit; at most once per station and day (a second scan returns
    the first)."""
    if station.status != StationStatus.OPEN:
        raise Refused("该服务站暂未开放，无法签到")
    day = day or timezone.localdate()
    existing = StationCheckIn.objects.filter(station=station, worker=worker, day=day).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return StationCheckIn.objects.create(station=station, worker=worker, day=day), True
    except IntegrityError:  # a concurrent double tap
        return StationCheckIn.objects.get(station=station, worker=worker, day=day), False


def registration_station(worker) -> Station | None:
    """The station the worker registered (备案) at, if they registered at one."""
    row = StationRegistration.objects.select_related("station").filter(worker=worker).first()
    return row.station if row else None


@transaction.atomic
def record_registration(*, worker, station: Station | None) -> StationRegistration | None:
    """Record the station the signed-in worker registered (备案) at, replacing the one before; registering
    at a community, without a station, drops it. Registering again at the same station keeps its time."""
    if station is None:
        StationRegistration.objects.filter(worker=worker).delete()
        return None
    row = StationRegistration.objects.filter(worker=worker).first()
    if row is None:
        return StationRegistration.objects.create(
            worker=worker, station=station, registered_at=timezone.now()
        )
    if row.station_id != station.pk:
        row.station = station
        row.registered_at = timezone.now()
        row.save()
    return row


@transaction.atomic
def set_status(station: Station, status: str, *, actor) -> Station:
    """Open, pause or close a station inside the actor's scope (OutOfScope otherwise)."""
    require(actor, "change", station)
    if status not in StationStatus.values:
        raise Refused({"status": [f"未知的状态：{status}"]})
    station.status = status
    station.save(update_fields=["status", "updated_at"])
    require(actor, "change", station)
    return station


@transaction.atomic
def save_station(station: Station, *, actor) -> Station:
    """Create or change a station as `actor`: its unit must be inside the actor's scope before and
    after the write; a new station gets the next free code for its QR poster."""
    if not station.code:
        station.code = next_code()
    return writes.save(station, actor=actor)


@transaction.atomic
def delete_station(station: Station, *, actor) -> None:
    """Delete a station inside the actor's scope."""
    writes.delete(station, actor=actor)


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

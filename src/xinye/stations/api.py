"""Stations: the public nearest search (workers' phones, no sign-in) and the scoped staff API."""

import datetime

from django.http import JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from xinye.api.common import Days, get_scoped
from xinye.api.lists import Endpoints
from xinye.stations import geo, rules, services
from xinye.stations.filters import STATION_FILTERS
from xinye.stations.models import Station

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "服务站"


class LatLng(Schema):
    lat: float
    lng: float


class NearestItem(Schema):
    id: int
    code: str
    name: str
    address: str
    latitude: float = Field(description="WGS-84")
    longitude: float = Field(description="WGS-84")
    distance: float = Field(description="到查询点的距离（米）")
    gcj02: LatLng = Field(description="GCJ-02 坐标（高德/腾讯地图）")
    bd09: LatLng = Field(description="BD-09 坐标（百度地图）")
    amap_url: str
    baidu_url: str
    url: str
    amenities: list[str]
    open_24h: bool
    open_now: bool = Field(description="此刻是否在开放时间内（按每周开放时间，本地时间）")
    green_channel: bool


class NearestOut(Schema):
    items: list[NearestItem]
    count: int


class NearestQuery(Schema):
    lat: float = Field(..., ge=-90, le=90, description="纬度（WGS-84）")
    lng: float = Field(..., ge=-180, le=180, description="经度（WGS-84）")
    limit: int = Field(3, ge=1, description="how many, at most XINYE_STATIONS_NEAREST_MAX (20)")


def nearest_item(near: services.Near) -> dict:
    s = near.station
    e = geo.edge(s.latitude, s.longitude, s.name)
    return {
        "id": s.pk,
        "code": s.code,
        "name": s.name,
        "address": s.address,
        "latitude": s.latitude,
        "longitude": s.longitude,
        "distance": round(near.distance, 1),
        "gcj02": {"lat": round(e["gcj02"][0], 6), "lng": round(e["gcj02"][1], 6)},
        "bd09": {"lat": round(e["bd09"][0], 6), "lng": round(e["bd09"][1], 6)},
        "amap_url": e["amap"],
        "baidu_url": e["baidu"],
        "url": s.get_absolute_url(),
        "amenities": s.amenity_labels(),
        "open_24h": s.open_24h,
        "open_now": s.open_now(),
        "green_channel": s.green_channel,
    }


@router.get("/stations/nearest", response=NearestOut, auth=None, summary="最近的服务站（公开）")
def nearest(request, q: Query[NearestQuery]):
    """The nearest open stations to a WGS-84 point (a phone's GPS), nearest first; `distance` in metres,
    with GCJ-02/BD-09 coordinates and 高德/百度 navigation links. No sign-in needed."""
    most = rules.nearest_max_limit()  # a city setting, so checked here rather than in the schema
    if q.limit > most:
        raise HttpError(422, f"limit 最多为 {most}")
    items = [nearest_item(n) for n in services.nearest(q.lat, q.lng, q.limit)]
    # built by hand to the NearestOut schema: this public endpoint is the hot path (see bench/portal_bench.py)
    return JsonResponse({"items": items, "count": len(items)}, json_dumps_params={"ensure_ascii": False})


class StationOut(Schema):
    id: int
    code: str
    name: str
    host_kind: str
    unit: int
    unit_name: str
    region: str
    address: str
    latitude: float
    longitude: float
    coord_source: str
    amenities: list[str]
    hours: list[str]
    open_24h: bool
    holiday_note: str
    status: str
    green_channel: bool
    url: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class DayCount(Schema):
    day: datetime.date
    count: int


endpoints.list(
    "/stations",
    "list_stations",
    Station.objects.select_related("unit"),
    StationOut,
    filters=STATION_FILTERS,
    ordering=("code",),
    summary="服务站列表",
)
endpoints.detail(
    "/stations/{int:station_id}",
    "get_station",
    Station.objects.select_related("unit"),
    StationOut,
    summary="服务站详情",
)


@router.get("/stations/{int:station_id}/checkins", response=list[DayCount], summary="服务站每日签到数")
def station_checkins(request, station_id: int, days: Days = 14):
    station = get_scoped(request, Station.objects.all(), pk=station_id)
    days = max(1, min(days, 366))
    counts = services.daily_counts([station], days).get(station.pk, {})
    today = timezone.localdate()
    return [
        {
            "day": today - datetime.timedelta(days=i),
            "count": counts.get(today - datetime.timedelta(days=i), 0),
        }
        for i in range(days)
    ]


class StationsStatusIn(Schema):
    status: str


@router.post("/stations/{int:station_id}/status", response=StationOut, summary="开放/暂停/关闭服务站")
def change_status(request, station_id: int, payload: StationsStatusIn):
    station = get_scoped(request, Station.objects.select_related("unit"), "change", pk=station_id)
    return services.set_status(station, payload.status, actor=request.user)

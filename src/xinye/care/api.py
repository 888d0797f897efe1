"""Personal services under /api/v1/: the public catalogue (`GET /services?county=CODE&kind=…`, no sign-in,
what the portal shows), and the scoped staff lists of offers and sessions."""

import datetime

from ninja import Field, Query, Router, Schema

from xinye.api.common import UnitRef
from xinye.api.lists import Endpoints
from xinye.care import services
from xinye.care.choices import ServiceKind
from xinye.care.filters import OFFER_FILTERS, SESSION_FILTERS
from xinye.care.models import ServiceOffer, ServiceSession
from xinye.core.errors import Refused

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "暖心服务"


class StationRef(Schema):
    code: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj):
        return f"/m/s/{obj.code}/"


class SessionOut(Schema):
    id: int
    offer_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    capacity: int
    taken: int
    is_cancelled: bool

    @staticmethod
    def resolve_taken(obj):
        signed = getattr(obj, "signed", None)
        return signed if signed is not None else obj.taken


class OfferOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    county: str
    county_name: str
    unit: UnitRef
    station: StationRef | None
    contact: str
    phone: str
    address: str
    hours: str
    details: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_county(obj):
        return obj.region_id

    @staticmethod
    def resolve_county_name(obj):
        return obj.region.name


class CatalogueItem(OfferOut):
    distance: float | None = Field(None, description="到查询点的距离（米），给出 lat/lng 时")
    sessions: list[SessionOut] = Field(description="可报名的场次（红色教育、招聘会）")

    @staticmethod
    def resolve_distance(obj):
        return getattr(obj, "distance", None)

    @staticmethod
    def resolve_sessions(obj):
        return getattr(obj, "open_sessions", [])


class CatalogueOut(Schema):
    items: list[CatalogueItem]
    count: int


class CatalogueQuery(Schema):
    county: str | None = Field(None, description="旗县区代码，如 150502")
    kind: str | None = Field(None, description="可选：" + "、".join(ServiceKind.values))
    lat: float | None = Field(None, ge=-90, le=90, description="纬度（WGS-84）：给出时由近及远")
    lng: float | None = Field(None, ge=-180, le=180, description="经度（WGS-84）")


@router.get("/services", response=CatalogueOut, auth=None, summary="暖心服务目录（公开）")
def catalogue(request, q: Query[CatalogueQuery]):
    """The published services of a county (or every county), of one kind or all, nearest first when a
    location is given; 红色教育 and 招聘会 with the sessions still open for sign-up."""
    if q.kind and q.kind not in ServiceKind.values:
        raise Refused({"kind": f"参数 kind 的值“{q.kind}”无效，可选：{'、'.join(ServiceKind.values)}"})
    items = services.catalogue(county=q.county, kind=q.kind, lat=q.lat, lng=q.lng)
    return {"items": items, "count": len(items)}


_offers = ServiceOffer.objects.select_related("unit", "region", "station")
_sessions = ServiceSession.objects.all()

endpoints.list(
    "/service-offers", "list_offers", _offers, OfferOut, filters=OFFER_FILTERS, summary="暖心服务（管理）"
)
endpoints.detail("/service-offers/{offer_id}", "get_offer", _offers, OfferOut, summary="暖心服务详情")
endpoints.list(
    "/service-sessions",
    "list_sessions",
    _sessions,
    SessionOut,
    filters=SESSION_FILTERS,
    summary="服务场次（红色教育、招聘会）",
)
endpoints.detail(
    "/service-sessions/{session_id}", "get_session", _sessions, SessionOut, summary="服务场次详情"
)

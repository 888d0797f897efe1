"""Hazard reports (随手拍) under /api/v1/ for staff, scoped like the console. The public, spec-conformant
interface for outside clients is Open311 at /open311/v2/ (hazards.open311)."""

import datetime

from ninja import Router, Schema

from xinye.api.common import UnitRef, get_scoped
from xinye.api.lists import Endpoints
from xinye.hazards import services
from xinye.hazards.filters import HAZARD_FILTERS
from xinye.hazards.models import HazardReport

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "随手拍"


class HazardEventOut(Schema):
    created_at: datetime.datetime
    status: str
    note: str
    public_text: str
    actor_label: str


class HazardOut(Schema):
    id: int
    category: str
    category_label: str
    description: str
    latitude: float
    longitude: float
    coord_source: str
    address: str
    status: str
    status_label: str
    close_reason: str
    duplicate_of_id: int | None
    unit: UnitRef
    region: str
    source: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class HazardDetail(HazardOut):
    events: list[HazardEventOut]
    duplicates: list["NearOut"]

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())

    @staticmethod
    def resolve_duplicates(obj):
        return [
            {"id": r.pk, "distance_m": round(d, 1), "status": r.status}
            for r, d in services.duplicates_of(obj)
        ]


class NearOut(Schema):
    id: int
    distance_m: float
    status: str


HazardDetail.model_rebuild()


class HazardsStatusIn(Schema):
    status: str
    note: str = ""


class NoteIn(Schema):
    note: str
    public: bool = True


class HazardsCloseIn(Schema):
    reason: str
    note: str = ""
    duplicate_of: int | None = None


_reports = HazardReport.objects.select_related("unit")

endpoints.list("/hazards", "list_hazards", _reports, HazardOut, filters=HAZARD_FILTERS, summary="随手拍列表")
endpoints.detail(
    "/hazards/{report_id}",
    "get_hazard",
    _reports,
    HazardDetail,
    summary="随手拍详情（含处理记录、附近疑似重复）",
)


@router.post("/hazards/{report_id}/status", response=HazardDetail, summary="确认 / 开始处理 / 重新打开")
def set_status(request, report_id: int, payload: HazardsStatusIn):
    report = get_scoped(request, HazardReport.objects.all(), "change", pk=report_id)
    return services.set_status(report, payload.status, actor=request.user, note=payload.note)


@router.post("/hazards/{report_id}/notes", response=HazardDetail, summary="处理说明（可对上报人可见）")
def add_note(request, report_id: int, payload: NoteIn):
    report = get_scoped(request, HazardReport.objects.all(), "change", pk=report_id)
    services.add_note(report, actor=request.user, note=payload.note, public=payload.public)
    return report


@router.post(
    "/hazards/{report_id}/close",
    response=HazardDetail,
    summary="关闭（已处理 / 不属于本单位职责 / 重复上报）",
)
def close(request, report_id: int, payload: HazardsCloseIn):
    report = get_scoped(request, HazardReport.objects.all(), "change", pk=report_id)
    dup = None
    if payload.duplicate_of is not None:
        dup = get_scoped(request, HazardReport.objects.all(), pk=payload.duplicate_of)
    return services.close_report(
        report, actor=request.user, reason=payload.reason, note=payload.note, duplicate_of=dup
    )

"""Hazard reports (随手拍): filing (portal, Open311, staff), routing, the open → acknowledged → in progress →
closed workflow with notes the reporter sees, nearby duplicates, and the worker's right to delete."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from xinye.accounts.permissions import in_scope
from xinye.appeals.uploads import stored_name, validate_image
from xinye.core.context import current_actor
from xinye.hazards import geo, rules
from xinye.hazards.choices import (
    OPEN_STATES,
    CloseReason,
    CoordSystem,
    HazardCategory,
    HazardSource,
    HazardStatus,
)
from xinye.hazards.models import HazardEvent, HazardReport
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit

TRANSITIONS = {
    HazardStatus.OPEN: {HazardStatus.ACKNOWLEDGED, HazardStatus.IN_PROGRESS, HazardStatus.CLOSED},
    HazardStatus.ACKNOWLEDGED: {HazardStatus.IN_PROGRESS, HazardStatus.CLOSED},
    HazardStatus.IN_PROGRESS: {HazardStatus.CLOSED},
    HazardStatus.CLOSED: {HazardStatus.OPEN},  # reopened when closed by mistake
}

PUBLIC_TEXT = {
    HazardStatus.ACKNOWLEDGED: "已确认，将安排处理",
    HazardStatus.IN_PROGRESS: "正在处理",
    HazardStatus.OPEN: "已重新打开",
}


def apply(report: HazardReport, new_state: str) -> None:
    """The one place a report changes state."""
    if new_state not in TRANSITIONS.get(report.status, set()):
        raise ValueError(
            f"当前状态“{HazardStatus(report.status).label}”不能转为“{HazardStatus(new_state).label}”"
        )
    report.status = new_state


def _label(actor) -> str:
    if actor is not None:
        return getattr(actor, "display_name", "") or actor.get_username()
    return current_actor().label or "系统"


def _event(report, *, status="", note="", public_text="", actor=None, label="", at=None) -> HazardEvent:
    return HazardEvent.objects.create(
        report=report,
        status=status,
        note=note,
        public=bool(public_text),
        public_text=public_text,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=label or _label(actor),
        created_at=at or timezone.now(),
    )


def _check(actor, obj) -> None:
    if actor is not None and not in_scope(actor, "change", obj):
        raise PermissionDenied("该随手拍不在您的管辖范围内")


def _community_near(lat: float, lng: float) -> OrgUnit | None:
    try:
        from xinye.stations.models import Station
        from xinye.stations.services import nearest
    except ImportError:  # pragma: no cover - the stations app is part of xinye
        return None
    try:
        near = nearest(lat, lng, 1)
    except ValueError:  # out of range: no station can be near
        return None
    if not near:
        return None
    station = Station.objects.select_related("unit").filter(pk=near[0].station.pk).first()
    return station.unit if station else None


def route_report(*, category: str, latitude: float, longitude: float, worker=None) -> OrgUnit:
    """Who handles a report: the department for its category (rules.DEFAULT_DEPARTMENT_ROUTING), else the
    community where it is — the nearest station's community (communities carry no coordinates), else the
    reporter's community, else the first community of the reporter's county, else the city 两新工委."""
    code = rules.department_routing().get(category)
    if code:
        unit = OrgUnit.objects.filter(code=code, is_active=True).first()
        if unit is not None:
            return unit
    unit = _community_near(latitude, longitude)
    if unit is None and worker is not None and worker.unit_id:
        unit = worker.unit
    if unit is None and worker is not None and worker.region_id:
        unit = OrgUnit.objects.filter(kind=UnitKind.COMMUNITY, region=worker.region).order_by("path").first()
    if unit is None:
        unit = OrgUnit.objects.filter(kind=UnitKind.WORK_COMMITTEE).order_by("depth").first()
    if unit is None:
        raise ValidationError("尚未配置处理单位，无法受理随手拍")
    return unit


def nearby_duplicates(*, category: str, latitude: float, longitude: float, exclude=None, radius_m=None):
    """Open reports of the same category within 50 m (rules.duplicate_radius_m), nearest first:
    [(report, distance in metres)]."""
    radius = radius_m if radius_m is not None else rules.duplicate_radius_m()
    min_lat, max_lat, min_lng, max_lng = geo.bbox(latitude, longitude, radius)
    qs = HazardReport.objects.filter(
        category=category,
        status__in=OPEN_STATES,
        latitude__gte=min_lat,
        latitude__lte=max_lat,
        longitude__gte=min_lng,
        longitude__lte=max_lng,
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    found = [(r, geo.haversine_m(latitude, longitude, r.latitude, r.longitude)) for r in qs]
    return sorted([(r, d) for r, d in found if d <= radius], key=lambda x: x[1])


def duplicates_of(report: HazardReport):
    return nearby_duplicates(
        category=report.category, latitude=report.latitude, longitude=report.longitude, exclude=report
    )


def _check_rate(worker) -> None:
    count, seconds = rules.rate_limit()
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    if HazardReport.objects.filter(worker=worker, created_at__gte=since).count() >= count:
        raise ValidationError(f"提交过于频繁：每 {max(1, seconds // 60)} 分钟最多上报 {count} 次，请稍后再试")


def submit_report(
    *,
    worker,
    category: str,
    description: str,
    latitude: float,
    longitude: float,
    coord_system: str = CoordSystem.WGS84,
    photo=None,
    idempotency_key: str,
    source: str = HazardSource.PORTAL,
    address: str = "",
    media_url: str = "",
    client_label: str = "",
) -> HazardReport:
    """File a report. Idempotent on `idempotency_key`; coordinates converted to WGS-84 (source system kept);
    the photo is type- and size-checked. `worker` may be None (anonymous Open311 filing)."""
    if not idempotency_key or len(idempotency_key) > 64:
        raise ValidationError("缺少或无效的请求编号（idempotency key）")
    existing = HazardReport.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if worker is not None and existing.worker_id not in (None, worker.pk):
            raise ValueError("请求编号冲突，请刷新页面后重新提交")
        return existing
    if category not in HazardCategory.values:
        raise ValidationError(f"未知的随手拍类别：{category}")
    if coord_system not in CoordSystem.values:
        raise ValidationError(f"不支持的坐标系：{coord_system}（应为 wgs84、gcj02 或 bd09）")
    description = (description or "").strip()
    if len(description) < 2:
        raise ValidationError("请简要描述现场情况")
    if len(description) > 1000:
        raise ValidationError("情况描述不能超过 1000 字")
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise ValidationError("位置坐标无效") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError("位置坐标超出范围")
    lat, lng = geo.to_wgs84(latitude, longitude, coord_system)
    checked = validate_image(photo) if photo else None
    if worker is not None and source == HazardSource.PORTAL:
        _check_rate(worker)
    unit = route_report(category=category, latitude=lat, longitude=lng, worker=worker)
    region = (
        unit.region
        if unit.kind != UnitKind.DEPARTMENT or worker is None or not worker.region_id
        else worker.region
    )
    try:
        with transaction.atomic():
            report = HazardReport.objects.create(
                worker=worker,
                source=source,
                category=category,
                description=description,
                latitude=lat,
                longitude=lng,
                coord_source=coord_system,
                address=address[:255],
                media_url=media_url[:200],
                unit=unit,
                region=region,
                idempotency_key=idempotency_key,
                client_label=client_label[:64],
            )
            if checked:
                report.photo.save(stored_name(checked[1]), photo, save=True)
            _event(
                report,
                status=HazardStatus.OPEN,
                label="上报人" if worker else (client_label or "匿名"),
                public_text=f"已收到，转{unit.name}处理",
            )
    except IntegrityError:
        report = HazardReport.objects.filter(idempotency_key=idempotency_key).first()
        if report is None:
            raise
    return report


@transaction.atomic
def set_status(
    report: HazardReport, status: str, *, actor=None, note: str = "", public_note: bool = True
) -> HazardReport:
    """acknowledged / in_progress (or reopen to open), with an optional note the reporter sees."""
    _check(actor, report)
    if status == HazardStatus.CLOSED:
        raise ValueError("关闭请使用“关闭”操作并选择原因")
    apply(report, status)
    now = timezone.now()
    if status == HazardStatus.ACKNOWLEDGED:
        report.acknowledged_at = now
    if status == HazardStatus.OPEN:
        report.closed_at, report.close_reason, report.duplicate_of = None, "", None
    report.save()
    text = PUBLIC_TEXT.get(status, "")
    if note.strip() and public_note:
        text = f"{text}：{note.strip()}"
    _event(report, status=status, note=note, public_text=text, actor=actor, at=now)
    return report


@transaction.atomic
def add_note(report: HazardReport, *, actor=None, note: str, public: bool = True) -> HazardEvent:
    _check(actor, report)
    if not note.strip():
        raise ValueError("备注不能为空")
    return _event(report, note=note, public_text=f"处理说明：{note.strip()}" if public else "", actor=actor)


@transaction.atomic
def close_report(
    report: HazardReport, *, actor=None, reason: str, note: str = "", duplicate_of: HazardReport | None = None
) -> HazardReport:
    """Close with a reason: fixed, not the unit's responsibility, or a duplicate of another report."""
    _check(actor, report)
    if reason not in CloseReason.values:
        raise ValueError("请选择关闭原因：已处理、不属于本单位职责或重复上报")
    if reason == CloseReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == report.pk:
            raise ValueError("重复上报须指明与哪一条重复")
        report.duplicate_of = duplicate_of
    if reason == CloseReason.NOT_RESPONSIBLE and not note.strip():
        raise ValueError("不属于本单位职责的，请说明应由哪个单位处理")
    apply(report, HazardStatus.CLOSED)
    report.close_reason = reason
    report.closed_at = timezone.now()
    report.save()
    text = f"已关闭（{CloseReason(reason).label}）"
    if duplicate_of is not None and reason == CloseReason.DUPLICATE:
        text += f"，与 #{duplicate_of.pk} 为同一问题"
    if note.strip():
        text += f"：{note.strip()}"
    _event(report, status=HazardStatus.CLOSED, note=note, public_text=text, actor=actor, at=report.closed_at)
    return report


@transaction.atomic
def anonymise_worker(worker) -> int:
    """A worker deleted their data: reports stay (they are about places) but lose the link to the person
    and the photo. Returns the number of reports anonymised."""
    reports = list(HazardReport.objects.filter(worker=worker))
    for report in reports:
        if report.photo:
            report.photo.delete(save=False)
        report.worker = None
        report.save()
    return len(reports)

"""Hazard reports (随手拍): filing (portal, Open311, staff), routing, the open → acknowledged → in progress →
closed workflow with notes the reporter sees, nearby duplicates, and the worker's right to delete.

Every write takes a required keyword: `worker` for the worker's own (filing on the portal, deleting their
data), `actor` for everything else — a staff user, or `system_actor(…)` for the demo and Open311 client
keys. Staff steps call `require(actor, "change", report)` before and after the write; refusals are
`Refused` or `OutOfScope`.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, require
from xinye.appeals.cases import CaseEvent
from xinye.appeals.services import community_of_region, county_work_committee, fixed_unit, serves
from xinye.core import geo, maps, uploads
from xinye.core.errors import OutOfScope, Refused
from xinye.hazards import rules
from xinye.hazards.choices import (
    OPEN_STATES,
    CloseReason,
    CoordSystem,
    HazardCategory,
    HazardSource,
    HazardStatus,
)
from xinye.hazards.models import HazardEvent, HazardReport
from xinye.orgs.models import OrgUnit
from xinye.orgs.services import require_citywide
from xinye.stations.services import nearest as nearest_stations

# Read-only helpers: no actor (the signature test checks every other public function).
READS = ("apply", "route_report", "locate_report", "nearby_duplicates", "duplicates_of", "place")

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
        raise Refused(
            f"当前状态“{HazardStatus(report.status).label}”不能转为“{HazardStatus(new_state).label}”"
        )
    report.status = new_state


def _event(report, *, actor, status="", note="", public_text="", label="", at=None) -> HazardEvent:
    """The report's own record of a step; `actor` is a staff user, a system actor or the reporter."""
    return HazardEvent.objects.create(
        report=report,
        status=status,
        note=note,
        public=bool(public_text),
        public_text=public_text,
        created_at=at or timezone.now(),
        **CaseEvent.by(actor, label),
    )


def _county_of(worker):
    """The reporter's registered county, else their community's; None for a report filed on nobody's behalf."""
    if worker is None:
        return None
    if worker.region_id:
        return worker.region
    return worker.unit.region if worker.unit_id else None


def _community_near(lat: float, lng: float) -> OrgUnit | None:
    """The community of the nearest open station within reach that is placed where it says: its community
    anchored in the station's own county (`appeals.services.serves`), so a station labelled with another
    county, or hung under another county's street, never captures that county's reports."""
    try:
        from xinye.stations.services import nearest
    except ImportError:  # pragma: no cover - the stations app is part of xinye
        return None
    try:
        near = nearest(lat, lng, 5)
    except ValueError:  # out of range: no station can be near
        return None
    from xinye.stations.models import Station

    placed = {
        pk: (unit_id, region_id)
        for pk, unit_id, region_id in Station.objects.filter(pk__in=[n.station.pk for n in near]).values_list(
            "pk", "unit_id", "region_id"
        )
    }
    units = OrgUnit.objects.select_related("region").in_bulk({unit_id for unit_id, _ in placed.values()})
    for n in near:  # nearest first
        unit_id, region_id = placed.get(n.station.pk, (None, None))
        unit = units.get(unit_id)
        if unit is not None and unit.region_id == region_id and serves(unit, unit.region):
            return unit
    return None


def locate_report(*, latitude: float, longitude: float, worker=None):
    """Where a report is, as (the community near it, its county): 属地 — the county of the nearest anchored
    station within reach; without one, the reporter's county. Regions carry no outlines in xinye, so a
    station's placement stands for the place (a station placed across a border shows on every map)."""
    near = _community_near(latitude, longitude)
    return near, (near.region if near is not None else _county_of(worker))


def route_report(*, category: str, latitude: float, longitude: float, worker=None) -> OrgUnit:
    """Who handles a report: the department for its category (rules.DEFAULT_DEPARTMENT_ROUTING) if it
    serves the report's county, else the community where it is — the nearest anchored station's community
    (communities carry no coordinates) — else the reporter's community if in that county, else the county's
    anchored community, else the county's (else the city's) 两新工委."""
    near, county = locate_report(latitude=latitude, longitude=longitude, worker=worker)
    code = rules.department_routing().get(category)
    if code:
        unit = fixed_unit(code, county)
        if unit is not None:
            return unit
    unit = near
    if unit is None and worker is not None and worker.unit_id:
        if county is None or worker.unit.region_id == county.pk:
            unit = worker.unit
    if unit is None and county is not None:
        # the region's community anchored there (not steerable by whoever creates units: appeals.services)
        unit = community_of_region(county)
    if unit is None:
        unit = county_work_committee(county)
    if unit is None:
        raise Refused("尚未配置处理单位，无法受理随手拍")
    return unit
    unit = _community_near(latitude, longitude, county)
    if unit is None and worker is not None and worker.unit_id:
        if county is None or worker.unit.region_id == county.pk:
            unit = worker.unit
    if unit is None and county is not None:
        # the region's community anchored there (not steerable by whoever creates units: appeals.services)
        unit = community_of_region(county)
    if unit is None:
        unit = county_work_committee(county)
    if unit is None:
        raise Refused("尚未配置处理单位，无法受理随手拍")
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
    found = [(r, geo.distance_m(latitude, longitude, r.latitude, r.longitude)) for r in qs]
    return sorted([(r, d) for r, d in found if d <= radius], key=lambda x: x[1])


def duplicates_of(report: HazardReport):
    return nearby_duplicates(
        category=report.category, latitude=report.latitude, longitude=report.longitude, exclude=report
    )


def _check_rate(worker) -> None:
    count, seconds = rules.rate_limit()
    if HazardReport.rate_exceeded(worker, time_field="created_at", count=count, seconds=seconds):
        raise Refused(f"提交过于频繁：每 {max(1, seconds // 60)} 分钟最多上报 {count} 次，请稍后再试")


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
) -> HazardReport:
    """A worker files a report on the portal. Idempotent on `idempotency_key` (another worker's key is
    refused); rate-limited per worker; coordinates converted to WGS-84 (source system kept); the photo is
    type- and size-checked."""
    if worker is None or worker.pk is None:
        raise Refused("从业人员上报须有上报人")
    existing = _existing(idempotency_key)
    if existing is not None:
        if existing.worker_id != worker.pk:
            raise Refused("请求编号冲突，请刷新页面后重新提交")
        return existing
    return _submit(
        reporter=worker,
        worker=worker,
        category=category,
        description=description,
        latitude=latitude,
        longitude=longitude,
        coord_system=coord_system,
        photo=photo,
        idempotency_key=idempotency_key,
        source=HazardSource.PORTAL,
        label="上报人",
    )


def file_report(
    *,
    actor,
    category: str,
    description: str,
    latitude: float,
    longitude: float,
    coord_system: str = CoordSystem.WGS84,
    idempotency_key: str,
    source: str = HazardSource.OPEN311,
    address: str = "",
    media_url: str = "",
    client_label: str = "",
) -> HazardReport:
    """A report filed by a client on someone's behalf: an Open311 client (its configured key, acting as
    `system_actor("open311:<label>")`) or a staff user who may add reports. Like the portal, the filer
    does not place the report — routing does (by category and location) — so the check is the right to
    file at all (OutOfScope otherwise). Idempotent on `idempotency_key`."""
    if not has_action(actor, "add", HazardReport):
        raise OutOfScope()
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    return _submit(
        reporter=actor,
        worker=None,
        category=category,
        description=description,
        latitude=latitude,
        longitude=longitude,
        coord_system=coord_system,
        photo=None,
        idempotency_key=idempotency_key,
        source=source,
        address=address,
        media_url=media_url,
        client_label=client_label,
        label=client_label or "",
    )


def _existing(idempotency_key: str) -> HazardReport | None:
    if not idempotency_key or len(idempotency_key) > 64:
        raise Refused("缺少或无效的请求编号（idempotency key）")
    return HazardReport.objects.filter(idempotency_key=idempotency_key).first()


def _submit(
    *,
    reporter,
    worker,
    category,
    description,
    latitude,
    longitude,
    coord_system,
    photo,
    idempotency_key,
    source,
    label,
    address="",
    media_url="",
    client_label="",
) -> HazardReport:
    if category not in HazardCategory.values:
        raise Refused({"category": f"未知的随手拍类别：{category}"})
    if coord_system not in CoordSystem.values:
        raise Refused({"coord_system": f"不支持的坐标系：{coord_system}（应为 wgs84、gcj02 或 bd09）"})
    description = (description or "").strip()
    if len(description) < 2:
        raise Refused({"description": "请简要描述现场情况"})
    if len(description) > 1000:
        raise Refused({"description": "情况描述不能超过 1000 字"})
    try:
        latitude, longitude = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise Refused("位置坐标无效") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Refused("位置坐标超出范围")
    lat, lng = geo.to_wgs84(latitude, longitude, coord_system)
    checked = uploads.clean_photos([photo], limit=1)
    if worker is not None:
        _check_rate(worker)
    unit = route_report(category=category, latitude=lat, longitude=lng, worker=worker)
    region = locate_report(latitude=lat, longitude=lng, worker=worker)[1] or unit.region
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
            for cleaned in checked:
                report.photo.save(cleaned.name, cleaned, save=True)
            _event(
                report,
                actor=reporter,
                status=HazardStatus.OPEN,
                label=label,
                public_text=f"已收到，转{unit.name}处理",
            )
    except IntegrityError:
        report = HazardReport.objects.filter(idempotency_key=idempotency_key).first()
        if report is None:
            raise
    return report


@transaction.atomic
def set_status(
    report: HazardReport, status: str, *, actor, note: str = "", public_note: bool = True
) -> HazardReport:
    """acknowledged / in_progress (or reopen to open), with an optional note the reporter sees."""
    require(actor, "change", report)
    if status == HazardStatus.CLOSED:
        raise Refused("关闭请使用“关闭”操作并选择原因")
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
    require(actor, "change", report)  # still inside the actor's scope, or all rolls back
    return report


@transaction.atomic
def add_note(report: HazardReport, *, actor, note: str, public: bool = True) -> HazardEvent:
    require(actor, "change", report)
    if not note.strip():
        raise Refused("备注不能为空")
    return _event(report, note=note, public_text=f"处理说明：{note.strip()}" if public else "", actor=actor)


@transaction.atomic
def close_report(
    report: HazardReport, *, actor, reason: str, note: str = "", duplicate_of: HazardReport | None = None
) -> HazardReport:
    """Close with a reason: fixed, not the unit's responsibility, or a duplicate of another report."""
    require(actor, "change", report)
    if reason not in CloseReason.values:
        raise Refused("请选择关闭原因：已处理、不属于本单位职责或重复上报")
    if reason == CloseReason.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == report.pk:
            raise Refused({"duplicate_of": "重复上报须指明与哪一条重复"})
        require(actor, "view", duplicate_of)
        report.duplicate_of = duplicate_of
    if reason == CloseReason.NOT_RESPONSIBLE and not note.strip():
        raise Refused("不属于本单位职责的，请说明应由哪个单位处理")
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
    require(actor, "change", report)  # still inside the actor's scope, or all rolls back
    return report


@transaction.atomic
def anonymise_worker(*, worker) -> int:
    """A worker deleted their data: reports stay (they are about places) but lose the link to the person
    and the photo. Returns the number of reports anonymised."""
    reports = list(HazardReport.objects.filter(worker=worker))
    for report in reports:
        if report.photo:
            report.photo.delete(save=False)
        report.anonymise()
        report.save()
    return len(reports)


@transaction.atomic
def anonymise_closed_reports(*, actor, before, dry_run: bool = False) -> int:
    """Retention (`xinye purge`): a report closed before `before` loses the person — the worker link and the
    photo — and keeps the place, category, dates, unit and outcome the statistics count."""
    require_citywide(actor=actor, action="change", model=HazardReport)
    rows = HazardReport.objects.filter(status=HazardStatus.CLOSED, closed_at__lt=before).filter(
        Q(worker__isnull=False) | ~Q(photo="")
    )
    if dry_run:
        return rows.count()
    count = 0
    for report in rows.iterator():
        if report.photo:
            report.photo.delete(save=False)
        report.anonymise()
        report.save()
        count += 1
    return count


def place(report: HazardReport) -> dict:
    """The report's place for the console (issue 17): a small map with the reported point and the nearest
    open station (within the nearest-station search's reach), and the caption stating both in figures."""
    here = (report.latitude, report.longitude)
    markers = [{"lat": here[0], "lng": here[1], "kind": "report", "title": _("上报位置")}]
    caption = _("上报位置：纬度 %(lat).6f，经度 %(lng).6f（WGS-84）") % {"lat": here[0], "lng": here[1]}
    try:
        near = nearest_stations(*here, 1)
    except ValidationError:  # a stored point out of range: the map shows the city without a station
        near = []
    if near:
        station, metres = near[0].station, near[0].distance
        markers.append(
            {"lat": station.latitude, "lng": station.longitude, "kind": "station", "title": station.name}
        )
        caption += _("；最近驿站：%(name)s，相距 %(metres)s 米") % {
            "name": station.name,
            "metres": round(metres),
        }
    around = [(m["lat"], m["lng"]) for m in markers]
    return {"map": maps.outline_map(markers, width=420, height=300, around=around), "caption": caption}

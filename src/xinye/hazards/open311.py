"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) for existing clients and dashboards.

GET services.{json,xml}, GET/POST requests.{json,xml}, GET requests/{id}.{json,xml}: XML is the format the
spec requires every server to support, JSON the optional one; both carry the same content. Reads are public and
carry public fields only (never the reporter); reports in the 需要帮助的人 category also hide their
description and round their position to ~100 m, since they are about a person. Filing needs an
api_key: a configured client key (XINYE_OPEN311_KEYS) or the API token of a staff user who may add
reports. Errors are
`[{"code": 400, "description": "..."}]` (JSON) or `<errors><error><code>…` (XML) as the spec says.
"""

import datetime
import json
import uuid
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from xinye.accounts.permissions import actor_user, has_action, system_actor
from xinye.accounts.services import authenticate_token
from xinye.core.context import actor_context
from xinye.core.errors import OutOfScope
from xinye.hazards import rules, services
from xinye.hazards.choices import HazardCategory, HazardSource, HazardStatus
from xinye.hazards.models import HazardReport

MAX_RESULTS = 1000
DEFAULT_DAYS = 90
PRIVATE_CATEGORIES = {HazardCategory.PERSON_IN_NEED}

SERVICE_DESCRIPTIONS = {
    HazardCategory.ROAD_DAMAGE: "道路坑洼、塌陷、破损",
    HazardCategory.MANHOLE: "井盖缺失、破损、松动",
    HazardCategory.FIRE: "消防通道堵塞、电动车违规充电等消防隐患",
    HazardCategory.LIGHTS: "路灯不亮、损坏",
    HazardCategory.PERSON_IN_NEED: "路边有需要帮助的人（如老人、儿童、伤病人员）",
    HazardCategory.EPIDEMIC: "疫情防控相关问题",
    HazardCategory.SANITATION: "垃圾堆积、污水外溢等环境卫生问题",
    HazardCategory.OTHER: "其他公共安全与公共服务问题",
}


# The XML envelope of each kind of list (GeoReport v2): root element and item element.
XML_SHAPES = {"services": ("services", "service"), "requests": ("service_requests", "request")}


def _xml(items: list[dict], root: str, element: str) -> bytes:
    """A GeoReport v2 XML list: <root><element><key>value</key>…</element>…</root>; None is an empty element,
    booleans are true/false as in the JSON."""
    top = ElementTree.Element(root)
    for item in items:
        node = ElementTree.SubElement(top, element)
        for key, value in item.items():
            child = ElementTree.SubElement(node, key)
            if isinstance(value, bool):
                child.text = "true" if value else "false"
            elif value is not None:
                child.text = str(value)
    return ElementTree.tostring(top, encoding="utf-8", xml_declaration=True)


def _respond(items: list[dict], fmt: str, kind: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        root, element = XML_SHAPES[kind]
        return HttpResponse(_xml(items, root, element), status=status, content_type="text/xml; charset=utf-8")
    return _json(items, status=status)


def _json(data, status=200) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def _error(code: int, description: str, fmt: str = "json") -> HttpResponse:
    if fmt == "xml":
        body = _xml([{"code": code, "description": description}], "errors", "error")
        return HttpResponse(body, status=code, content_type="text/xml; charset=utf-8")
    return _json([{"code": code, "description": description}], status=code)


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _item(report: HazardReport) -> dict:
    private = report.category in PRIVATE_CATEGORIES
    notes = [e.public_text for e in report.events.all() if e.public]
    lat, lng = report.latitude, report.longitude
    if private:
        lat, lng = round(lat, 3), round(lng, 3)
    return {
        "service_request_id": str(report.pk),
        "status": "closed" if report.status == HazardStatus.CLOSED else "open",
        "status_notes": notes[-1] if notes else "",
        "service_name": report.get_category_display(),
        "service_code": report.category,
        "description": "（涉及个人，内容不公开）" if private else report.description,
        "agency_responsible": report.unit.name,
        "service_notice": "",
        "requested_datetime": _iso(report.created_at),
        "updated_datetime": _iso(report.updated_at),
        "expected_datetime": None,
        "address": "" if private else report.address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lng,
        "media_url": (report.media_url or "") if not private else "",
    }


def services_list(request, fmt: str = "json"):
    if request.method != "GET":
        return _error(405, "只支持 GET", fmt)
    return _respond(
        [
            {
                "service_code": code,
                "service_name": str(label),
                "description": SERVICE_DESCRIPTIONS.get(code, ""),
                "metadata": False,
                "type": "realtime",
                "keywords": "随手拍,移动探头",
                "group": "随手拍",
            }
            for code, label in HazardCategory.choices
        ],
        fmt,
        "services",
    )


def _parse_dt(value: str):
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _queryset():
    return HazardReport.objects.select_related("unit").prefetch_related("events")


def _list(request, fmt: str):
    qs = _queryset().order_by("-created_at", "-pk")
    ids = request.GET.get("service_request_id")
    if ids:
        wanted = [i.strip() for i in ids.split(",") if i.strip().isdigit()]
        return _respond([_item(r) for r in qs.filter(pk__in=wanted)], fmt, "requests")
    codes = [c for c in request.GET.get("service_code", "").split(",") if c]
    if codes:
        unknown = [c for c in codes if c not in HazardCategory.values]
        if unknown:
            return _error(400, f"未知的 service_code：{'、'.join(unknown)}", fmt)
        qs = qs.filter(category__in=codes)
    status = request.GET.get("status", "")
    if status:
        wanted = set(status.split(","))
        if not wanted <= {"open", "closed"}:
            return _error(400, "status 只能是 open 或 closed", fmt)
        if wanted == {"open"}:
            qs = qs.exclude(status=HazardStatus.CLOSED)
        elif wanted == {"closed"}:
            qs = qs.filter(status=HazardStatus.CLOSED)
    start, end = request.GET.get("start_date"), request.GET.get("end_date")
    start_dt = _parse_dt(start) if start else None
    end_dt = _parse_dt(end) if end else None
    if (start and start_dt is None) or (end and end_dt is None):
        return _error(400, "start_date/end_date 须为 ISO 8601 时间，如 2026-11-01T00:00:00+08:00", fmt)
    if start_dt is None and end_dt is None:
        start_dt = timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
    if start_dt:
        qs = qs.filter(created_at__gte=start_dt)
    if end_dt:
        qs = qs.filter(created_at__lte=end_dt)
    return _respond([_item(r) for r in qs[:MAX_RESULTS]], fmt, "requests")


def _client_for(api_key: str):
    """(label, actor) for a key that may file reports, else None: a configured client key (acting as the
    system, named after the client) or the API token of a staff user who may add reports — not any token
    (the 审计员's or 安全管理员's may not file; leak 9 of the spine issue)."""
    if not api_key:
        return None
    label = rules.open311_keys().get(api_key)
    if label:
        return label, system_actor(f"open311:{label}")
    user = authenticate_token(api_key)
    if user is not None and has_action(user, "add", HazardReport):
        return f"token:{user.get_username()}", user
    return None


def _create(request, fmt: str):
    data = request.POST
    client = _client_for(data.get("api_key", ""))
    if client is None:
        return _error(403, "api_key 无效", fmt)
    label, actor = client
    code = data.get("service_code", "")
    if code not in HazardCategory.values:
        return _error(400, f"未知的 service_code：{code}" if code else "缺少 service_code", fmt)
    if not data.get("lat") or not data.get("long"):
        return _error(400, "缺少位置：须提供 lat 和 long（WGS-84）", fmt)
    key = request.headers.get("Idempotency-Key") or uuid.uuid4().hex
    try:
        with actor_context(actor_user(actor), source="api", label=f"open311:{label}"):
            report = services.file_report(
                actor=actor,
                category=code,
                description=data.get("description", ""),
                latitude=data.get("lat"),
                longitude=data.get("long"),
                idempotency_key=f"o311-{key}"[:64],
                source=HazardSource.OPEN311,
                address=data.get("address_string", ""),
                media_url=data.get("media_url", ""),
                client_label=label,
            )
    except OutOfScope:
        return _error(403, "api_key 无效", fmt)
    except ValidationError as exc:  # Refused: the spec's 400 with the Chinese reason
        return _error(400, "；".join(exc.messages), fmt)
    return _respond(
        [
            {
                "service_request_id": str(report.pk),
                "service_notice": f"已转{report.unit.name}处理",
                "account_id": None,
            }
        ],
        fmt,
        "requests",
        status=201,
    )


@csrf_exempt  # a machine interface authenticated by api_key, never by a browser session
@require_http_methods(["GET", "POST"])
def requests_view(request, fmt: str = "json"):
    if request.method == "POST":
        return _create(request, fmt)
    return _list(request, fmt)


def request_detail(request, pk: int, fmt: str = "json"):
    if request.method != "GET":
        return _error(405, "只支持 GET", fmt)
    report = _queryset().filter(pk=pk).first()
    if report is None:
        return _error(404, f"服务请求 {pk} 不存在", fmt)
    return _respond([_item(report)], fmt, "requests")

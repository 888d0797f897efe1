"""The worker portal /m/: find a station, check in, sign in by SMS code, consent, 备案, appeals,
随手拍 and "我的". Every form works without JavaScript; portal.js only fills in the location."""

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from xinye.appeals import services as appeal_services
from xinye.audit.services import log_sensitive_access
from xinye.care import services as care_services
from xinye.core.geo import distance_m
from xinye.core.net import client_ip
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit, Region
from xinye.portal import auth, maps, pagecache, rules, services, signin
from xinye.portal.auth import current_worker, worker_required
from xinye.portal.forms import (
    AppealForm,
    CodeForm,
    CorrectionForm,
    FixedChoices,
    PhoneForm,
    ProfileForm,
    RateForm,
    RegisterForm,
    ReportForm,
    new_key,
)
from xinye.stations import geo
from xinye.stations import services as station_services
from xinye.stations.choices import StationStatus
from xinye.stations.models import Station
from xinye.volunteers import services as volunteer_services
from xinye.workers import services as worker_services
from xinye.workers.models import Consent, NoticeKind, PrivacyNotice

HOME_LIMIT = 3


def _reason(exc) -> str:
    """A service's refusal as one Chinese sentence for the form."""
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def _ip(request) -> str:
    return client_ip(request)


def _nav(station):
    return geo.edge(station.latitude, station.longitude, station.name)


def distance_text(metres: float) -> str:
    return f"{metres:.0f} 米" if metres < 1000 else f"{metres / 1000:.1f} 公里"


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _counties():
    return list(Region.objects.filter(parent_id__isnull=False, level__in=["county", "zone"]).order_by("code"))


def _streets_by_county():
    streets = OrgUnit.objects.filter(kind=UnitKind.STREET, is_active=True).order_by("region_id", "sort")
    groups: dict = {}
    for s in streets.select_related("region"):
        groups.setdefault(s.region.name, []).append((s.pk, s.name))
    return list(groups.items())


def _location(request) -> tuple[float | None, float | None]:
    """The phone's position for one search. The pages' forms POST it (issue 18 item 8: a person's location
    stays out of URLs, access logs and the Referer); a `?lat=&lng=` link still works."""
    data = request.POST if request.method == "POST" else request.GET
    return _float(data.get("lat")), _float(data.get("lng"))


def home(request):
    """Nearest stations to the phone's location (lat/lng filled by portal.js), or the open stations of a
    chosen county/street."""
    lat, lng = _location(request)
    region, street = request.GET.get("region") or "", request.GET.get("street") or ""
    results, error, mode = [], "", ""
    if lat is not None and lng is not None:
        mode = "near"
        try:
            for near in station_services.nearest(lat, lng, HOME_LIMIT):
                results.append(
                    {
                        "station": near.station,
                        "distance": near.distance,
                        "distance_text": distance_text(near.distance),
                        "region_name": near.station.region_name,
                        "nav": _nav(near.station),
                    }
                )
        except ValidationError as exc:
            error = _reason(exc)
    elif region or street:
        mode = "area"
        qs = Station.objects.filter(status=StationStatus.OPEN).select_related("region")
        if street.isdigit():
            qs = qs.filter(unit__parent_id=int(street))
        elif region:
            qs = qs.filter(region_id=region)
        for station in qs.order_by("code")[:30]:
            results.append(
                {
                    "station": station,
                    "distance": None,
                    "region_name": station.region.name,
                    "nav": _nav(station),
                }
            )
    area_map = None
    if mode == "near" and results:
        area_map = maps.static_map(
            (lat, lng),
            [
                maps.Marker(str(i), r["station"].name, r["station"].latitude, r["station"].longitude)
                for i, r in enumerate(results, start=1)
            ],
        )
    context = {
        "results": results,
        "map": area_map,
        "mode": mode,
        "error": error,
        "counties": _counties(),
        "streets": _streets_by_county(),
        "region": region,
        "street": street,
        "worker": current_worker(request),
    }
    return render(request, "portal/home.html", context)


def station(request, code):
    """The QR code's target: what the station offers, when it opens, and 签到.

    Most visitors arrive anonymously from a QR scan; their page holds nothing personal (the 签到 button is a
    link to sign-in), so it is rendered once per station and process and reused for a short while."""
    worker = current_worker(request)
    anonymous = worker is None and "messages" not in request.COOKIES
    if anonymous:
        content = pagecache.get(code)
        if content is not None:
            return _vary(HttpResponse(content))
    station = get_object_or_404(Station.objects.select_related("region"), code=code)
    checked_in = False
    if worker is not None:
        checked_in = station.checkins.filter(worker=worker, day=timezone.localdate()).exists()
    offers = care_services.offers_for_station(station)  # 暖心服务 of the station and its county
    mine = set()
    if worker is not None:
        mine = {s.session_id for s in care_services.signups_for(worker) if s.status == "signed_up"}
    alternatives = []
    if station.status != StationStatus.OPEN:  # a closed station's QR code still hangs on its door
        try:
            alternatives = [
                {"station": n.station, "distance_text": distance_text(n.distance), "nav": _nav(n.station)}
                for n in station_services.nearest(station.latitude, station.longitude, HOME_LIMIT)
            ]
        except ValidationError:
            alternatives = []
    context = {
        "station": station,
        "nav": _nav(station),
        "worker": worker,
        "checked_in": checked_in,
        "offers": offers,
        "mine": mine,
        "alternatives": alternatives,
    }
    response = render(request, "portal/station.html", context)
    if anonymous:
        pagecache.put(code, response.content, rules.station_page_cache_seconds())
    return _vary(response)


def _vary(response):
    patch_vary_headers(response, ["Cookie"])
    return response


@require_POST
def checkin(request, code):
    station = get_object_or_404(Station, code=code)
    worker = current_worker(request)
    if worker is None or not worker_services.has_consent(worker, NoticeKind.GENERAL):
        messages.info(request, "请先登录，登录后再点“签到”")
        return redirect(f"{reverse('portal:login')}?{urlencode({'next': station.get_absolute_url()})}")
    try:
        _checkin, created = station_services.check_in(station, worker=worker)
    except ValidationError as exc:
        messages.error(request, _reason(exc))
    else:
        messages.success(request, "签到成功，欢迎歇歇脚！" if created else "今天已在本站签到过了")
    return redirect(station.get_absolute_url())


# --- sign-in ----------------------------------------------------------------------------------------


def login(request):
    """Phone → code → (first time) consent. Rate limits are explained in Chinese on the form."""
    next_url = auth.safe_next(request)
    if request.method == "POST" and request.POST.get("step") == "verify":
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                phone = signin.verify_code(form.cleaned_data["phone"], form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", _reason(exc))
            else:
                worker = worker_services.worker_for_phone(phone)
                if worker is not None and worker_services.has_consent(worker, NoticeKind.GENERAL):
                    auth.login_worker(request, worker)
                    return redirect(next_url)
                from xinye.core.crypto import encrypt

                request.session.cycle_key()
                request.session[auth.PENDING_KEY] = encrypt(phone)
                return redirect(f"{reverse('portal:consent')}?{urlencode({'next': next_url})}")
        return render(request, "portal/login_code.html", {"form": form, "next": next_url})
    if request.method == "POST":
        form = PhoneForm(request.POST)
        if form.is_valid():
            try:
                sent = signin.request_code(form.cleaned_data["phone"], ip=_ip(request))
            except ValidationError as exc:
                form.add_error("phone", _reason(exc))
            else:
                phone = sent.phone
                code_form = CodeForm(initial={"phone": phone})
                return render(
                    request,
                    "portal/login_code.html",
                    {
                        "form": code_form,
                        "next": next_url,
                        "masked": phone[:3] + "****" + phone[-4:],
                        "delayed": sent.delayed,
                    },
                )
        return render(request, "portal/login.html", {"form": form, "next": next_url})
    return render(request, "portal/login.html", {"form": PhoneForm(), "next": next_url})


@require_POST
def logout(request):
    auth.logout_worker(request)
    return redirect("portal:home")


def consent(request):
    """The general privacy notice; agreeing is required to sign up (and again when a new version is out)."""
    from xinye.core.crypto import decrypt

    next_url = auth.safe_next(request)
    worker = current_worker(request)
    pending = request.session.get(auth.PENDING_KEY)
    if worker is None and not pending:
        return redirect("portal:login")
    notice = PrivacyNotice.current(NoticeKind.GENERAL)
    error = ""
    if request.method == "POST":
        if request.POST.get("agree") != "1":
            error = "需要同意《个人信息保护政策》才能注册使用；不同意也可以继续查找服务站。"
        else:
            if worker is None:
                worker = signin.sign_up(decrypt(pending), ip=_ip(request))
                auth.login_worker(request, worker)
            else:
                worker_services.give_consent(worker=worker, kind=NoticeKind.GENERAL, ip=_ip(request))
            return redirect(next_url)
    return render(request, "portal/consent.html", {"notice": notice, "next": next_url, "error": error})


@worker_required
def sensitive_consent(request):
    worker = request.worker
    notice = PrivacyNotice.current(NoticeKind.SENSITIVE)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            worker_services.withdraw_consent(worker=worker, kind=NoticeKind.SENSITIVE)
            messages.success(request, "已撤回敏感个人信息处理同意，已删除您的身份证号")
        elif request.POST.get("agree") == "1":
            worker_services.give_consent(worker=worker, kind=NoticeKind.SENSITIVE, ip=_ip(request))
            messages.success(request, "已记录您的单独同意")
        return redirect(auth.safe_next(request, "portal:mydata"))
    return render(
        request,
        "portal/sensitive.html",
        {
            "notice": notice,
            "given": worker_services.has_consent(worker, NoticeKind.SENSITIVE),
            "next": auth.safe_next(request, "portal:mydata"),
        },
    )


def notice(request, kind):
    if kind not in NoticeKind.values:
        raise Http404
    return render(request, "portal/notice.html", {"notice": PrivacyNotice.current(kind)})


# --- 备案 and own data ----------------------------------------------------------------------------


def _community_choices():
    communities = OrgUnit.objects.filter(kind=UnitKind.COMMUNITY, is_active=True).select_related("parent")
    return [(c.pk, f"{c.parent.name if c.parent_id else ''} {c.name}") for c in communities.order_by("path")]


@worker_required
def register(request):
    worker = request.worker
    station = None
    code = request.POST.get("station") or request.GET.get("station") or ""
    if code:
        station = Station.objects.filter(code=code).select_related("unit").first()
    initial = {
        "name": worker.name,
        "occupation": worker.occupation,
        "enterprise_name": worker.enterprise_name,
        "community": worker.unit_id or "",
        "station": station.code if station else "",
    }
    form = RegisterForm(request.POST or None, initial=initial, communities=_community_choices())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        community = None
        if not station and data["community"]:
            community = OrgUnit.objects.filter(pk=data["community"], kind=UnitKind.COMMUNITY).first()
        try:
            if data["id_number"] and data["sensitive_consent"]:
                worker_services.give_consent(worker=worker, kind=NoticeKind.SENSITIVE, ip=_ip(request))
            services.register(
                worker=worker,
                station=station,
                community=community,
                name=data["name"],
                occupation=data["occupation"],
                enterprise_name=data["enterprise_name"],
                id_number=data["id_number"],
                volunteer=data["volunteer"],
                volunteer_skills=data["volunteer_skills"],
            )
        except ValidationError as exc:
            form.add_error(None, _reason(exc))
        else:
            linked = "，已与从业人员台账核对一致" if worker.practitioner_id else ""
            messages.success(request, f"备案成功{linked}")
            return redirect("portal:mine")
    return render(
        request,
        "portal/register.html",
        {
            "form": form,
            "station": station,
            "sensitive_given": worker_services.has_consent(worker, NoticeKind.SENSITIVE),
        },
    )


@worker_required
def mydata(request):
    """See and correct own data; delete it (PIPL art. 45–47)."""
    worker = request.worker
    form = ProfileForm(
        request.POST or None,
        initial={
            "name": worker.name,
            "occupation": worker.occupation,
            "enterprise_name": worker.enterprise_name,
            "id_number": worker.id_number,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            worker_services.correct_data(
                worker=worker,
                name=data["name"],
                occupation=data["occupation"],
                enterprise_name=data["enterprise_name"],
                id_number=data["id_number"],
            )
        except ValidationError as exc:
            form.add_error("id_number", _reason(exc))
        else:
            messages.success(request, "已保存")
            return redirect("portal:mydata")
    context = {
        "worker": worker,
        "form": form,
        "consents": Consent.objects.filter(worker=worker).select_related("notice"),
        "checkins": worker.checkins.select_related("station")[:20],
        "registration_station": station_services.registration_station(worker),
        "submissions": _own_counts(worker),
        "sensitive_given": worker_services.has_consent(worker, NoticeKind.SENSITIVE),
        "rights_requests": worker.rights_requests.exclude(kind="access").select_related("unit")[:20],
    }
    return render(request, "portal/mydata.html", context)


def _no_store(response):
    response["Cache-Control"] = "no-store"  # personal data: never kept by a browser or a proxy
    return response


@worker_required
def mydata_all(request):
    """Everything xinye holds about the signed-in worker, unmasked for them alone (PIPL art. 45); logged."""
    worker = request.worker
    sections = []
    for title, value in services.worker_data(worker).items():
        rows = value if isinstance(value, list) else ([value] if value else [])
        sections.append((title, [list(row.items()) for row in rows]))
    log_sensitive_access("view_sensitive", obj=worker, reason="本人查阅个人信息")
    return _no_store(render(request, "portal/mydata_all.html", {"sections": sections}))


@worker_required
def mydata_download(request):
    """The same as a JSON file (查阅复制, PIPL art. 45): logged, and recorded in the holding unit's queue."""
    data = services.download_data(worker=request.worker)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="xinye-my-data-{stamp}.json"'
    return _no_store(response)


@worker_required
def correction(request):
    """Ask the unit holding a record to correct it (PIPL art. 46); answered within 15 working days."""
    worker = request.worker
    records = [(key, label) for key, label, _unit in services.correction_records(worker)]
    form = CorrectionForm(
        request.POST or None, records=records, initial={"record": request.GET.get("record")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            req = services.request_correction(worker=worker, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            due = timezone.localtime(req.due_at).strftime("%Y-%m-%d")
            messages.success(request, f"已提交更正申请，{req.unit.name}将在 {due} 前答复")
            return redirect("portal:mydata")
    return render(request, "portal/correction.html", {"form": form})


@worker_required
def withdraw(request):
    """Withdraw a consent, after reading exactly what it stops (services.WITHDRAWAL_EFFECTS)."""
    worker = request.worker
    given = {kind: worker_services.has_consent(worker, kind) for kind in NoticeKind.values}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in NoticeKind.values:
            messages.error(request, "请选择要撤回的同意")
        elif request.POST.get("confirm") != "1":
            messages.error(request, "请勾选“我已了解撤回后的影响”")
        elif not given[kind]:
            messages.error(request, "您没有可撤回的该项同意")
        else:
            services.withdraw_consent(worker=worker, kind=kind)
            if kind == NoticeKind.GENERAL:
                auth.logout_worker(request)
                messages.success(request, "已撤回同意并退出登录；如需再次使用，登录后重新同意即可")
                return redirect("portal:home")
            messages.success(request, "已撤回敏感个人信息处理同意，已删除您的身份证号")
            return redirect("portal:mydata")
        return redirect("portal:withdraw")
    kinds = [
        {
            "kind": kind,
            "label": NoticeKind(kind).label,
            "given": given[kind],
            "effects": services.WITHDRAWAL_EFFECTS[kind],
        }
        for kind in (NoticeKind.GENERAL, NoticeKind.SENSITIVE)
    ]
    return render(request, "portal/withdraw.html", {"kinds": kinds, "keeps": services.WITHDRAWAL_KEEPS})


def _own_counts(worker) -> list[tuple[str, int]]:
    from xinye.appeals.models import Appeal
    from xinye.hazards.models import HazardReport

    return [
        ("诉求", Appeal.objects.filter(worker=worker).count()),
        ("随手拍", HazardReport.objects.filter(worker=worker).count()),
    ]


@worker_required
@require_POST
def delete_data(request):
    if request.POST.get("confirm") != "1":
        messages.error(request, "请勾选“我确认删除”")
        return redirect("portal:mydata")
    services.delete_worker_data(worker=request.worker)
    auth.logout_worker(request)
    messages.success(request, "您的个人信息已删除；已提交的诉求和随手拍已匿名保留。")
    return redirect("portal:home")


# --- appeals and reports ----------------------------------------------------------------------------


@functools.cache
def _appeal_categories() -> FixedChoices:
    """Grouped for the select (权益保障 / 生活困难 / 个性化服务 / 其他) as the appeals app defines them."""
    from xinye.appeals import choices

    groups = choices.CATEGORY_GROUPS
    if groups:
        return FixedChoices([(title, [(c.value, c.label) for c in members]) for title, members in groups])
    return FixedChoices(choices.AppealCategory.choices)


@functools.cache
def _hazard_categories() -> FixedChoices:
    from xinye.hazards.choices import HazardCategory

    return FixedChoices(HazardCategory.choices)


def _photos(request, name, limit):
    files = request.FILES.getlist(name)[:limit]
    return [f for f in files if f.size]


# 紧急求助: the public numbers first, always, with call buttons (issue 17). 122 is the traffic-accident line,
# the one riders and drivers need most; 12345 the city's hotline for what is not an emergency.
EMERGENCY_NUMBERS = (
    ("110", "报警"),
    ("120", "急救"),
    ("122", "交通事故"),
    ("119", "火警"),
)


def emergency_contacts(request, lat=None, lng=None, limit: int = 2) -> list[dict]:
    """The open stations to call in an emergency, each with its host community and phone: the nearest to a
    given point, else (a signed-in worker) the open stations of the worker's county, else none."""
    stations = []
    if lat is not None and lng is not None:
        try:
            near = station_services.nearest(lat, lng, limit)
        except ValidationError:
            near = []
        rows = Station.objects.select_related("unit").in_bulk([n.station.pk for n in near])
        stations = [(rows[n.station.pk], distance_text(n.distance)) for n in near if n.station.pk in rows]
    else:
        worker = current_worker(request)
        if worker is not None and worker.region_id:
            qs = Station.objects.filter(status=StationStatus.OPEN, region_id=worker.region_id)
            stations = [(s, "") for s in qs.select_related("unit").order_by("code")[:limit]]
    out = []
    for station, distance in stations:
        out.append(
            {
                "station": station,
                "community": station.unit.name,
                "phone": station.contact_phone or "",
                "distance": distance,
                "nav": _nav(station),
            }
        )
    return out


def sos(request):
    """紧急求助 (/m/sos/): no sign-in, no form to fill before help — 110/120/122/119 as call buttons at the
    top, then the nearest open stations and their communities' phones (by the phone's location when given),
    then the way to file an emergency appeal online."""
    lat, lng = _location(request)
    return render(
        request,
        "portal/sos.html",
        {
            "numbers": EMERGENCY_NUMBERS,
            "contacts": emergency_contacts(request, lat, lng),
            "located": lat is not None and lng is not None,
            "worker": current_worker(request),
        },
    )


@worker_required
def appeal_new(request):
    worker = request.worker
    categories = _appeal_categories()
    form = AppealForm(
        request.POST or None,
        initial={"key": new_key(), "category": request.GET.get("category", "")},
        categories=categories,
        regions=[] if worker.unit_id else [(r.code, r.name) for r in _counties()],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["sensitive_consent"]:
                worker_services.give_consent(worker=worker, kind=NoticeKind.SENSITIVE, ip=_ip(request))
            appeal = services.submit_appeal(
                worker=worker,
                category=data["category"],
                text=data["text"],
                photos=_photos(request, "photos", 3),
                key=data["key"],
                region=Region.objects.filter(code=data["region"]).first() if data["region"] else None,
            )
        except (ValueError, ValidationError, PermissionDenied) as exc:
            form.add_error(None, _reason(exc))
        else:
            return redirect("portal:appeal", pk=appeal.pk)
    return render(
        request,
        "portal/appeal_form.html",
        {
            "form": form,
            "worker": worker,
            "numbers": EMERGENCY_NUMBERS,
            "sensitive_given": worker_services.has_consent(worker, NoticeKind.SENSITIVE),
        },
    )


def _stations_near_worker(worker):
    """Without GPS: the open stations of the worker's county (or 科尔沁区) as landmarks, nearest first to the
    station the worker registered at (the best guess of where they work), else by code."""
    qs = Station.objects.filter(status=StationStatus.OPEN, region_id=worker.region_id or "150502")
    stations = list(qs.order_by("code").only("code", "name", "latitude", "longitude")[:200])
    home = station_services.registration_station(worker)
    if home is not None:
        stations.sort(key=lambda s: distance_m(home.latitude, home.longitude, s.latitude, s.longitude))
    return [(s.code, s.name) for s in stations]


@worker_required
def report_new(request):
    worker = request.worker
    categories = _hazard_categories()
    form = ReportForm(
        request.POST or None,
        initial={"key": new_key()},
        categories=categories,
        stations=_stations_near_worker(worker),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photos = _photos(request, "photo", 1)
        lat, lng = data["latitude"], data["longitude"]
        if lat is None or lng is None:
            landmark = Station.objects.filter(code=data["near_station"]).first()
            lat, lng = (landmark.latitude, landmark.longitude) if landmark else (None, None)
        try:
            report = services.submit_report(
                worker=worker,
                category=data["category"],
                description=data["description"],
                latitude=lat,
                longitude=lng,
                photo=photos[0] if photos else None,
                key=data["key"],
            )
        except (ValueError, ValidationError, PermissionDenied) as exc:
            form.add_error(None, _reason(exc))
        else:
            return redirect("portal:report", pk=report.pk)
    return render(request, "portal/report_form.html", {"form": form})


@worker_required
def own_photo(request, kind, pk, index):
    """A photo of the worker's own appeal or report (the console's media door is for staff): shown back
    after filing so the worker sees what was sent. Anyone else's is simply not found."""
    from django.http import FileResponse

    obj = _own(request.worker, kind, pk)
    files = [p.file for p in obj.photos.order_by("pk")] if kind == "appeal" else [obj.photo]
    files = [f for f in files if f]
    if not 0 <= index < len(files):
        raise Http404
    response = FileResponse(files[index].open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _own(worker, kind, pk):
    """The worker's own appeal or report; anyone else's is simply not found."""
    if kind == "appeal":
        from xinye.appeals.models import Appeal as model
    else:
        from xinye.hazards.models import HazardReport as model
    return get_object_or_404(model, pk=pk, worker=worker)


def _status(obj) -> str:
    display = getattr(obj, "get_status_display", None)
    return display() if callable(display) else str(getattr(obj, "status", ""))


def _timeline(obj):
    try:
        return list(obj.timeline())
    except AttributeError:
        return []


def _rateable(appeal) -> bool:
    """评价 is open after 办结 or the return visit (the appeals app's rate_appeal enforces the same)."""
    from xinye.appeals.choices import AppealStatus

    return appeal.status in (AppealStatus.CLOSED, AppealStatus.VISITED)


@worker_required
def appeal_detail(request, pk):
    appeal = _own(request.worker, "appeal", pk)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_services.rate_appeal(
                appeal,
                worker=request.worker,
                satisfied=form.cleaned_data["satisfied"] == "1",
                comment=form.cleaned_data["comment"],
            )
        except (ValueError, ValidationError, PermissionDenied) as exc:
            form.add_error(None, _reason(exc))
        else:
            messages.success(request, "感谢您的评价")
            return redirect("portal:appeal", pk=pk)
    context = {
        "appeal": appeal,
        "status": _status(appeal),
        "timeline": _timeline(appeal),
        "rateable": _rateable(appeal),
        "form": form,
        "photo_range": range(appeal.photos.count()),
        "photo_count": appeal.photos.count(),
    }
    if appeal.category == "emergency":
        context["numbers"] = EMERGENCY_NUMBERS
        context["contacts"] = emergency_contacts(request)
    return render(request, "portal/appeal_detail.html", context)


@worker_required
def report_detail(request, pk):
    report = _own(request.worker, "hazard", pk)
    return render(
        request,
        "portal/report_detail.html",
        {"report": report, "status": _status(report), "timeline": _timeline(report)},
    )


@worker_required
def mine(request):
    """我的: own appeals and reports with their status, and volunteer hours."""
    worker = request.worker
    from xinye.appeals.models import Appeal
    from xinye.hazards.models import HazardReport
    from xinye.volunteers.services import hours_for

    items = [
        {
            "kind": "诉求",
            "obj": a,
            "when": a.submitted_at,
            "category": a.get_category_display(),
            "status": _status(a),
            "url": reverse("portal:appeal", args=[a.pk]),
        }
        for a in Appeal.objects.filter(worker=worker).order_by("-pk")[:30]
    ]
    items += [
        {
            "kind": "随手拍",
            "obj": r,
            "when": r.created_at,
            "category": r.get_category_display(),
            "status": _status(r),
            "url": reverse("portal:report", args=[r.pk]),
        }
        for r in HazardReport.objects.filter(worker=worker).order_by("-pk")[:30]
    ]
    items.sort(key=lambda it: it["when"] or timezone.now(), reverse=True)
    hours = hours_for(worker)
    return render(request, "portal/mine.html", {"worker": worker, "items": items, "hours": hours})


# --- volunteering (the volunteers app owns activities, sign-ups and hours) ------------------------------


@worker_required
def volunteer(request):
    """Activities open for sign-up in the worker's county, their own sign-ups and confirmed hours."""
    worker = request.worker
    profile = getattr(worker, "volunteer_profile", None)
    signups = list(volunteer_services.signups_for(worker)) if profile is not None else []
    mine = {s.activity_id: s for s in signups if s.status != "cancelled"}
    activities = list(volunteer_services.open_activities(region=worker.region))
    return render(
        request,
        "portal/volunteer.html",
        {
            "profile": profile,
            "activities": [(a, mine.get(a.pk)) for a in activities],
            "signups": signups,
            "hours": volunteer_services.hours_for(worker),
        },
    )


@worker_required
@require_POST
def volunteer_signup(request, pk):
    from xinye.volunteers.models import VolunteerActivity

    activity = get_object_or_404(VolunteerActivity, pk=pk)
    try:
        volunteer_services.sign_up(activity, worker=request.worker)
    except ValidationError as exc:
        messages.error(request, _reason(exc))
    else:
        messages.success(request, f"已报名：{activity.title}")
    return redirect("portal:volunteer")


@worker_required
@require_POST
def volunteer_cancel(request, pk):
    from xinye.volunteers.models import VolunteerSignup

    signup = get_object_or_404(VolunteerSignup, pk=pk, profile__worker=request.worker)
    try:
        volunteer_services.cancel_signup(signup, worker=request.worker)
    except ValidationError as exc:
        messages.error(request, _reason(exc))
    else:
        messages.success(request, "已取消报名")
    return redirect("portal:volunteer")

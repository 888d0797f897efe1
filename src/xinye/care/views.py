"""Worker pages of the personal services (/m/services/): the catalogue by kind, the worker's county first
or nearest first, sign-up to 红色教育 sessions and job fairs, and the worker's own sign-ups. Every form
works without JavaScript; portal.js only fills in the location."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinye.care import services
from xinye.care.choices import ServiceKind
from xinye.care.models import ServiceSession, ServiceSignup
from xinye.orgs.models import Region
from xinye.portal.auth import current_worker, safe_next, worker_required


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _reason(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def catalogue(request):
    """The catalogue: filter by kind and county; with a location, nearest first; else the signed-in
    worker's county first."""
    worker = current_worker(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in ServiceKind.values else ""
    county = request.GET.get("county", "")
    lat, lng = _float(request.GET.get("lat")), _float(request.GET.get("lng"))
    if lat is not None and not -90 <= lat <= 90 or lng is not None and not -180 <= lng <= 180:
        lat = lng = None
    offers = services.catalogue(
        county=county or None,
        kind=kind or None,
        first_county=worker.region_id if worker is not None else None,
        lat=lat if lng is not None else None,
        lng=lng if lat is not None else None,
    )
    signups = list(services.signups_for(worker)) if worker is not None else []
    mine = {s.session_id for s in signups if s.status == "signed_up"}
    counties = Region.objects.filter(parent_id__isnull=False, level__in=["county", "zone"]).order_by("code")
    return render(
        request,
        "care/services.html",
        {
            "offers": offers,
            "kinds": ServiceKind.choices,
            "kind": kind,
            "county": county,
            "counties": list(counties),
            "near": lat is not None and lng is not None,
            "worker": worker,
            "signups": signups,
            "mine": mine,
        },
    )


@worker_required
@require_POST
def signup(request, pk):
    session = get_object_or_404(ServiceSession.objects.select_related("offer"), pk=pk)
    try:
        services.sign_up(session, worker=request.worker)
    except ValidationError as exc:
        messages.error(request, _reason(exc))
    else:
        messages.success(
            request,
            f"已报名：{session.offer.title}（{timezone.localtime(session.starts_at):%m月%d日 %H:%M}）",
        )
    return redirect(safe_next(request, "care:catalogue"))


@worker_required
@require_POST
def cancel(request, pk):
    signup = get_object_or_404(ServiceSignup.objects.select_related("session"), pk=pk, worker=request.worker)
    try:
        services.cancel_signup(signup, worker=request.worker)
    except ValidationError as exc:
        messages.error(request, _reason(exc))
    else:
        messages.success(request, "已取消报名")
    return redirect("care:catalogue")

"""Console pages for stations: the printable A4 poster, QR downloads, daily check-in counts."""

import datetime

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.stations import qr, services
from xinye.stations.models import Station


def _station(request, pk) -> Station:
    return get_object_or_404(
        restrict(Station.objects.select_related("unit", "region"), request.user, "view"), pk=pk
    )


def poster(request, pk):
    """An A4 page to print and stick on the door: name, services, hours and the QR code."""
    station = _station(request, pk)
    url = qr.station_url(station, request)
    return TemplateResponse(
        request,
        "stations/poster.html",
        {"station": station, "url": url, "qr_svg": qr.qr_svg_inline(url)},
    )


def qr_png(request, pk):
    station = _station(request, pk)
    response = HttpResponse(qr.qr_png(qr.station_url(station, request)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="station-{station.code}.png"'
    return response


def qr_svg(request, pk):
    station = _station(request, pk)
    response = HttpResponse(qr.qr_svg(qr.station_url(station, request)), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="station-{station.code}.svg"'
    return response


@statistics_export(Station)
def checkins(request):
    """Check-ins per station and day for the last 14 days, for the stations in the user's scope."""
    if not has_action(request.user, "view", Station):
        raise Http404
    days = 14
    today = timezone.localdate()
    day_list = [today - datetime.timedelta(days=i) for i in range(days - 1, -1, -1)]
    stations = list(restrict(Station.objects.select_related("region"), request.user, "view").order_by("code"))
    counts = services.daily_counts(stations, days, today=today)
    rows = []
    for s in stations:
        c = counts.get(s.pk, {})
        cells = [c.get(d, 0) for d in day_list]
        rows.append({"station": s, "cells": cells, "total": sum(cells)})
    rows.sort(key=lambda r: (-r["total"], r["station"].code))
    context = {
        **admin.site.each_context(request),
        "title": _("服务站签到统计（近14天）"),
        "days": day_list,
        "rows": rows,
        "grand_total": sum(r["total"] for r in rows),
    }
    return TemplateResponse(request, "stations/checkins.html", context)

"""Console pages: choose a period and a scope, download the statistics workbook or the Word briefing.

The scope picker offers only the units the user may see; the files are built through the same services
as the CLI (`reports.services.export_*`), which log every export.
"""

import tempfile

from django.contrib import admin, messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action
from xinye.core.errors import Refused
from xinye.reports import services
from xinye.reports.context import parse_period, resolve_scope, scope_units
from xinye.reports.models import DailySnapshot
from xinye.reports.sheets import registered

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _check(request):
    if not has_action(request.user, "export", DailySnapshot):
        raise Http404


def index(request):
    _check(request)
    context = {
        **admin.site.each_context(request),
        "title": _("统计报表与工作简报"),
        "period": request.GET.get("period") or f"{timezone.localdate():%Y-%m}",
        "scope": request.GET.get("scope", ""),
        "units": scope_units(request.user),
        "sheets": registered(),
    }
    return TemplateResponse(request, "reports/index.html", context)


def _download(request, kind: str):
    _check(request)
    try:
        period = parse_period(request.GET.get("period"))
        scope = resolve_scope(request.user, request.GET.get("scope"))
    except Refused as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reports:index")
    suffix, content_type = (".xlsx", XLSX) if kind == "statistics" else (".docx", DOCX)
    out = tempfile.NamedTemporaryFile(suffix=suffix)  # noqa: SIM115 — closed by the FileResponse
    if kind == "statistics":
        services.export_statistics(out.name, scope, period, actor=request.user)
        name = f"{scope.name}统计报表{period.label}.xlsx"
    else:
        services.export_briefing(out.name, scope, period, actor=request.user)
        name = f"{scope.name}工作简报{period.label}.docx"
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=name, content_type=content_type)


def statistics(request):
    return _download(request, "statistics")


def briefing(request):
    return _download(request, "briefing")

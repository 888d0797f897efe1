"""Console pages: choose a period and a scope, start the statistics workbook or the Word briefing.

The scope picker offers only the units the user may see. A report is built off the request, as a background
job (`reports.jobs`, run by `xinye worker`): the button records the job and opens its page in 我的任务, which
follows the progress and offers the file when it is done. The file is built through the same services as
the CLI (`reports.services.export_*`), which log every export.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xinye.accounts.permissions import has_action
from xinye.core.errors import Refused
from xinye.reports.context import scope_units
from xinye.reports.jobs import BRIEFING, STATISTICS, start_report
from xinye.reports.models import DailySnapshot
from xinye.reports.sheets import registered


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


def _start(request, kind: str):
    """POST: check the period and the scope now (a refusal is shown on the form), then queue the job."""
    _check(request)
    if request.method != "POST":  # an old bookmark: back to the form, filled in
        query = urlencode({k: request.GET.get(k, "") for k in ("period", "scope")})
        return redirect(f"{reverse('reports:index')}?{query}")
    period_text, code = request.POST.get("period", ""), request.POST.get("scope", "")
    try:
        job = start_report(kind, actor=request.user, period=period_text, scope=code)
    except Refused as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('reports:index')}?{urlencode({'period': period_text, 'scope': code})}")
    messages.info(request, _("已提交后台生成，完成后可在本页或“我的任务”中下载。"))
    return redirect("jobs:detail", token=job.token.hex)


@require_http_methods(["GET", "POST"])
def statistics(request):
    return _start(request, STATISTICS)


@require_http_methods(["GET", "POST"])
def briefing(request):
    return _start(request, BRIEFING)

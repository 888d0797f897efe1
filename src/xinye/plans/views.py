"""Console pages of plans: the monthly ranking with each score explained (and the 通报 to download), the
督办 board (overdue and at-risk tasks, unanswered 督办) and a drive's daily progress; the home page's cards."""

import io

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.core.errors import OutOfScope
from xinye.plans import bulletin, drives, ranking, services
from xinye.plans.models import Drive, PlanNotice, PlanTask


def dashboard_cards(request):
    """Each level's home page: its overdue and at-risk tasks and the 督办 awaiting its reply."""
    if not has_action(request.user, "view", PlanTask):
        return []
    today = timezone.localdate()
    tasks = restrict(PlanTask.objects.all(), request.user, "view")
    notices = restrict(PlanNotice.objects.all(), request.user, "view")
    board = reverse("plans:board")
    return [
        {"title": _("逾期任务"), "value": services.overdue_tasks(tasks, today).count(), "link": board},
        {"title": _("临期任务"), "value": services.at_risk_tasks(tasks, today).count(), "link": board},
        {
            "title": _("待回复督办"),
            "value": notices.filter(reply_required=True, replied_at__isnull=True).count(),
            "link": board,
        },
    ]


def _month(request):
    text = request.GET.get("month") or f"{timezone.localdate():%Y-%m}"
    try:
        return ranking.parse_month(text)
    except ValueError:
        raise Http404(_("月份格式应为 YYYY-MM")) from None


@statistics_export(PlanTask)
def ranking_page(request):
    month = _month(request)
    try:
        stored, items = ranking.ranking_for(request.user, month, timezone.localdate())
    except OutOfScope:
        raise Http404 from None
    context = {**admin.site.each_context(request), "title": _("行业党建办月度排名")}
    context.update({"month": month, "stored": stored, "items": items, "rules": ranking.rules_table()})
    return render(request, "plans/ranking.html", context)


def bulletin_download(request):
    month = _month(request)
    today = timezone.localdate()
    try:
        _stored, items = ranking.ranking_for(request.user, month, today)
    except OutOfScope:
        raise Http404 from None
    tasks = restrict(PlanTask.objects.all(), request.user, "view")
    notices = restrict(PlanNotice.objects.all(), request.user, "view")
    doc = bulletin.build(month, items, today, tasks=tasks, notices=notices)
    buffer = io.BytesIO()
    doc.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="tongbao-{month:%Y-%m}.docx"'
    return response


@statistics_export(PlanTask)
def board(request):
    if not has_action(request.user, "view", PlanTask):
        raise Http404
    today = timezone.localdate()
    tasks = restrict(PlanTask.objects.select_related("office", "issuer"), request.user, "view")
    notices = restrict(PlanNotice.objects.select_related("unit", "task"), request.user, "view")
    context = {**admin.site.each_context(request), "title": _("任务督办")}
    context.update(
        {
            "overdue": services.overdue_tasks(tasks, today).order_by("due_date", "office__path")[:300],
            "at_risk": services.at_risk_tasks(tasks, today).order_by("due_date", "office__path")[:300],
            "pending": notices.filter(reply_required=True, replied_at__isnull=True).order_by("reply_due")[
                :300
            ],
            "today": today,
        }
    )
    return render(request, "plans/board.html", context)


@statistics_export(Drive)
def drive_progress(request, pk):
    drive = restrict(Drive.objects.select_related("owner", "owner__region"), request.user, "view")
    drive = drive.filter(pk=pk).first()
    if drive is None:
        raise Http404(_("对象不存在或不在您的管辖范围内"))
    data = drives.progress(drive, timezone.localdate())
    context = {**admin.site.each_context(request), "title": drive.title}
    context.update({"drive": drive, "data": data, "measures": drives.MEASURES})
    return render(request, "plans/drive.html", context)

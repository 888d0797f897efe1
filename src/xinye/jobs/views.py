"""我的任务: the user's own background jobs — the list, one job's page (which follows its progress until it
is done or failed), its state as JSON for that page, and the download of its result.

A job is its starter's own record: another user — whatever their roles — gets 404, as for anything outside
their scope. The result file lives under MEDIA_ROOT but is served only here (console.views.media finds no
scope for a job and answers 404).
"""

import uuid

from django.contrib import admin
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from xinye.jobs import services
from xinye.jobs.choices import JobState


def _job(request, token: str):
    try:
        key = uuid.UUID(token)
    except ValueError:
        raise Http404 from None
    return get_object_or_404(services.mine(request.user), token=key)


def _state(job) -> dict:
    figures = services.live_progress(job)
    total = figures["total"]
    done = figures["done"] or 0
    percent = 100 if job.state == JobState.DONE else (min(99, done * 100 // total) if total else None)
    if job.state == JobState.PENDING:
        text = _("排队中，等待后台工作进程处理…")
    elif job.state == JobState.RUNNING:
        unit = job.unit_label or _("步")
        text = (
            _("进行中：%(done)s / %(total)s %(unit)s") % {"done": done, "total": total, "unit": unit}
            if total
            else _("进行中：已处理 %(done)s %(unit)s") % {"done": done, "unit": unit}
        )
        if figures["step"]:
            text = f"{text}（{figures['step']}）"
    elif job.state == JobState.DONE:
        text = _("已完成") + (f"：{job.summary}" if job.summary else "")
    else:
        text = _("失败：%(reason)s") % {"reason": job.error}
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "done": done,
        "total": total,
        "percent": percent,
        "text": text,
        "finished": job.finished,
        "download": reverse("jobs:download", args=[job.token.hex]) if job.result else "",
        "result_url": job.result_url,
    }


def index(request):
    jobs = list(services.mine(request.user)[:50])
    for job in jobs:
        job.view = _state(job)
    context = {**admin.site.each_context(request), "title": _("我的任务"), "jobs": jobs}
    return TemplateResponse(request, "jobs/index.html", context)


def detail(request, token: str):
    job = _job(request, token)
    context = {
        **admin.site.each_context(request),
        "title": job.title,
        "job": job,
        "view": _state(job),
        "status_url": reverse("jobs:status", args=[job.token.hex]),
    }
    return TemplateResponse(request, "jobs/detail.html", context)


@never_cache
def status(request, token: str):
    return JsonResponse(_state(_job(request, token)))


@never_cache
def download(request, token: str):
    job = _job(request, token)
    if job.state != JobState.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)

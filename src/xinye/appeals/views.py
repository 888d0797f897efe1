"""Console pages: the 办理 page of one appeal (every step of the loop through the services) and the
statistics page (响应率, 解决率, 满意率, overdue list) per unit and period."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinye.accounts import writes
from xinye.accounts.permissions import has_action, in_scope, restrict
from xinye.appeals import services
from xinye.appeals.choices import DISPATCH_KINDS, AppealStatus, TaskStatus
from xinye.appeals.models import Appeal, AppealReminder, AppealTask
from xinye.audit.services import log_sensitive_access
from xinye.console.exports import statistics_export
from xinye.core.errors import Refused
from xinye.core.masking import mask
from xinye.orgs.models import OrgUnit


def _context(request, title):
    return {**admin.site.each_context(request), "title": title}


def _appeal_for(request, pk) -> Appeal:
    """The appeal if the user may see it or holds one of its tasks; otherwise 404."""
    appeal = restrict(Appeal.objects.all(), request.user, "view").filter(pk=pk).first()
    if appeal is None:
        task_units = restrict(AppealTask.objects.filter(appeal_id=pk), request.user, "view")
        if not task_units.exists():
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        appeal = Appeal.objects.get(pk=pk)
    return appeal


def _version(value: str | None) -> int | None:
    """A posted version; absent or not a number (an old page, a hand-made request): no expectation."""
    return int(value) if value and value.isdigit() else None


def _post(request, appeal) -> str:
    """Take the posted step; return what happened, in one sentence for the message bar."""
    action = request.POST.get("action", "")
    user = request.user
    task = None
    if request.POST.get("task"):
        task = (
            restrict(AppealTask.objects.filter(appeal=appeal), user, "change")
            .filter(pk=request.POST["task"])
            .first()
        )
        if task is None:
            raise Http404(_("任务不存在或不在您的管辖范围内"))
    # Stale edits (issue 18 item 4): the page posts the versions it showed; a step taken on a row someone
    # changed since is refused, naming who and when. Recording progress adds an event and edits no row.
    if task is not None and action != "progress":
        writes.expect_version(task, _version(request.POST.get("task_version")))
    elif task is None:
        writes.expect_version(appeal, _version(request.POST.get("version")))
    text = request.POST.get("text", "").strip()
    if action == "accept":
        services.accept_appeal(appeal, actor=user)
        return _("已受理")
    if action == "reject":
        services.reject_appeal(appeal, actor=user, reason=text)
        return _("已决定不予受理，理由已告知提出人")
    if action == "dispatch":
        ids = [int(i) for i in request.POST.getlist("units") if i.isdigit()]
        units = list(OrgUnit.objects.filter(pk__in=ids, kind__in=DISPATCH_KINDS, is_active=True)) or None
        tasks = services.dispatch_appeal(appeal, actor=user, units=units, instruction=text)
        return _("已派单至%(units)s") % {"units": "、".join(t.unit.name for t in tasks)}
    if action == "extend":
        services.extend_appeal(appeal, actor=user, reason=text)
        return _("已延期，新的办理时限已生效")
    if action == "answer":
        services.answer_appeal(appeal, actor=user, answer=text)
        return _("已答复提出人")
    if action == "close":
        services.close_appeal(appeal, actor=user)
        return _("已办结")
    if action == "visit":
        verdict = request.POST.get("satisfied", "")
        satisfied = {"1": True, "0": False}.get(verdict)
        services.return_visit(appeal, actor=user, note=text, satisfied=satisfied)
        return _("已记录回访")
    if action == "sign" and task:
        services.sign_task(task, actor=user)
        return _("%(unit)s已签收") % {"unit": task.unit.name}
    if action == "progress" and task:
        services.add_progress(task, actor=user, note=text, public=bool(request.POST.get("public")))
        return _("已记录办理进展")
    if action == "task_answer" and task:
        services.answer_task(task, actor=user, answer=text)
        return _("%(unit)s已提交办理结果") % {"unit": task.unit.name}
    if action == "task_finish" and task:
        services.finish_task(task, actor=user)
        return _("%(unit)s的任务已完成") % {"unit": task.unit.name}
    if action == "return" and task:
        services.return_task(task, actor=user, reason=text)
        return _("已退回，等待重新派单")
    raise Refused(_("未知的操作"))


def work(request, pk: int):
    """The 办理 page. Personal content (the text, answers, notes, the filer's contact) is shown as far as
    `services.disclosure` allows: in full to the appeal's own unit tree, what the work needs to a unit
    handling one of its tasks, lengths only to anyone else — and every reveal is logged."""
    appeal = _appeal_for(request, pk)
    if request.method == "POST":
        try:
            messages.success(request, _post(request, appeal))
        except ValidationError as exc:  # Refused: a rule said no (OutOfScope goes on as a 404)
            messages.error(request, "；".join(writes.refusal_messages(exc)))
        return redirect("appeals:work", pk=appeal.pk)
    user = request.user
    shown = services.disclosure(user, appeal)
    filer = services.filer_contact(appeal) if shown.any else None
    if shown.full:
        log_sensitive_access("view_sensitive", obj=appeal, fields=["诉求内容", "提出人联系方式"])
    elif shown.by_task:
        log_sensitive_access(
            "view_sensitive", obj=appeal, fields=["诉求内容", "提出人联系方式"], reason="承办单位办理"
        )
    can_change = in_scope(user, "change", appeal)
    changeable = set(restrict(appeal.tasks.all(), user, "change").values_list("pk", flat=True))
    tasks = list(appeal.tasks.select_related("unit", "escalated_to").order_by("assigned_at", "pk"))
    for task in tasks:
        task.can_change = task.pk in changeable
        task.answer_shown = task.answer if shown.task(task.pk) else mask("text", task.answer)
    events = list(appeal.events.select_related("task__unit").order_by("created_at", "pk"))
    for event in events:
        event.note_shown = event.note if shown.event(event) else mask("text", event.note)
    suggested = services.route(appeal) if can_change else []
    units = (
        OrgUnit.objects.filter(kind__in=DISPATCH_KINDS, is_active=True).order_by("kind", "path")
        if can_change
        else []
    )
    context = _context(request, _("诉求办理：%(number)s") % {"number": appeal.number})
    context.update(
        {
            "appeal": appeal,
            "text": appeal.text if shown.any else mask("text", appeal.text),
            "answer": appeal.answer if shown.any else mask("text", appeal.answer),
            "rating_comment": appeal.rating_comment if shown.any else mask("text", appeal.rating_comment),
            "filer": filer,
            "tasks": tasks,
            "events": events,
            "photos": appeal.photos.all() if shown.any else [],
            "can_change": can_change,
            "suggested": suggested,
            "suggested_ids": {u.pk for u in suggested},
            "units": units,
            "S": AppealStatus,
            "T": TaskStatus,
            "now": timezone.now(),
        }
    )
    return TemplateResponse(request, "appeals/work.html", context)


def _parse_date(value: str | None):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@statistics_export(AppealTask)
def stats(request):
    """Rates per assigned unit over a period; the unit filter narrows to one unit's subtree."""
    if not has_action(request.user, "view", AppealTask):
        raise Http404
    today = timezone.localdate()
    start = _parse_date(request.GET.get("from")) or today.replace(day=1) - datetime.timedelta(days=60)
    end = _parse_date(request.GET.get("to")) or today
    tasks = restrict(AppealTask.objects.all(), request.user, "view")
    unit = None
    if request.GET.get("unit", "").isdigit():
        unit = restrict(OrgUnit.objects.all(), request.user, "view").filter(pk=request.GET["unit"]).first()
        if unit is not None:
            tasks = tasks.filter(unit__path__startswith=unit.path)
    period = services.period_tasks(tasks, start, end)
    total, rows = services.statistics(period)
    green, green_rows = services.statistics(services.green_tasks(period))
    overdue = services.overdue_tasks(tasks)[:200]
    reminders = restrict(AppealReminder.objects.all(), request.user, "view").filter(read_at__isnull=True)[:50]
    units = restrict(OrgUnit.objects.filter(kind__in=DISPATCH_KINDS), request.user, "view").order_by("path")
    context = _context(request, _("诉求办理统计"))
    context.update(
        {
            "total": total,
            "rows": rows,
            "green": green,
            "green_rows": green_rows,
            "overdue": overdue,
            "reminders": reminders,
            "start": start,
            "end": end,
            "unit": unit,
            "units": units[:500],
        }
    )
    return TemplateResponse(request, "appeals/stats.html", context)

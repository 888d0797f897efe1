"""Console pages: the 办理 page of one enterprise need (every step of the loop through the services) and
the statistics page (needs by kind, status and on time; policy reach; financing and cover by county)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, in_scope, restrict
from xinye.appeals.choices import DISPATCH_KINDS, TaskStatus
from xinye.console.exports import statistics_export
from xinye.core.errors import Refused
from xinye.orgs.models import OrgUnit
from xinye.support import services
from xinye.support.choices import NeedKind, NeedStatus
from xinye.support.models import EnterpriseNeed, Match, NeedReminder, NeedTask, Policy, PolicyReach


def _context(request, title):
    return {**admin.site.each_context(request), "title": title}


def _need_for(request, pk) -> EnterpriseNeed:
    """The need if the user may see it or handles one of its tasks; otherwise 404."""
    need = restrict(EnterpriseNeed.objects.all(), request.user, "view").filter(pk=pk).first()
    if need is None:
        if not restrict(NeedTask.objects.filter(need_id=pk), request.user, "view").exists():
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        need = EnterpriseNeed.objects.get(pk=pk)
    return need


def _post(request, need) -> None:
    action, user = request.POST.get("action", ""), request.user
    text = request.POST.get("text", "").strip()
    task = None
    if request.POST.get("task"):
        task = restrict(need.tasks.all(), user, "change").filter(pk=request.POST["task"]).first()
        if task is None:
            raise Http404(_("任务不存在或不在您的管辖范围内"))
    if action == "dispatch":
        ids = [int(i) for i in request.POST.getlist("units") if i.isdigit()]
        units = list(OrgUnit.objects.filter(pk__in=ids, kind__in=DISPATCH_KINDS, is_active=True)) or None
        services.dispatch_need(need, actor=user, units=units, instruction=text)
    elif action == "reject":
        services.reject_need(need, actor=user, reason=text)
    elif action == "answer":
        services.answer_need(need, actor=user, answer=text)
    elif action == "close":
        services.close_need(need, actor=user, resolved=request.POST.get("resolved") == "1")
    elif action == "sign" and task:
        services.sign_need_task(task, actor=user)
    elif action == "task_answer" and task:
        services.answer_need_task(task, actor=user, answer=text)
    elif action == "return" and task:
        services.return_need_task(task, actor=user, reason=text)
    else:
        raise Refused(_("未知的操作"))


def work(request, pk: int):
    """The 办理 page: the need, its tasks with the steps each handling unit may take, the record of steps."""
    need = _need_for(request, pk)
    if request.method == "POST":
        try:
            _post(request, need)
            messages.success(request, _("已保存"))
        except ValidationError as exc:  # Refused (OutOfScope goes on as a 404)
            messages.error(request, "；".join(exc.messages))
        return redirect("support:work", pk=need.pk)
    user = request.user
    can_change = in_scope(user, "change", need)
    suggested = services.route_need(need) if can_change else []
    changeable = set(restrict(need.tasks.all(), user, "change").values_list("pk", flat=True))
    tasks = list(need.tasks.select_related("unit", "escalated_to").order_by("assigned_at", "pk"))
    for task in tasks:
        task.can_change = task.pk in changeable
    context = _context(request, _("企业需求办理：%(number)s") % {"number": need.number})
    context.update(
        {
            "need": need,
            "tasks": tasks,
            "events": need.events.select_related("task__unit").order_by("created_at", "pk"),
            "can_change": can_change,
            "suggested": suggested,
            "suggested_ids": {u.pk for u in suggested},
            "units": OrgUnit.objects.filter(kind__in=DISPATCH_KINDS, is_active=True).order_by("kind", "path")
            if can_change
            else [],
            "S": NeedStatus,
            "T": TaskStatus,
        }
    )
    return TemplateResponse(request, "support/work.html", context)


@statistics_export(EnterpriseNeed)
def stats(request):
    """The figures over what the user may see, optionally one county."""
    if not has_action(request.user, "view", EnterpriseNeed) and not has_action(
        request.user, "view", NeedTask
    ):
        raise Http404
    user, county = request.user, request.GET.get("county", "")
    needs = restrict(EnterpriseNeed.objects.all(), user, "view")
    tasks = restrict(NeedTask.objects.all(), user, "view")
    reach, matches = (
        restrict(PolicyReach.objects.all(), user, "view"),
        restrict(Match.objects.all(), user, "view"),
    )
    if county:
        needs, tasks = needs.filter(region_id=county), tasks.filter(need__region_id=county)
        reach, matches = reach.filter(enterprise__region_id=county), matches.filter(region_id=county)
    figures = services.need_statistics(needs, tasks)
    context = _context(request, _("精准服务企业统计"))
    context.update(
        {
            "needs": figures,
            "kinds": [(label, figures["by_kind"][value]) for value, label in NeedKind.choices],
            "statuses": [(label, figures["by_status"][value]) for value, label in NeedStatus.choices],
            "policies": services.policy_reach(services.visible(Policy, user), reach),
            "finance": services.finance_totals(matches),
            "reminders": restrict(NeedReminder.objects.all(), user, "view").filter(read_at__isnull=True)[:50],
            "county": county,
        }
    )
    return TemplateResponse(request, "support/stats.html", context)

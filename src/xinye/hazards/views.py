"""Console page: handle one hazard report (status, notes the reporter sees, close with a reason)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import in_scope, restrict
from xinye.core.errors import Refused
from xinye.hazards import services
from xinye.hazards.choices import CloseReason, HazardStatus
from xinye.hazards.models import HazardReport


def work(request, pk: int):
    report = restrict(HazardReport.objects.select_related("unit"), request.user, "view").filter(pk=pk).first()
    if report is None:
        raise Http404(_("对象不存在或不在您的管辖范围内"))
    if request.method == "POST":
        action = request.POST.get("action")
        text = request.POST.get("text", "")
        try:
            if action in (HazardStatus.ACKNOWLEDGED, HazardStatus.IN_PROGRESS, HazardStatus.OPEN):
                services.set_status(report, action, actor=request.user, note=text)
                done = _("状态已改为“%(status)s”") % {"status": HazardStatus(action).label}
            elif action == "note":
                services.add_note(
                    report, actor=request.user, note=text, public=bool(request.POST.get("public"))
                )
                done = _("已记录处理情况")
            elif action == "close":
                dup = None
                if request.POST.get("duplicate_of", "").isdigit():
                    dup = HazardReport.objects.filter(pk=request.POST["duplicate_of"]).first()
                services.close_report(
                    report,
                    actor=request.user,
                    reason=request.POST.get("reason", ""),
                    note=text,
                    duplicate_of=dup,
                )
                done = _("已办结")
            else:
                raise Refused(_("未知的操作"))
            messages.success(request, done)
        except ValidationError as exc:  # Refused: a rule said no (OutOfScope goes on as a 404)
            messages.error(request, _("；").join(exc.messages))
        return redirect("hazards:work", pk=report.pk)
    context = {
        **admin.site.each_context(request),
        "title": _("随手拍处理：#%(pk)s %(category)s")
        % {"pk": report.pk, "category": report.get_category_display()},
        "report": report,
        "place": services.place(report),
        "events": report.events.order_by("created_at", "pk"),
        "duplicates": services.duplicates_of(report),
        "can_change": in_scope(request.user, "change", report),
        "S": HazardStatus,
        "reasons": CloseReason.choices,
        "next_states": services.TRANSITIONS.get(report.status, set()),
    }
    return TemplateResponse(request, "hazards/work.html", context)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "xinye.appeals"
    pillar = "support"
    verbose_name = _("如何保障 · 诉求办理")
    nav_links = [(_("诉求办理统计"), "monitoring", "appeals:stats", "appeals.appealtask")]
    tick = "xinye.appeals.services.tick"  # xinye tick (core.ticks): reminders, escalation, return visits

    def dashboard_cards(self, request):
        from xinye.accounts.permissions import has_action, restrict
        from xinye.appeals.models import AppealTask
        from xinye.appeals.services import overdue_tasks

        if not has_action(request.user, "view", AppealTask):
            return []
        tasks = restrict(AppealTask.objects.all(), request.user, "view")
        from django.urls import reverse

        return [
            {
                "title": _("待签收诉求任务"),
                "value": tasks.filter(status="assigned").count(),
                "link": reverse("admin:appeals_appealtask_changelist") + "?status__exact=assigned",
            },
            {
                "title": _("逾期诉求任务"),
                "value": overdue_tasks(tasks).count(),
                "link": reverse("appeals:stats"),
            },
        ]

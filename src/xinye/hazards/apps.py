from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "xinye.hazards"
    pillar = "role"
    verbose_name = _("作用发挥 · 随手拍")

    def dashboard_cards(self, request):
        from django.urls import reverse

        from xinye.accounts.permissions import has_action, restrict
        from xinye.hazards.choices import HazardStatus
        from xinye.hazards.models import HazardReport

        if not has_action(request.user, "view", HazardReport):
            return []
        count = restrict(HazardReport.objects.filter(status=HazardStatus.OPEN), request.user, "view").count()
        link = reverse("admin:hazards_hazardreport_changelist") + "?status__exact=open"
        return [{"title": _("待处理随手拍"), "value": count, "link": link}]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "xinye.orglife"
    pillar = "build"
    verbose_name = _("怎么建 · 组织生活")
    nav_links = [(_("组织运转情况"), "monitor_heart", "orglife:health", "orglife.meeting")]

    def dashboard_cards(self, request):
        """Console home: organisations in scope not running normally this quarter."""
        from django.urls import reverse

        from xinye.accounts.permissions import has_action, restrict
        from xinye.ledger.models import PartyOrganisation
        from xinye.orglife import services
        from xinye.orglife.models import Meeting

        if not has_action(request.user, "view", Meeting):
            return []
        results = services.assess_all(restrict(PartyOrganisation.objects.all(), request.user))
        bad = [h for h in results if not h.normal]
        return [
            {
                "title": _("未正常运转的党组织"),
                "value": len(bad),
                "note": _("本季度，范围内党组织 %(count)s 个（组建一个、正常运转一个）")
                % {"count": len(results)},
                "link": reverse("orglife:health"),
            }
        ]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "xinye.orglife"
    pillar = "build"
    verbose_name = _("怎么建 · 组织生活")
    nav_links = [(_("组织运转情况"), "monitor_heart", "orglife:health", "orglife.meeting")]
    tick = "xinye.orglife.services.tick"  # xinye tick (core.ticks): the stored health, recomputed daily

    def ready(self):
        from xinye.orglife import signals

        signals.connect()

    def dashboard_cards(self, request):
        """Console home: organisations in scope not running normally this quarter, counted over the stored
        results (OrgHealth) in one aggregate query; outdated rows in scope are recomputed first."""
        from django.urls import reverse
        from django.utils import timezone

        from xinye.accounts.permissions import has_action, restrict
        from xinye.ledger.models import PartyOrganisation
        from xinye.orglife import services
        from xinye.orglife.models import Meeting

        if not has_action(request.user, "view", Meeting):
            return []
        counts = services.stored_counts(restrict(PartyOrganisation.objects.all(), request.user))
        note = _("本季度，范围内党组织 %(count)s 个（组建一个、正常运转一个）") % {"count": counts["total"]}
        if counts["computed_at"] is not None:
            when = timezone.localtime(counts["computed_at"])
            note = _("%(note)s；截至 %(time)s 计算") % {"note": note, "time": f"{when:%Y-%m-%d %H:%M}"}
        return [
            {
                "title": _("未正常运转的党组织"),
                "value": counts["bad"],
                "note": note,
                "link": reverse("orglife:health"),
            }
        ]

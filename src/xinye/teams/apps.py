"""The three teams (三支队伍): secretaries, committee members and party workers with their history,
双向进入、交叉任职, reserve candidates, training, incentives and assessments, 党员先锋岗 (issue 14)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "xinye.teams"
    pillar = "people"
    verbose_name = _("队伍建设 · 三支队伍")
    tick = "xinye.teams.services.tick"  # xinye tick (core.ticks): 书记任期届满 reminders, once per term
    nav_links = [(_("队伍统计与预警"), "monitoring", "teams:overview", "teams.partyworker")]

    def dashboard_cards(self, request):
        """Console home: organisations in scope without a 书记, terms ending within 90 days, 交叉任职率."""
        from django.urls import reverse

        from xinye.accounts.permissions import has_action
        from xinye.teams import services
        from xinye.teams.models import PartyWorker

        if not has_action(request.user, "view", PartyWorker):
            return []
        s = services.alerts(request.user)
        return [
            {
                "title": _("三支队伍预警"),
                "value": s["organisations_without_secretary"] + s["terms_ending_90d"],
                "note": _(
                    "无书记的党组织 %(none)s 个，书记任期 90 天内届满 %(ending)s 人；交叉任职率 %(rate)s"
                )
                % {
                    "none": s["organisations_without_secretary"],
                    "ending": s["terms_ending_90d"],
                    "rate": f"{s['cross_appointment_rate']:.0%}",
                },
                "link": reverse("teams:overview"),
            }
        ]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "xinye.stations"
    pillar = "support"
    verbose_name = _("如何保障 · 服务站")
    nav_links = [(_("签到统计"), "bar_chart", "stations:checkins", "stations.station")]

    def dashboard_cards(self, request):
        """Open stations in scope and today's check-ins at them."""
        from django.urls import reverse
        from django.utils import timezone

        from xinye.accounts.permissions import has_action, restrict
        from xinye.stations.choices import StationStatus
        from xinye.stations.models import Station, StationCheckIn

        if not has_action(request.user, "view", Station):
            return []
        stations = restrict(Station.objects.all(), request.user, "view")
        open_count = stations.filter(status=StationStatus.OPEN).count()
        today = StationCheckIn.objects.filter(station__in=stations, day=timezone.localdate()).count()
        return [
            {
                "title": _("开放的服务站"),
                "value": open_count,
                "link": reverse("admin:stations_station_changelist") + "?status__exact=open",
            },
            {"title": _("今日服务站签到"), "value": today, "link": reverse("stations:checkins")},
        ]

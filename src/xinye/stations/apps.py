from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "xinye.stations"
    pillar = "support"
    verbose_name = "如何保障 · 服务站"
    nav_links = [("签到统计", "bar_chart", "stations:checkins", "stations.station")]

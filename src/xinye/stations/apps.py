from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "xinye.stations"
    pillar = "support"
    verbose_name = "如何保障 · 服务站"

from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "xinye.appeals"
    pillar = "support"
    verbose_name = "如何保障 · 诉求办理"

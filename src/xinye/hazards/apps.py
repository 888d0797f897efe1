from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "xinye.hazards"
    pillar = "role"
    verbose_name = "作用发挥 · 随手拍"

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "xinye.portal"
    pillar = "role"
    verbose_name = "作用发挥 · 从业人员"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "xinye.care"
    pillar = "support"
    verbose_name = _("如何保障 · 暖心服务")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "xinye.funds"
    pillar = "support"
    verbose_name = _("如何保障 · 党建经费")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "xinye.grading"
    pillar = "institutions"
    verbose_name = _("制度落实 · 空白点→实心点→闪光点")

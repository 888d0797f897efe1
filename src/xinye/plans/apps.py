from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "xinye.plans"
    pillar = "institutions"
    verbose_name = _("制度落实 · 工作方案与督办")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulebookConfig(AppConfig):
    name = "xinye.rulebook"
    pillar = "institutions"
    verbose_name = _("制度落实 · 规则手册")

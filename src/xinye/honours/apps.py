from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "xinye.honours"
    pillar = "people"
    tick = "xinye.honours.services.tick"
    verbose_name = _("队伍建设 · 最美评选与先进典型")

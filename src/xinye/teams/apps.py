from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "xinye.teams"
    pillar = "people"
    verbose_name = _("队伍建设 · 三支队伍")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "xinye.volunteers"
    pillar = "role"
    verbose_name = _("作用发挥 · 志愿服务")
    nav_links = [(_("志愿服务统计"), "bar_chart", "volunteers:totals", "volunteers.volunteerprofile")]

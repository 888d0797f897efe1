"""The grading of enterprises and party organisations (空白点 → 实心点 → 闪光点) by a readable rule
table, each grade explained, with its history (issue 16, item 4)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "xinye.grading"
    pillar = "institutions"
    verbose_name = _("制度落实 · 空白点→实心点→闪光点")
    nav_links = [(_("等次总览"), "insights", "grading:overview", "grading.graderule")]
    tick = "xinye.grading.services.tick"  # xinye tick: daily standings and this month's grades

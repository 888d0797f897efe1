from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "xinye.support"
    pillar = "support"
    verbose_name = _("如何保障 · 精准服务企业")
    nav_links = [(_("精准服务企业统计"), "monitoring", "support:stats", "support.enterpriseneed")]
    tick = "xinye.support.services.tick"  # xinye tick (core.ticks): 催办 and 督办 of enterprise needs' tasks

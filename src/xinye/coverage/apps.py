from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "xinye.coverage"
    pillar = "build"
    verbose_name = _("怎么建 · 组织覆盖")
    nav_links = [
        (_("覆盖统计"), "monitoring", "coverage:dashboard", "coverage.coveragecell"),
        (_("覆盖企业清单"), "domain", "coverage:enterprises", "coverage.coveragecell"),
        (_("联合组建建议"), "hub", "coverage:proposals", "coverage.coveragecell"),
    ]

    def ready(self):
        from xinye.coverage import signals

        signals.connect()

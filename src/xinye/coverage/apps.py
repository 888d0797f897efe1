from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "xinye.coverage"
    pillar = "build"
    verbose_name = "怎么建 · 组织覆盖"
    nav_links = [
        ("覆盖统计", "monitoring", "coverage:dashboard", "coverage.coveragecell"),
        ("覆盖企业清单", "domain", "coverage:enterprises", "coverage.coveragecell"),
        ("联合组建建议", "hub", "coverage:proposals", "coverage.coveragecell"),
    ]

    def ready(self):
        from xinye.coverage import signals

        signals.connect()

    def dashboard_cards(self, request):
        """Cards for the console home: the caller's coverage rates and what to do next, each linking to the list."""
        from xinye.coverage.views import dashboard_cards

        return dashboard_cards(request)

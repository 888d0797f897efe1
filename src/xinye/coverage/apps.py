from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "xinye.coverage"
    pillar = "build"
    verbose_name = "怎么建 · 组织覆盖"

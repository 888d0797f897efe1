from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "xinye.guidance"
    pillar = "build"
    verbose_name = "怎么建 · 指导员与联络员"

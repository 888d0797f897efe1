from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "xinye.orglife"
    pillar = "build"
    verbose_name = "怎么建 · 组织生活"

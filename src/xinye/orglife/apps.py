from django.apps import AppConfig


class OrglifeConfig(AppConfig):
    name = "xinye.orglife"
    pillar = "build"
    verbose_name = "怎么建 · 组织生活"
    nav_links = [("组织运转情况", "monitor_heart", "orglife:health", "orglife.meeting")]

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "xinye.members"
    pillar = "people"
    verbose_name = "力量弱 · 党员队伍"

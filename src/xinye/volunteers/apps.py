from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "xinye.volunteers"
    pillar = "role"
    verbose_name = "作用发挥 · 志愿服务"
    nav_links = [("志愿服务统计", "bar_chart", "volunteers:totals", "volunteers.volunteerprofile")]

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "xinye.core"
    verbose_name = "基础"

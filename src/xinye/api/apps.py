from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "xinye.api"
    verbose_name = "API"

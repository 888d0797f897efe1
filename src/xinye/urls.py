import importlib
import pkgutil

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from xinye.api.api import api
from xinye.console import views as console_views


def _app_pages():
    """Apps with pages of their own contribute `xinye.<app>.urls` and `urls_<part>` modules, each mounted at
    its `url_prefix` (default `admin/<app>/`, i.e. console pages, which must come before the admin's own)."""
    patterns = []
    for config in apps.get_app_configs():
        if not config.name.startswith("xinye."):
            continue
        names = sorted(
            info.name
            for info in pkgutil.iter_modules(config.module.__path__)
            if info.name == "urls" or info.name.startswith("urls_")
        )
        for name in names:
            module = importlib.import_module(f"{config.name}.{name}")
            patterns.append(path(getattr(module, "url_prefix", f"admin/{config.label}/"), include(module)))
    return patterns


handler500 = "xinye.console.views.server_error"  # a database outage answers 503 (core/outage.py)

urlpatterns = [
    path("", console_views.home, name="home"),
    path("healthz", console_views.healthz, name="healthz"),
    path("readyz", console_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # before the pages, which have none under api/: an API request is not tried against each app's pages first
    path("api/v1/", api.urls),
    *_app_pages(),
    path("admin/", admin.site.urls),
    # Uploads are checked against their record's scope, in every environment (console.views.media).
    path("media/<path:path>", console_views.media, name="media"),
]

import importlib
import pkgutil

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from xinye.api.api import api
from xinye.core import views as core_views


def _app_pages():
    """Apps with pages of their own contribute `xinye.<app>.urls`, mounted at its `url_prefix`
    (default `admin/<app>/`, i.e. console pages)."""
    patterns = []
    for app in (
        "orgs",
        "ledger",
        "coverage",
        "stations",
        "portal",
        "appeals",
        "hazards",
        "volunteers",
        "orglife",
        "members",
        "guidance",
        "audit",
    ):
        try:
            module = importlib.import_module(f"xinye.{app}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"xinye.{app}.urls":
                raise
            continue
        patterns.append(path(getattr(module, "url_prefix", f"admin/{app}/"), include(module)))
    # `urls_<part>.py` modules are mounted the same way (helper_common.md), each at its own url_prefix.
    for config in apps.get_app_configs():
        if config.name.startswith("xinye."):
            for info in sorted(pkgutil.iter_modules(config.module.__path__), key=lambda m: m.name):
                if info.name.startswith("urls_"):
                    module = importlib.import_module(f"{config.name}.{info.name}")
                    prefix = getattr(module, "url_prefix", f"admin/{config.label}/")
                    patterns.append(path(prefix, include(module)))
    return patterns


urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    *_app_pages(),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

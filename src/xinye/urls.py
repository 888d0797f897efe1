import importlib

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

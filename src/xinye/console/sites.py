"""The console's admin site: Django's, with the apps on the home page in the order of the sidebar — the
article's six pillars, then system and audit (issue 17: it was alphabetical, which read backwards)."""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin import sites
from django.contrib.admin.apps import AdminConfig
from unfold.sites import UnfoldAdminSite


class XinyeAdminSite(UnfoldAdminSite):
    def get_app_list(self, request, app_label=None):
        from xinye.console.navigation import PILLARS

        order = {code: i for i, (code, _title) in enumerate(PILLARS)}
        app_list = super().get_app_list(request, app_label)

        def key(app):
            try:
                pillar = getattr(apps.get_app_config(app["app_label"]), "pillar", None)
            except LookupError:
                pillar = None
            return (order.get(pillar, len(order)), str(app["name"]))

        return sorted(app_list, key=key)


class XinyeAdminConfig(AdminConfig):
    """django.contrib.admin with the console's site, in INSTALLED_APPS in place of "django.contrib.admin".
    unfold's app (listed before it) puts its own site in place when ready; this one takes that place before
    the apps' admin modules register their ModelAdmins (autodiscover, in AdminConfig.ready)."""

    def ready(self):
        admin.site = sites.site = XinyeAdminSite()
        super().ready()

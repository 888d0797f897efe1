"""The console's admin site: Django's, with the apps on the home page in the order of the sidebar — the
article's six pillars, then system and audit (issue 17: it was alphabetical, which read backwards)."""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin import sites
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.urls import path
from unfold.sites import UnfoldAdminSite

from xinye.console.search import PrivateSearchMixin, search_view


class PrivateAutocompleteJsonView(AutocompleteJsonView):
    def post(self, request, *args, **kwargs):
        request.GET = request.POST  # the same parameters: term, page, app_label, model_name, field_name
        return self.get(request, *args, **kwargs)


class XinyeAdminSite(UnfoldAdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        # Every list's search keeps its term out of the URL (console.search), the third-party admins' too
        # (groups, lockouts, authenticators, jobs): their ModelAdmin gets the mixin here.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, PrivateSearchMixin):
            admin_class = type(
                admin_class.__name__,
                (PrivateSearchMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        return super().register(model_or_iterable, admin_class, **options)

    def autocomplete_view(self, request):
        """The pickers' search (`/admin/autocomplete/`) also answers a POST with the same parameters in the
        body (console/static/console/private-ajax.js sends it so): the typed name stays out of the URL."""
        return PrivateAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        return [path("search/", self.admin_view(search_view), name="list_search"), *super().get_urls()]

    def get_app_list(self, request, app_label=None):
        # Built once per request: the home page asks for it twice (its app list, and each_context's
        # available_apps), and each build asks every registered ModelAdmin for its permissions.
        kept = request.__dict__.setdefault("_xinye_app_lists", {})
        if app_label not in kept:
            kept[app_label] = self._ordered_app_list(request, app_label)
        return kept[app_label]

    def _ordered_app_list(self, request, app_label):
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

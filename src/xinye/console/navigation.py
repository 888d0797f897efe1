"""The console's sidebar, grouped by the article's six pillars, built from what each user may see.

An app says where it belongs with `pillar` on its AppConfig; extra pages (dashboards, the matrix)
with `nav_links = [(title, icon, url_name, requires)]`. Nothing here needs editing when an app is added.

`requires` states what the page itself checks, so that the sidebar shows only what the user can open:
"app.model" (view on that type), "action:app.model", a tuple of those (all must hold) or a list of
those (any one suffices). tests/console/test_sidebar.py opens every link as every demo role.
"""

import importlib
import importlib.util

from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import has_action, object_type
from xinye.reports import dashboard

PILLARS = [
    ("who", _("一、谁负责")),
    ("build", _("二、怎么建")),
    ("role", _("三、作用发挥")),
    ("support", _("四、如何保障")),
    ("people", _("五、队伍建设")),  # the seed's 力量弱: named by what the group holds (issue 17)
    ("institutions", _("六、制度落实")),  # the seed's 提质增效
    ("system", _("系统与审计")),
]


def _admins_by_app() -> dict:
    """The registered ModelAdmins of each app config, in registration order (one pass over the registry
    per page instead of one per app and pillar)."""
    grouped: dict = {}
    for model, model_admin in admin.site._registry.items():
        grouped.setdefault(model._meta.app_config, []).append((model, model_admin))
    return grouped


def _items_for(request, pillar: str, admins_by_app: dict) -> list[dict]:
    user = request.user
    items = []
    for config in apps.get_app_configs():
        if getattr(config, "pillar", None) != pillar:
            continue
        for title, icon, url_name, requires in getattr(config, "nav_links", []):
            if requires and not may_open(user, requires):
                continue
            try:
                items.append({"title": title, "icon": icon, "link": reverse(url_name)})
            except NoReverseMatch:
                continue
        for model, model_admin in admins_by_app.get(config, ()):
            if getattr(model_admin, "hide_in_nav", False):
                continue
            if not has_action(user, "view", object_type(model)) and not model_admin.has_module_permission(
                request
            ):
                continue
            items.append(
                {
                    "title": model._meta.verbose_name_plural,
                    "icon": getattr(model_admin, "nav_icon", "list"),
                    "link": reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
                }
            )
    return items


def may_open(user, requires) -> bool:
    """Whether `user` holds what a page `requires` (see the module's docstring for the forms)."""
    if isinstance(requires, list):
        return any(may_open(user, r) for r in requires)
    if isinstance(requires, tuple):
        return all(may_open(user, r) for r in requires)
    action, _sep, otype = requires.rpartition(":")
    return has_action(user, action or "view", otype)


def _views_cards(config):
    if not config.name.startswith("xinye.") or importlib.util.find_spec(f"{config.name}.views") is None:
        return None
    return getattr(importlib.import_module(f"{config.name}.views"), "dashboard_cards", None)


def sidebar(request) -> list[dict]:
    groups = [
        {
            "title": _("首页"),
            "items": [{"title": _("工作台"), "icon": "dashboard", "link": reverse("admin:index")}],
        }
    ]
    admins_by_app = _admins_by_app()
    for code, title in PILLARS:
        items = _items_for(request, code, admins_by_app)
        if items:
            groups.append({"title": title, "collapsible": True, "separator": True, "items": items})
    return groups


# Where each headline figure of the 工作台 leads: (url name, query string, what the list requires).
HEADLINE_LINKS = {
    "enterprises": ("admin:ledger_enterprise_changelist", "", "ledger.enterprise"),
    "practitioners": ("admin:ledger_practitioner_changelist", "", "ledger.practitioner"),
    "party_members": ("admin:ledger_partymember_changelist", "", "ledger.partymember"),
    "organisations": ("admin:ledger_partyorganisation_changelist", "", "ledger.partyorganisation"),
    "agents": ("admin:orgs_agent_changelist", "?is_active__exact=1", "orgs.agent"),
    "coverage": ("coverage:dashboard", "", "coverage.coveragecell"),
}


def headline_with_links(request) -> list[dict]:
    """The 工作台's headline figures (`reports.dashboard.headline`), each linked to the list it counts when
    the user may open that list."""
    figures = dashboard.headline(request.user)
    for figure in figures:
        url_name, query, requires = HEADLINE_LINKS.get(figure["key"], (None, "", None))
        if url_name and may_open(request.user, requires):
            try:
                figure["link"] = reverse(url_name) + query
            except NoReverseMatch:
                pass
    return figures


def dashboard_callback(request, context):
    """The console home (工作台): the headline figures of the user's scope first, then the charts (trends and
    the county or industry comparison, `reports.dashboard`), then the worklist — the cards each app
    contributes through `dashboard_cards(request)`, on its AppConfig or — when the cards are built by its
    pages — in its `views` module (a face, which the AppConfig, a floor below, does not import)."""
    cards = []
    for config in apps.get_app_configs():
        provider = getattr(config, "dashboard_cards", None) or _views_cards(config)
        if provider is not None:
            cards.extend(provider(request))
    context["xinye_headline"] = headline_with_links(request)
    context["xinye_charts"] = {k: v for k, v in dashboard.charts(request.user).items() if v}
    context["xinye_cards"] = cards
    context["xinye_screen"] = has_action(request.user, "view", "reports.dailysnapshot")
    return context

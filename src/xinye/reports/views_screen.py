"""The wall screen (大屏): 1920×1080, large type, refreshed every 60 s by a small static script that fetches
the JSON twin of the page; no personal data at all (`reports.dashboard` names no person).

Who may open it: a signed-in staff member who may read the statistics (view on the daily snapshots), with
their own scope; or anyone holding a live display link (`DisplayLink`, made and revoked in the console),
with the link's unit's scope. An unknown or revoked link is a 404, like anything else that is not there.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from xinye.accounts.permissions import has_action
from xinye.reports import dashboard, services
from xinye.reports.context import resolve_scope, scope_viewer
from xinye.reports.models import DailySnapshot

# What a display link's stand-in viewer may read: the figures the screen shows, nothing else.
SCREEN_PATTERNS = {
    "coverage.*": ["view"],
    "orgs.*": ["view"],
    "stations.station": ["view"],
    "stations.stationcheckin": ["view"],
    "appeals.appeal": ["view"],
    "reports.dailysnapshot": ["view"],
}
REFRESH_SECONDS = 60


def _staff_viewer(request):
    if not request.user.is_authenticated:
        return None
    if not has_action(request.user, "view", DailySnapshot):
        raise Http404("对象不存在或不在您的管辖范围内")
    return request.user


def _link_viewer(key: str):
    link = services.display_link(key)
    if link is None:
        raise Http404("大屏链接不存在或已被吊销")
    name = "全市" if link.unit.parent_id is None else link.unit.name
    return scope_viewer(link.unit, SCREEN_PATTERNS), name


def _scope_name(user) -> str:
    return resolve_scope(user).name


def _data(viewer, county_map: dict | None = None) -> dict:
    county_map = county_map or dashboard.county_map(viewer)
    return {
        "headline": dashboard.headline(viewer),
        "charts": dashboard.charts(viewer),
        "activity": dashboard.activity(viewer),
        "map": {
            s["code"]: {"fill": s["fill"], "rate": s["rate"], "stations": s["stations"]}
            for s in county_map["shapes"]
        },
        "updated": f"{timezone.localtime():%Y-%m-%d %H:%M}",
    }


def _page(request, viewer, scope_name: str, data_url: str):
    county_map = dashboard.county_map(viewer)
    context = {
        "scope_name": scope_name,
        "data": _data(viewer, county_map),
        "county_map": county_map,
        "data_url": data_url,
        "refresh_seconds": REFRESH_SECONDS,
    }
    response = TemplateResponse(request, "reports/screen.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def screen(request):
    viewer = _staff_viewer(request)
    if viewer is None:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    return _page(request, viewer, _scope_name(viewer), reverse("screen:staff_data"))


@never_cache
def screen_data(request):
    viewer = _staff_viewer(request)
    if viewer is None:
        raise Http404("请先登录")
    return JsonResponse(_data(viewer), json_dumps_params={"ensure_ascii": False})


@never_cache
def screen_by_link(request, key: str):
    viewer, name = _link_viewer(key)
    return _page(request, viewer, name, reverse("screen:link_data", args=[key]))


@never_cache
def screen_by_link_data(request, key: str):
    viewer, _name = _link_viewer(key)
    return JsonResponse(_data(viewer), json_dumps_params={"ensure_ascii": False})

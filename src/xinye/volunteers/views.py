"""Console page: volunteers and hours by county and by industry, within the user's scope."""

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.volunteers import services
from xinye.volunteers.models import VolunteerProfile


@statistics_export(VolunteerProfile)
def totals(request):
    if not has_action(request.user, "view", VolunteerProfile):
        raise Http404
    profiles = restrict(VolunteerProfile.objects.filter(is_active=True), request.user, "view")
    context = {
        **admin.site.each_context(request),
        "title": _("志愿服务统计"),
        "by_region": services.totals(profiles, "region"),
        "by_industry": services.totals(profiles, "industry"),
    }
    return TemplateResponse(request, "volunteers/totals.html", context)

"""Console page of the three teams: the alerts (organisations without a 书记, terms ending within 90 days)
and the figures of the viewer's scope, by county or by industry (交叉任职率, 专兼比, age and education
structure, training completion)."""

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.core.choices import Industry
from xinye.teams import services
from xinye.teams.models import PartyWorker


@statistics_export(PartyWorker)
def overview(request):
    if not has_action(request.user, "view", PartyWorker):
        raise Http404
    by = request.GET.get("by", "county")
    by = by if by in ("county", "industry") else "county"
    orgs = services.scoped_organisations(request.user)
    total = services.stats(request.user)
    rows = services.structure(request.user, by)
    without = (
        services.organisations_without_secretary(orgs).select_related("unit", "region").order_by("unit__path")
    )
    ending = services.terms_ending(
        restrict(PartyWorker.objects.all(), request.user, "view"), overdue=True
    ).select_related("organisation__unit", "region")
    bands = sorted({k for r in rows for k in r.ages})
    educations = sorted({k for r in rows for k in r.educations})
    for r in rows:
        r.age_cells = [r.ages.get(k, 0) for k in bands]
        r.education_cells = [r.educations.get(k, 0) for k in educations]
    context = {
        **admin.site.each_context(request),
        "title": _("三支队伍：统计与预警"),
        "total": total,
        "rows": rows,
        "by": by,
        "bands": bands,
        "educations": educations,
        "without": without,
        "ending": ending,
        "today": services.today(),
        "industries": dict(Industry.choices),
    }
    return TemplateResponse(request, "teams/overview.html", context)

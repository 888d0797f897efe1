"""Console page 等次总览: the counts in view, per county and industry, the move over the months, the 闪光点."""

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action
from xinye.console.exports import statistics_export
from xinye.core.choices import Industry
from xinye.grading import services
from xinye.grading.models import GradeRule
from xinye.orgs.models import Region


@statistics_export(GradeRule)
def overview(request):
    if not has_action(request.user, "view", GradeRule):
        raise Http404
    regions = dict(Region.objects.values_list("code", "name"))
    industries = dict(Industry.choices)
    by_county = services.count_rows(request.user, "county")
    for row in by_county:
        row["label"] = regions.get(row["key"], row["key"])
    by_industry = services.count_rows(request.user, "industry")
    for row in by_industry:
        row["label"] = industries.get(row["key"], row["key"] or "—")
    context = {
        **admin.site.each_context(request),
        "title": _("空白点→实心点→闪光点 等次总览"),
        "totals": services.counts(request.user),
        "by_county": by_county,
        "by_industry": by_industry,
        "history": services.history(request.user, 24),
        "shining": services.shining(request.user),
        "rules": GradeRule.objects.all(),
    }
    return TemplateResponse(request, "grading/overview.html", context)

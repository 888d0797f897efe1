"""Console pages: organisations not running normally ("组建一个、正常运转一个"), and one organisation's health."""

from collections import Counter

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import statistics_export
from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.orglife import services
from xinye.orglife.health import parse_period
from xinye.orglife.models import Meeting


def _organisations(request):
    from xinye.ledger.models import PartyOrganisation

    return restrict(PartyOrganisation.objects.all(), request.user, "view")


def _period_title(period) -> str:
    """The period's heading in the active language (health.HealthPeriod.title is the Chinese one)."""
    if period.kind == "quarter":
        quarter = (period.start.month - 1) // 3 + 1
        return _("%(year)s 年第 %(quarter)s 季度") % {"year": period.start.year, "quarter": quarter}
    return _("%(year)s 年度") % {"year": period.start.year}


def _period(request):
    try:
        return parse_period(request.GET.get("period"), services.today())
    except Refused as exc:
        raise Http404("；".join(exc.messages)) from None


@statistics_export(Meeting)
def health_list(request):
    if not has_action(request.user, "view", Meeting):
        raise Http404
    from xinye.orgs.models import Region

    period = _period(request)
    orgs = _organisations(request)
    region = request.GET.get("region", "")
    industry = request.GET.get("industry", "")
    if region:
        orgs = orgs.filter(region_id=region)
    if industry:
        orgs = orgs.filter(industry=industry)
    results = services.assess_all(orgs, period)
    show_all = request.GET.get("all") == "1"
    regions = {r.code: r.name for r in Region.objects.all()}
    industry_names = {k: str(v) for k, v in Industry.choices}
    for h in results:
        h.county_name = regions.get(h.county, h.county)
        h.industry_name = industry_names.get(h.industry, "—")
    bad = [h for h in results if not h.normal]
    by_county = Counter(regions.get(h.county, h.county) for h in bad)
    by_industry = Counter(str(dict(Industry.choices).get(h.industry, h.industry or "—")) for h in bad)
    context = {
        **admin.site.each_context(request),
        "title": _("组织运转情况（%(period)s）") % {"period": _period_title(period)},
        "period": period,
        "results": results if show_all else bad,
        "total": len(results),
        "bad_count": len(bad),
        "by_county": sorted(by_county.items()),
        "by_industry": sorted(by_industry.items()),
        "regions": regions,
        "region": region,
        "industry": industry,
        "industries": Industry.choices,
        "counties": sorted(
            {(o.region_id, regions.get(o.region_id, o.region_id)) for o in _organisations(request)}
        ),
        "show_all": show_all,
    }
    return TemplateResponse(request, "orglife/health_list.html", context)


@statistics_export(Meeting)
def health_detail(request, unit_id: int):
    if not has_action(request.user, "view", Meeting):
        raise Http404
    orgs = _organisations(request).filter(unit_id=unit_id)
    if not orgs.exists():
        raise Http404
    period = _period(request)
    (result,) = services.assess_all(orgs, period)
    meetings = restrict(Meeting.objects.filter(unit_id=unit_id), request.user).filter(
        date__gte=period.start, date__lte=period.end
    )
    context = {
        **admin.site.each_context(request),
        "title": _("%(name)s：运转情况（%(period)s）")
        % {"name": result.name, "period": _period_title(period)},
        "h": result,
        "period": period,
        "meetings": meetings.order_by("date"),
    }
    return TemplateResponse(request, "orglife/health_detail.html", context)

"""Console pages: organisations not running normally ("组建一个、正常运转一个"), and one organisation's health."""

from collections import Counter
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Min, Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.console.exports import paged, statistics_export
from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.orglife import services
from xinye.orglife.health import parse_period
from xinye.orglife.models import Meeting

HEALTH_PAGE = 100  # organisations per page of the health list (this quarter, from the stored results)


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
    show_all = request.GET.get("all") == "1"
    regions = {r.code: r.name for r in Region.objects.all()}
    industry_names = {k: str(v) for k, v in Industry.choices}
    page, computed_at = None, None
    if period.label == services.current_period().label:
        # This quarter: counted, sorted and paged over the stored results (OrgHealth); only the rows shown
        # are assessed live, for what each is missing.
        stored = services.stored_health(orgs)
        bad_rows = stored.filter(normal=False)
        facts = stored.aggregate(
            total=Count("pk"), bad=Count("pk", filter=Q(normal=False)), at=Min("computed_at")
        )
        total, bad_count, computed_at = facts["total"], facts["bad"], facts["at"]
        by_county = Counter(
            {
                regions.get(r["region_id"], r["region_id"]): r["n"]
                for r in bad_rows.values("region_id").annotate(n=Count("pk")).order_by()
            }
        )
        by_industry = Counter()
        for r in bad_rows.values("industry").annotate(n=Count("pk")).order_by():
            by_industry[industry_names.get(r["industry"], r["industry"] or "—")] += r["n"]
        listed = (stored if show_all else bad_rows).order_by("normal", "score", "name", "pk")
        page = paged(request, listed.values_list("organisation_id", flat=True), HEALTH_PAGE)
        ids = list(page.object_list)
        shown = {h.org_id: h for h in services.assess_all(orgs.filter(pk__in=ids), period)}
        unit_of = dict(orgs.filter(pk__in=ids).values_list("pk", "unit_id"))
        results = [shown[unit_of[pk]] for pk in ids if unit_of.get(pk) in shown]
    else:
        results = services.assess_all(orgs, period)
        bad = [h for h in results if not h.normal]
        total, bad_count = len(results), len(bad)
        by_county = Counter(regions.get(h.county, h.county) for h in bad)
        by_industry = Counter(str(dict(Industry.choices).get(h.industry, h.industry or "—")) for h in bad)
        results = results if show_all else bad
    for h in results:
        h.county_name = regions.get(h.county, h.county)
        h.industry_name = industry_names.get(h.industry, "—")
    query = {k: v for k, v in request.GET.items() if k in ("period", "region", "industry", "all") and v}
    context = {
        **admin.site.each_context(request),
        "title": _("组织运转情况（%(period)s）") % {"period": _period_title(period)},
        "period": period,
        "results": results,
        "total": total,
        "bad_count": bad_count,
        "by_county": sorted(by_county.items()),
        "by_industry": sorted(by_industry.items()),
        "regions": regions,
        "region": region,
        "industry": industry,
        "industries": Industry.choices,
        "counties": sorted(
            (code, regions.get(code, code))
            for code in _organisations(request).order_by().values_list("region_id", flat=True).distinct()
        ),
        "show_all": show_all,
        "page": page,
        "page_query": urlencode(query),
        "computed_at": timezone.localtime(computed_at) if computed_at else None,
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

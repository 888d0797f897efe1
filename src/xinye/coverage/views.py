"""Console pages: the coverage dashboard, the enterprises behind each figure, joint-branch proposals."""

from urllib.parse import urlencode

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from xinye.accounts.permissions import has_action
from xinye.console.exports import paged, statistics_export
from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.coverage import engine, services
from xinye.coverage.models import CoverageCell
from xinye.orgs.services import county_regions

DASHBOARD_POOL_MAX = 3000  # enterprises: above this the dashboard asks to choose a county for proposals
# Status labels come from coverage.engine/services as plain Chinese and are translated here, for display; the two
# filter labels that are not CoverageStatus choices are marked for the catalogue.
FILTER_MSGIDS = (gettext_noop("组织覆盖（单独＋联合）"), gettext_noop("已覆盖（单独＋联合＋工作）"))


def _status_label(status: str) -> str:
    return _(services.STATUS_FILTER_LABELS[status])


def _context(request, title):
    return {**admin.site.each_context(request), "title": title}


def _filters(request):
    region = request.GET.get("region") or None
    industry = request.GET.get("industry") or None
    try:
        services.check_filters(region, industry)
    except Refused:
        raise Http404 from None
    return region, industry


def _check(request):
    if not has_action(request.user, "view", CoverageCell):
        raise Http404


def _list_link(**params) -> str:
    params = {k: v for k, v in params.items() if v}
    return reverse("coverage:enterprises") + ("?" + urlencode(params) if params else "")


def _percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _bars(rows, label_key, region, industry, link_key):
    """Rows of the by-county / by-industry table as CSS bar widths (no JavaScript)."""
    top = max((r["enterprises"] for r in rows), default=0) or 1
    out = []
    for r in rows:
        width = 100 * r["enterprises"] / top
        filt = {"region": region, "industry": industry, link_key: r[link_key]}
        segments = []
        for status in engine.STATUSES:
            n = r[status]
            if n:
                segments.append(
                    {
                        "status": status,
                        "label": _status_label(status),
                        "n": n,
                        "width": width * n / r["enterprises"],
                        "link": _list_link(status=status, **filt),
                    }
                )
        out.append(
            {
                **r,
                "label": r[label_key],
                "segments": segments,
                "link": _list_link(**filt),
                "organisation_rate_pct": _percent(r["organisation_rate"]),
                "work_rate_pct": _percent(r["work_rate"]),
                "independent_rate_pct": _percent(r["independent_rate"]),
            }
        )
    return out


@statistics_export(CoverageCell)
def dashboard(request):
    """Overview figures for the user's scope, bars by county and industry, 应建尽建 and joint proposals."""
    _check(request)
    region, industry = _filters(request)
    figures = services.overview(request.user, region, industry)
    cov = figures["coverage"]
    filt = {"region": region, "industry": industry}
    orgs = figures["party_organisations"]
    tiles = [
        {"title": _("新业态企业"), "value": figures["enterprises"], "link": _list_link(**filt)},
        {"title": _("从业人员"), "value": figures["practitioners"], "link": _list_link(**filt)},
        {
            "title": _("党员"),
            "value": figures["party_members"],
            "note": _("正式 %(full)s，预备 %(probationary)s")
            % {"full": figures["party_members_full"], "probationary": figures["party_members_probationary"]},
            "link": _list_link(**filt),
        },
        {
            "title": _("企业党组织"),
            "value": orgs["total"],
            "note": _("党委 %(committees)s，党总支 %(general)s，党支部 %(branches)s（联合 %(joint)s）")
            % {
                "committees": orgs["党委"],
                "general": orgs["党总支"],
                "branches": orgs["党支部"],
                "joint": orgs["联合党支部"],
            },
            "link": _list_link(status="organised", **filt),
        },
        {"title": _("党建指导员"), "value": figures["instructors"], "link": _list_link(**filt)},
        {"title": _("驻企联络员"), "value": figures["liaisons"], "link": _list_link(**filt)},
        {"title": _("行业党委"), "value": figures["industry_committees"], "link": ""},
        {"title": _("行业党建办"), "value": figures["industry_offices"], "link": ""},
    ]
    rates = [
        {
            "title": _("组织覆盖率"),
            "value": _percent(cov["organisation_rate"]),
            "note": _("（单独组建＋联合组建）÷ 企业数"),
            "link": _list_link(status="organised", **filt),
        },
        {
            "title": _("单独组建率"),
            "value": _percent(cov["independent_rate"]),
            "note": _("单独组建 ÷ 企业数"),
            "link": _list_link(status="independent", **filt),
        },
        {
            "title": _("工作覆盖率"),
            "value": _percent(cov["work_rate"]),
            "note": _("（单独＋联合＋工作覆盖）÷ 企业数"),
            "link": _list_link(status="covered", **filt),
        },
    ]
    statuses = [
        {"status": s, "label": _status_label(s), "value": cov[s], "link": _list_link(status=s, **filt)}
        for s in engine.STATUSES
    ]
    must_form = list(
        services.enterprise_rows(request.user, region=region, industry=industry, must_form=True)[:20]
    )
    must_form_rows = [
        {"enterprise": e, "reason": services.must_form_reason(e.coverage)}
        for e in sorted(must_form, key=lambda e: -e.coverage.members_full)
    ]
    # Proposals are computed on demand; over a whole province's pool, ask for a county first.
    pool = services.proposal_pool(request.user, region, industry).count()
    if pool <= DASHBOARD_POOL_MAX:
        groups, unmatched = services.proposals_for(request.user, region, industry)
    else:
        groups, unmatched = None, []
    context = _context(request, _("组织覆盖统计"))
    context.update(
        {
            "tiles": tiles,
            "rates": rates,
            "statuses": statuses,
            "must_form": must_form_rows,
            "must_form_total": figures["must_form"],
            "must_form_link": _list_link(must_form="1", **filt),
            "proposals": (groups or [])[:10],
            "proposal_total": len(groups) if groups is not None else None,
            "proposal_pool": pool,
            "unmatched_total": len(unmatched),
            "by_county": _bars(
                services.coverage_rows(request.user, "county", region, industry),
                "region_name",
                region,
                industry,
                "region",
            ),
            "by_industry": _bars(
                services.coverage_rows(request.user, "industry", region, industry),
                "industry_label",
                region,
                industry,
                "industry",
            ),
            "regions": county_regions(request.user),
            "industries": Industry.choices,
            "region": region or "",
            "industry": industry or "",
            "status_labels": engine.STATUS_LABELS,
        }
    )
    return TemplateResponse(request, "coverage/dashboard.html", context)


@statistics_export(CoverageCell)
def enterprises(request):
    """The enterprises behind a figure, filtered by status, county, industry or 应建尽建."""
    _check(request)
    region, industry = _filters(request)
    status = request.GET.get("status") or None
    if status and status not in services.STATUS_FILTERS:
        raise Http404
    must_form = request.GET.get("must_form") == "1"
    qs = services.enterprise_rows(
        request.user, status=status, region=region, industry=industry, must_form=must_form
    )
    page = paged(request, qs, 50)
    heading = " · ".join(
        x
        for x in (
            str(dict(Industry.choices).get(industry, "")) if industry else "",
            _status_label(status) if status else "",
            _("应建尽建") if must_form else "",
        )
        if x
    )
    query = {k: v for k, v in {"status": status, "region": region, "industry": industry}.items() if v}
    if must_form:
        query["must_form"] = "1"
    title = _("覆盖企业清单（%(heading)s）") % {"heading": heading} if heading else _("覆盖企业清单")
    context = _context(request, title)
    context.update(
        {
            "page": page,
            "rows": [
                {
                    "e": e,
                    "label": _status_label(e.coverage.status),
                    "reason": services.must_form_reason(e.coverage),
                }
                for e in page.object_list
            ],
            "total": page.paginator.count,
            "must_form": must_form,
            "query": urlencode(query),
            "regions": county_regions(request.user),
            "industries": Industry.choices,
            "statuses": [(code, _status_label(code)) for code in services.STATUS_FILTER_LABELS],
            "region": region or "",
            "industry": industry or "",
            "status": status or "",
        }
    )
    return TemplateResponse(request, "coverage/enterprises.html", context)


@statistics_export(CoverageCell)
def proposals(request):
    """Every joint-branch proposal with its explanation, and the enterprises that could not be grouped."""
    _check(request)
    region, industry = _filters(request)
    groups, unmatched = services.proposals_for(request.user, region, industry)
    context = _context(request, _("联合组建建议"))
    context.update(
        {
            "groups": groups,
            "unmatched": unmatched,
            "regions": county_regions(request.user),
            "industries": Industry.choices,
            "region": region or "",
            "industry": industry or "",
        }
    )
    return TemplateResponse(request, "coverage/proposals.html", context)


def dashboard_cards(request) -> list[dict]:
    """Console home cards {title, value, link}: the caller's coverage and what needs doing."""
    if not has_action(request.user, "view", CoverageCell):
        return []
    figures = services.overview(request.user)
    cov = figures["coverage"]
    home = reverse("coverage:dashboard")
    return [
        {"title": _("工作覆盖率"), "value": _percent(cov["work_rate"]), "link": home},
        {"title": _("组织覆盖率"), "value": _percent(cov["organisation_rate"]), "link": home},
        {"title": _("应建尽建企业"), "value": figures["must_form"], "link": _list_link(must_form="1")},
        {"title": _("空白企业"), "value": cov["blank"], "link": _list_link(status="blank")},
    ]

"""Console pages: the organisation tree (both lines) and the responsibility matrix."""

from collections import defaultdict

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.core.choices import Industry
from xinye.orgs.choices import ResponsibilityRole, UnitKind
from xinye.orgs.models import OrgUnit
from xinye.orgs.services import gaps, holders_by_object, required_roles, responsible_types


def _context(request, title):
    return {**admin.site.each_context(request), "title": title}


def _region_filter(request):
    """The county (a region code the user may see, else none) and the industry chosen on the page."""
    from xinye.orgs.services import county_regions

    counties = list(county_regions(request.user))
    county = request.GET.get("county", "")
    county = county if county in {c.code for c in counties} else ""
    industry = request.GET.get("industry", "")
    industry = industry if industry in Industry.values else ""
    return counties, county, industry


def _in_county(region_id: str | None, county: str) -> bool:
    return bool(region_id) and region_id.startswith(county)


def tree(request):
    """The organisation tree the user may see, with each office's second line (its 行业党委): collapsible
    (the first two levels open), searchable by name, filtered by county and industry (a match keeps its
    ancestors, so the line up to the root shows), each unit with the number of units under it; xlsx export."""
    if not has_action(request.user, "view", OrgUnit):
        raise Http404
    units = list(
        restrict(OrgUnit.objects.all(), request.user, "view")
        .select_related("answers_to", "region", "parent")
        .order_by("path")
    )
    counties, county, industry = _region_filter(request)
    q = request.GET.get("q", "").strip()[:64]
    filtering = bool(county or industry or q)
    if filtering:
        matched = [
            u
            for u in units
            if (not county or _in_county(u.region_id, county))
            and (not industry or u.industry == industry)
            and (not q or q in u.name)
        ]
        keep = set()
        for u in matched:
            keep.update(int(p) for p in u.path.strip("/").split("/") if p)  # itself and its ancestors
        shown = [u for u in units if u.pk in keep]
        hits = {u.pk for u in matched}
    else:
        shown, hits = units, set()
    visible = {u.pk for u in shown}
    children = defaultdict(list)
    roots = []
    for unit in shown:
        (children[unit.parent_id] if unit.parent_id in visible else roots).append(unit)
    guided = defaultdict(list)
    for unit in shown:
        if unit.answers_to_id:
            guided[unit.answers_to_id].append(unit)

    def node(unit, depth):
        kids = [node(c, depth + 1) for c in children[unit.pk]]
        return {
            "unit": unit,
            "children": kids,
            "guided": guided.get(unit.pk, []),
            "under": sum(1 + k["under"] for k in kids),
            "open": filtering or depth < 2,
            "hit": unit.pk in hits,
        }

    nodes = [node(r, 0) for r in roots]
    if request.GET.get("format") == "xlsx":
        return _tree_xlsx(request, nodes, len(hits) if filtering else len(shown))
    context = _context(request, _("组织树"))
    context.update(
        {
            "nodes": nodes,
            "count": len(units),
            "shown": len(hits) if filtering else len(shown),
            "filtering": filtering,
            "kinds": UnitKind,
            "counties": counties,
            "county": county,
            "industries": Industry.choices,
            "industry": industry,
            "q": q,
            "keep": [],
            "query": request.GET.urlencode(),
        }
    )
    return TemplateResponse(request, "orgs/tree.html", context)


def _tree_xlsx(request, nodes, total):
    from xinye.console.exports import log_export, write_table, xlsx_response

    if not has_action(request.user, "export", OrgUnit):
        raise Http404
    rows = []

    def walk(n, trail):
        u = n["unit"]
        line = [*trail, u.name]
        rows.append(
            [
                " / ".join(line),
                u.name,
                u.get_kind_display(),
                u.get_industry_display() if u.industry else "",
                u.region.name if u.region_id else "",
                u.parent.name if u.parent_id else "",
                u.answers_to.name if u.answers_to_id else "",
                str(n["under"]),
            ]
        )
        for c in n["children"]:
            walk(c, line)

    for n in nodes:
        walk(n, [])
    title = str(_("组织树"))
    headers = [
        str(h)
        for h in (
            _("层级路径"),
            _("名称"),
            _("类型"),
            _("行业"),
            _("区划"),
            _("上级单位"),
            _("业务指导"),
            _("下级单位数"),
        )
    ]
    query = request.GET.urlencode()
    data = write_table(title, headers, rows, user=request.user, total=len(rows))
    log_export(request.user, title, len(rows), query)
    return xlsx_response(data, title)


MATRIX_PAGE = 200


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def matrix(request):
    """For each answered-for object in scope: who answers for it in each role; gaps highlighted. Filtered by
    county, industry and name, 200 rows a page, the whole filtered matrix exported to xlsx."""
    from django.core.paginator import Paginator

    types = [
        (otype, model) for otype, model in responsible_types() if has_action(request.user, "view", model)
    ]
    if not types:
        context = _context(request, _("责任矩阵"))
        context.update({"types": [], "rows": [], "roles": []})
        return TemplateResponse(request, "orgs/matrix.html", context)
    selected = request.GET.get("type") or types[0][0]
    model = dict(types).get(selected)
    if model is None:
        raise Http404
    only_gaps = request.GET.get("gaps") == "1"
    counties, county, industry = _region_filter(request)
    q = request.GET.get("q", "").strip()[:64]
    names = _field_names(model)
    qs = restrict(model._default_manager.all(), request.user, "view").order_by("pk")
    total = qs.count()
    if county and "region" in names:
        qs = qs.filter(region__code__startswith=county)
    if industry and "industry" in names:
        qs = qs.filter(industry=industry)
    if q and "name" in names:
        qs = qs.filter(name__contains=q)
    required = required_roles(selected)
    missing = gaps(qs)
    objs = [obj for obj, _missing in missing] if only_gaps else qs
    roles = list(ResponsibilityRole.choices)
    if request.GET.get("format") == "xlsx":
        return _matrix_xlsx(request, model, list(objs), roles, required)
    page = Paginator(objs, MATRIX_PAGE).get_page(request.GET.get("page"))
    rows = _matrix_rows(model, list(page.object_list), roles, required)
    keep = [("type", selected)] + ([("gaps", "1")] if only_gaps else [])
    context = _context(request, _("责任矩阵"))
    context.update(
        {
            "types": [(otype, m._meta.verbose_name) for otype, m in types],
            "selected": selected,
            "only_gaps": only_gaps,
            "roles": roles,
            "required": required,
            "rows": rows,
            "page": page,
            "gap_count": len(missing),
            "total": total,
            "matched": page.paginator.count,
            "counties": counties,
            "county": county,
            "industries": Industry.choices,
            "industry": industry,
            "q": q,
            "filtering": bool(county or industry or q),
            "keep": keep,
            "query": request.GET.urlencode(),
            "page_query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k not in ("page", "format")),
        }
    )
    return TemplateResponse(request, "orgs/matrix.html", context)


def _matrix_rows(model, objs, roles, required):
    holders = holders_by_object(model, [o.pk for o in objs])
    rows = []
    for obj in objs:
        cells = []
        for code, _label in roles:
            names = holders.get(obj.pk, {}).get(code, [])
            cells.append({"names": names, "missing": code in required and not names})
        rows.append({"obj": obj, "cells": cells})
    return rows


def _matrix_xlsx(request, model, objs, roles, required):
    from xinye.console.exports import log_export, write_table, xlsx_response

    if not has_action(request.user, "export", model):
        raise Http404
    body = []
    for start in range(0, len(objs), 2000):  # the holders of 2,000 objects per query
        for row in _matrix_rows(model, objs[start : start + 2000], roles, required):
            body.append(
                [str(row["obj"])]
                + [
                    "、".join(c["names"]) if c["names"] else (str(_("缺位")) if c["missing"] else "")
                    for c in row["cells"]
                ]
            )
    title = str(_("责任矩阵"))
    headers = [str(model._meta.verbose_name)] + [
        f"{label}{' *' if code in required else ''}" for code, label in roles
    ]
    data = write_table(title, headers, body, user=request.user, total=len(body))
    log_export(request.user, title, len(body), request.GET.urlencode())
    return xlsx_response(data, title)

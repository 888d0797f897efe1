"""Console pages: the organisation tree (both lines) and the responsibility matrix."""

from collections import defaultdict

from django.contrib import admin
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from xinye.accounts.permissions import has_action, restrict
from xinye.orgs.choices import ResponsibilityRole, UnitKind
from xinye.orgs.models import OrgUnit
from xinye.orgs.services import gaps, holders_by_object, required_roles, responsible_types


def _context(request, title):
    return {**admin.site.each_context(request), "title": title}


def tree(request):
    """The organisation tree the user may see, with each office's second line (its 行业党委)."""
    if not has_action(request.user, "view", OrgUnit):
        raise Http404
    units = list(
        restrict(OrgUnit.objects.all(), request.user, "view")
        .select_related("answers_to", "region")
        .order_by("path")
    )
    visible = {u.pk for u in units}
    children = defaultdict(list)
    roots = []
    for unit in units:
        (children[unit.parent_id] if unit.parent_id in visible else roots).append(unit)
    guided = defaultdict(list)
    for unit in units:
        if unit.answers_to_id:
            guided[unit.answers_to_id].append(unit)

    def node(unit):
        return {
            "unit": unit,
            "children": [node(c) for c in children[unit.pk]],
            "guided": guided.get(unit.pk, []),
        }

    context = _context(request, _("组织树"))
    context.update({"nodes": [node(r) for r in roots], "count": len(units), "kinds": UnitKind})
    return TemplateResponse(request, "orgs/tree.html", context)


def matrix(request):
    """For each answered-for object in scope: who answers for it in each role; gaps highlighted."""
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
    qs = restrict(model._default_manager.all(), request.user, "view").order_by("pk")
    required = required_roles(selected)
    if only_gaps:
        objs = [obj for obj, _missing in gaps(qs)][:500]
    else:
        objs = list(qs[:500])
    holders = holders_by_object(model, [o.pk for o in objs])
    roles = list(ResponsibilityRole.choices)
    rows = []
    for obj in objs:
        cells = []
        for code, _label in roles:
            names = holders.get(obj.pk, {}).get(code, [])
            cells.append({"names": names, "missing": code in required and not names})
        rows.append({"obj": obj, "cells": cells})
    context = _context(request, _("责任矩阵"))
    context.update(
        {
            "types": [(otype, m._meta.verbose_name) for otype, m in types],
            "selected": selected,
            "only_gaps": only_gaps,
            "roles": roles,
            "required": required,
            "rows": rows,
            "gap_count": len(gaps(qs)),
            "total": qs.count(),
        }
    )
    return TemplateResponse(request, "orgs/matrix.html", context)

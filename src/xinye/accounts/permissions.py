"""The one door: every queryset a user sees goes through `restrict(queryset, user, action)`.

Modelled on NetBox's RestrictedQuerySet. A user's grants come from their role assignments; each grant
contributes a Q over the model's ScopeSpec (core/scope.py), OR-ed together. No grant → no rows, so a
forgotten filter fails closed. Objects outside scope are reported as not found (404), never 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from xinye.core.scope import spec_for

NON_BUSINESS_APPS = {"accounts", "audit", "axes", "auth", "admin", "sessions", "contenttypes"}


def object_type(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def pattern_matches(pattern: str, otype: str) -> bool:
    app = otype.split(".", 1)[0]
    if pattern == "*":
        return app not in NON_BUSINESS_APPS
    if pattern.endswith(".*"):
        return pattern[:-2] == app
    return pattern == otype


@dataclass(frozen=True)
class Grant:
    role_code: str
    mode: str
    unit_id: int
    prefixes: tuple[str, ...]
    industry: str
    patterns: dict

    def allows(self, action: str, otype: str) -> bool:
        return any(pattern_matches(p, otype) and action in actions for p, actions in self.patterns.items())


def grants_for(user) -> list[Grant]:
    """The user's grants, resolved once per user object (i.e. once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_xinye_grants", None)
    if cached is not None:
        return cached
    from xinye.orgs.models import OrgUnit

    grants = []
    for ra in user.role_assignments.select_related("role", "unit"):
        second_line = OrgUnit.objects.answering_to(ra.unit).values_list("path", flat=True)
        paths = sorted({ra.unit.path, *second_line})
        # A path under another one adds nothing to a startswith filter (the city's grant would otherwise
        # carry every office of the second line): keep the outermost paths only.
        prefixes = tuple(p for p in paths if not any(p != q and p.startswith(q) for q in paths))
        grants.append(Grant(ra.role.code, ra.role.mode, ra.unit_id, prefixes, ra.industry, ra.role.grants))
    user._xinye_grants = grants
    return grants


def clear_cache(user) -> None:
    for attr in ("_xinye_grants", "_xinye_assigned"):
        if hasattr(user, attr):
            delattr(user, attr)


def has_action(user, action: str, model_or_otype) -> bool:
    """Whether the user may do `action` on this object type anywhere at all (menus, buttons)."""
    otype = model_or_otype if isinstance(model_or_otype, str) else object_type(model_or_otype)
    return any(g.allows(action, otype) for g in grants_for(user))


def _assigned_enterprise_ids(user) -> list[int]:
    cached = getattr(user, "_xinye_assigned", None)
    if cached is not None:
        return cached
    from django.contrib.contenttypes.models import ContentType

    from xinye.orgs.models import Responsibility

    try:
        from xinye.ledger.models import Enterprise
    except ImportError:  # pragma: no cover - the ledger app is always installed in this project
        return []
    ct = ContentType.objects.get_for_model(Enterprise)
    ids = list(
        Responsibility.objects.filter(content_type=ct, agent__user=user, agent__is_active=True).values_list(
            "object_id", flat=True
        )
    )
    user._xinye_assigned = ids
    return ids


def _grant_q(grant: Grant, model, user) -> Q | None:
    spec = spec_for(model)
    if spec is None:
        return None  # an unscoped model is never reachable through restrict: fail closed
    if spec.everywhere:
        return Q()
    if grant.mode == "assigned" and spec.enterprise:
        q = Q(**{f"{spec.enterprise}__in": _assigned_enterprise_ids(user)})
    else:
        q = reduce(or_, (Q(**{f"{spec.path_lookup}__startswith": p}) for p in grant.prefixes))
    if grant.industry:
        q &= Q(**{spec.industry_lookup: grant.industry})
    return q


def scope_q(user, action: str, model) -> Q | None:
    """The Q selecting what `user` may `action` on `model`, or None for nothing at all."""
    otype = object_type(model)
    parts = []
    for grant in grants_for(user):
        if grant.allows(action, otype):
            q = _grant_q(grant, model, user)
            if q is not None:
                if not q:  # Q() — everything
                    return Q()
                parts.append(q)
    if not parts:
        return None
    return reduce(or_, parts)


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    q = scope_q(user, action, queryset.model)
    if q is None:
        return queryset.none()
    if not q:
        return queryset
    return queryset.filter(q)


def in_scope(user, action: str, obj) -> bool:
    model = type(obj)
    return restrict(model._default_manager.filter(pk=obj.pk), user, action).exists()


def unit_in_scope(user, action: str, model, unit, industry: str = "") -> bool:
    """Whether a *new* object of `model` placed under `unit` is within the user's scope for `action`."""
    otype = object_type(model)
    spec = spec_for(model)
    for grant in grants_for(user):
        if not grant.allows(action, otype):
            continue
        if spec is not None and spec.everywhere:
            return True
        if unit is None:
            continue
        if grant.industry and (industry or unit.industry) != grant.industry:
            continue
        if any(unit.path.startswith(p) for p in grant.prefixes):
            return True
    return False


def visible_units(user, action: str = "view"):
    from xinye.orgs.models import OrgUnit

    return restrict(OrgUnit.objects.all(), user, action)

"""The doors: every read goes through `restrict(queryset, user, action)`, every write through `require`.

Modelled on NetBox's RestrictedQuerySet. A user's grants come from their role assignments; each grant
contributes a Q over the model's ScopeSpec (core/scope.py), OR-ed together. No grant → no rows, so a
forgotten filter fails closed. Objects outside scope are reported as not found (404), never 403.

Writes: every service function takes a required keyword `actor` — a staff user, or `system_actor(label)`
for the CLI, the demo, `xinye tick` and imports run by the system — and calls
`require(actor, action, obj)` before it changes anything and again on the saved row (NetBox's
ObjectEditView check), inside its transaction, so a write that would land outside the writer's scope
rolls back. A refusal is `OutOfScope` (404); there is no "no actor, no check" path.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Q, QuerySet

from xinye.core.errors import OutOfScope
from xinye.core.scope import spec_for

READ_ONLY_ACTIONS = frozenset({"view", "export"})
NON_BUSINESS_APPS = {"accounts", "audit", "axes", "auth", "admin", "sessions", "contenttypes"}


@dataclass(frozen=True)
class SystemActor:
    """The actor of work no staff member does by hand: the CLI without --actor, the demo loader,
    `xinye tick`, migrations. It may do everything; the change log names it by `label`
    (e.g. "cli:root", "tick")."""

    label: str = "system"
    is_authenticated: bool = True
    is_active: bool = True
    is_system: bool = True
    pk: None = None

    @property
    def username(self) -> str:
        return self.label

    def __str__(self) -> str:
        return self.label


def system_actor(label: str = "system") -> SystemActor:
    return SystemActor(label)


def is_system(actor) -> bool:
    return isinstance(actor, SystemActor)


def actor_user(actor):
    """The staff user behind `actor` for a foreign key such as `created_by` (None for the system)."""
    return None if actor is None or is_system(actor) else actor


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
    # Bound to a party organisation (a 支部书记): it also reads the enterprises that organisation covers,
    # which belong to their county's 行业党建办 and would otherwise be out of its subtree.
    party_org: bool = False
    # Bound at the root of the tree (市级管理员, 系统管理员 …): only such a grant writes city-wide reference
    # data — regions, rule tables, privacy notices — whatever its preset's patterns say (leak 2).
    root: bool = False
    # Bound at the only root of the tree: its subtree is every unit, so its scope filter would keep every row
    # whose place is required (`_always_placed`) — `_grant_q` then gives Q() and the city-wide pages skip the
    # join to the tree and the path test (at 100,000 enterprises a semi-join per card of the 工作台).
    whole_tree: bool = False

    def __post_init__(self):
        # the patterns in a hashable form, the key of `_granted_actions` (not a field: not compared)
        object.__setattr__(self, "_pattern_items", _pattern_items(self.patterns))

    def allows(self, action: str, otype: str) -> bool:
        if action not in READ_ONLY_ACTIONS and not self.root and otype in citywide_types():
            return False
        return action in _granted_actions(self._pattern_items, otype)


def _pattern_items(patterns: dict) -> tuple:
    return tuple((p, frozenset(actions)) for p, actions in patterns.items())


@functools.lru_cache(maxsize=8192)
def _granted_actions(pattern_items: tuple, otype: str) -> frozenset:
    """Every action some pattern of a role grants on `otype`. A console page asks `allows` some 500 times
    (the app list and the sidebar ask every registered type for each action), each a scan of the role's
    patterns; the answer depends only on the patterns, so it is worked out once per role and type."""
    return frozenset(a for p, actions in pattern_items if pattern_matches(p, otype) for a in actions)


def citywide_types() -> frozenset[str]:
    """Object types whose rows hold for the whole city (`ScopeSpec(everywhere=True)`): reference data and
    rule tables. Below the root of the tree they are read, never written."""
    global _CITYWIDE
    if _CITYWIDE is None:
        _CITYWIDE = frozenset(
            object_type(m) for m in apps.get_models() if getattr(spec_for(m), "everywhere", False)
        )
    return _CITYWIDE


_CITYWIDE: frozenset[str] | None = None


def grants_for(user) -> list[Grant]:
    """The user's grants, resolved once per user object (i.e. once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_xinye_grants", None)
    if cached is not None:
        return cached
    grants = []
    for ra in user.role_assignments.select_related("role", "unit"):
        second_line = type(ra.unit).objects.answering_to(ra.unit).values_list("path", flat=True)
        paths = sorted({ra.unit.path, *second_line})
        # A path under another one adds nothing to a startswith filter (the city's grant would otherwise
        # carry every office of the second line): keep the outermost paths only.
        prefixes = tuple(p for p in paths if not any(p != q and p.startswith(q) for q in paths))
        grants.append(
            Grant(
                ra.role.code,
                ra.role.mode,
                ra.unit_id,
                prefixes,
                ra.industry,
                ra.role.grants,
                ra.unit.kind in PARTY_ORG_KINDS,
                ra.unit.parent_id is None,
                ra.unit.parent_id is None and _only_root(ra.unit),
            )
        )
    user._xinye_grants = grants
    return grants


def _only_root(unit) -> bool:
    """No other unit of the tree is without a parent: `unit`'s subtree is the whole tree."""
    return not type(unit).objects.filter(parent__isnull=True).exclude(pk=unit.pk).exists()


@functools.cache
def _always_placed(model, path_lookup: str) -> bool:
    """Every row of `model` has a unit path through `path_lookup`: each step a required forward relation
    (a nullable or many-valued one may leave a row without a place, which a path filter would drop)."""
    opts = model._meta
    *relations, last = path_lookup.split("__")
    for name in relations:
        field = opts.get_field(name)
        if not (field.many_to_one or field.one_to_one) or not field.concrete or field.null:
            return False
        opts = field.related_model._meta
    return not opts.get_field(last).null


# OrgUnit kinds that are party organisations (orgs.choices.UnitKind values; named here, not imported,
# because accounts sits below orgs).
PARTY_ORG_KINDS = frozenset({"party_committee", "general_branch", "branch", "joint_branch", "online_branch"})


def scope_signature(user) -> str:
    """The user and a digest of their grants: equal for two requests that may see the same rows (a key for
    figures kept per viewer, core.cards)."""
    grants = sorted(
        (g.role_code, g.mode, g.unit_id, g.prefixes, g.industry, g.whole_tree) for g in grants_for(user)
    )
    digest = hashlib.blake2b(repr(grants).encode(), digest_size=8).hexdigest()
    return f"{getattr(user, 'pk', None)}:{digest}"


def clear_cache(user) -> None:
    for attr in (
        "_xinye_grants",
        "_xinye_actions",
        "_xinye_assigned",
        "_xinye_assigned_units",
        "_xinye_covered",
    ):
        if hasattr(user, attr):
            delattr(user, attr)


def has_action(user, action: str, model_or_otype) -> bool:
    """Whether the user may do `action` on this object type anywhere at all (menus, buttons). Kept on the
    user object with its grants (once per request: a console page asks some 500 times)."""
    if is_system(user):
        return True
    otype = model_or_otype if isinstance(model_or_otype, str) else object_type(model_or_otype)
    key = (action, otype)
    known = getattr(user, "_xinye_actions", None)
    if known is not None and key in known:
        return known[key]
    grants = grants_for(user)
    if not grants:
        return False
    known = user.__dict__.setdefault("_xinye_actions", {})
    known[key] = any(g.allows(action, otype) for g in grants)
    return known[key]


class ScopeLookups:
    """What the assigned and organisation scope modes need to know about data that lives on higher floors.

    The app that owns the data provides it from its `ready()` (the ledger does: ledger/scope.py), so
    accounts names no model above it. Until one is provided, a lookup finds nothing: fail closed.
    """

    def assigned_enterprises(self, user) -> list[int]:
        """The enterprises an instructor or liaison is assigned to."""
        return []

    def covering_units(self, enterprise_ids: list[int]) -> list[int]:
        """The units of the party organisations that cover these enterprises."""
        return []

    def covered_enterprises(self, unit_prefixes: tuple[str, ...]) -> list[int]:
        """The enterprises covered by the party organisations under these tree paths."""
        return []


_lookups = ScopeLookups()


def provide_scope_lookups(lookups: ScopeLookups) -> None:
    """Called once by the app that owns the ledger (see `ScopeLookups`)."""
    global _lookups
    _lookups = lookups


def _assigned_enterprise_ids(user) -> list[int]:
    cached = getattr(user, "_xinye_assigned", None)
    if cached is None:
        cached = user._xinye_assigned = list(_lookups.assigned_enterprises(user))
    return cached


def _assigned_unit_ids(user) -> list[int]:
    """The party organisations' units that cover the assigned enterprises (their meetings, members …)."""
    cached = getattr(user, "_xinye_assigned_units", None)
    if cached is None:
        cached = user._xinye_assigned_units = list(_lookups.covering_units(_assigned_enterprise_ids(user)))
    return cached


def _covered_enterprise_ids(grant: Grant) -> list[int]:
    return list(_lookups.covered_enterprises(grant.prefixes))


def _assigned_q(spec, user) -> Q:
    """An instructor's or liaison's rows: their assigned enterprises, those enterprises' organisations
    (and what hangs from them: meetings, members), and their own record — nothing else. A personal record
    (a type with an `own` path: agents, their assessments) is theirs only when it is their own."""
    if spec.own:
        return Q(**{spec.own: user})
    if spec.enterprise:
        q = Q(**{f"{spec.enterprise}__in": _assigned_enterprise_ids(user)})
    elif spec.unit:
        q = Q(**{f"{spec.unit}__in": _assigned_unit_ids(user)})
    else:  # OrgUnit itself
        q = Q(pk__in=_assigned_unit_ids(user))
    if spec.partner:
        q |= Q(**{f"{spec.partner}__in": _assigned_unit_ids(user)})
    return q


def _grant_q(grant: Grant, model, user, action: str = "view") -> Q | None:
    spec = spec_for(model)
    if spec is None:
        return None  # an unscoped model is never reachable through restrict: fail closed
    if spec.everywhere:
        return Q()
    if grant.mode == "assigned":
        return _assigned_q(spec, user)
    if grant.whole_tree and not grant.industry and _always_placed(model, spec.path_lookup):
        return Q()  # every row is somewhere under the only root: the filter would keep them all
    q = reduce(or_, (Q(**{f"{spec.path_lookup}__startswith": p}) for p in grant.prefixes))
    if spec.partner:  # the row's second side (ScopeSpec.partner) is shared with the subtree holding it
        q |= reduce(or_, (Q(**{f"{spec.partner_path_lookup}__startswith": p}) for p in grant.prefixes))
    if grant.party_org and spec.enterprise == "pk" and action in READ_ONLY_ACTIONS:
        q |= Q(pk__in=_covered_enterprise_ids(grant))
    if spec.own:
        q |= Q(**{spec.own: user})
    if grant.industry:
        q &= Q(**{spec.industry_lookup: grant.industry})
    if spec.reader and action in READ_ONLY_ACTIONS:  # the row's reading unit (ScopeSpec.reader): view only
        q |= reduce(or_, (Q(**{f"{spec.reader_path_lookup}__startswith": p}) for p in grant.prefixes))
    return q


def scope_q(user, action: str, model) -> Q | None:
    """The Q selecting what `user` may `action` on `model`, or None for nothing at all."""
    if is_system(user):
        return Q()
    otype = object_type(model)
    parts = []
    for grant in grants_for(user):
        if grant.allows(action, otype):
            q = _grant_q(grant, model, user, action)
            if q is not None:
                if not q:  # Q() — everything
                    return Q()
                parts.append(q)
    if not parts:
        return None
    return reduce(or_, parts)


def sees_everything(user, model, action: str = "view") -> bool:
    """Whether `user`'s scope for `action` on `model` is every row (`scope_q` gives Q(): the system, or a
    grant at the only root of the tree without an industry) — a count over a table kept for the whole city
    then needs no join to the scope."""
    q = scope_q(user, action, model)
    return q is not None and not q


def restrict(queryset: QuerySet, user, action: str = "view") -> QuerySet:
    q = scope_q(user, action, queryset.model)
    if q is None:
        return queryset.none()
    if not q:
        return queryset
    if _joins_many(queryset.model):
        # A scope through a many-valued relation (an organisation's covered enterprises) may match a row
        # more than once: select by primary key so that lists and counts stay one row per object.
        return queryset.filter(pk__in=queryset.model._default_manager.filter(q).values("pk"))
    return queryset.filter(q)


def _joins_many(model) -> bool:
    spec = spec_for(model)
    if spec is None or not spec.enterprise or spec.enterprise == "pk":
        return False
    opts = model._meta
    for part in spec.enterprise.split("__"):
        field = opts.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        opts = field.related_model._meta
    return False


def in_scope(user, action: str, obj) -> bool:
    if is_system(user):
        return True
    model = type(obj)
    return restrict(model._default_manager.filter(pk=obj.pk), user, action).exists()


def unit_in_scope(user, action: str, model, unit, industry: str = "", enterprise_id=None) -> bool:
    """Whether a *new* object of `model` placed under `unit` (and, for roles scoped to their assigned
    enterprises, belonging to enterprise `enterprise_id`) is within the user's scope for `action`."""
    if is_system(user):
        return True
    otype = object_type(model)
    spec = spec_for(model)
    for grant in grants_for(user):
        if not grant.allows(action, otype):
            continue
        if spec is not None and spec.everywhere:
            return True
        if grant.mode == "assigned":
            if spec is not None and spec.enterprise and enterprise_id is not None:
                if enterprise_id in _assigned_enterprise_ids(user):
                    return True
            elif unit is not None and unit.pk in _assigned_unit_ids(user):
                return True
            continue
        if unit is None:
            continue
        if grant.industry and (industry or unit.industry) != grant.industry:
            continue
        if any(unit.path.startswith(p) for p in grant.prefixes):
            return True
    return False


def require(actor, action: str, obj=None, *, model=None, unit=None, industry: str = "") -> None:
    """The write door's check: may `actor` do `action` on `obj` (a stored row, checked against the
    database) — or, for a row not saved yet, place a `model` under `unit` (and `industry`)?

    Raises `OutOfScope` (404) when not; there is no actor-less path: `actor=None` is refused, and work
    done by no staff member passes `system_actor(...)`. Services call it before writing and again on the
    saved row, inside their transaction, so a write that lands outside the writer's scope rolls back.
    """
    if actor is None:
        raise OutOfScope()
    if is_system(actor):
        return
    if obj is not None and getattr(obj, "pk", None) is not None and not obj._state.adding:
        if not in_scope(actor, action, obj):
            raise OutOfScope()
        return
    if obj is not None:
        require_place(actor, action, obj)
    elif not unit_in_scope(actor, action, model, unit, industry):
        raise OutOfScope()


def require_place(actor, action: str, obj) -> None:
    """May `actor` write `obj` where it now stands in memory — its unit, industry and enterprise as edited,
    stored or not? The console's forms and the generic door check an edit's destination with it (a change
    that would move a row out of the writer's scope is refused before the save). Raises `OutOfScope`."""
    if actor is None:
        raise OutOfScope()
    if is_system(actor):
        return
    industry = getattr(obj, "industry", "") or ""
    model, enterprise_id = type(obj), _enterprise_id_of(obj)
    if unit_in_scope(actor, action, model, unit_of(obj), industry, enterprise_id):
        return
    partner = partner_unit_of(obj)  # a row shared with a second unit may be written from either side
    if partner is None or not unit_in_scope(actor, action, model, partner, industry, enterprise_id):
        raise OutOfScope()


def _enterprise_id_of(obj):
    """The enterprise a (possibly unsaved) object belongs to, following its ScopeSpec's enterprise path."""
    spec = spec_for(type(obj))
    if spec is None or not spec.enterprise:
        return None
    if spec.enterprise == "pk":
        return obj.pk
    *hops, last = spec.enterprise.split("__")
    value = obj
    for part in hops:
        value = getattr(value, part, None)
        if value is None:
            return None
    field = value._meta.get_field(last)
    if field.many_to_many or field.one_to_many:
        return None
    return getattr(value, field.attname, None)


def unit_of(obj):
    """The org unit a (possibly unsaved) object belongs to, following its ScopeSpec's unit path."""
    spec = spec_for(type(obj))
    if spec is None:
        return None
    if not spec.unit:
        return obj.parent if obj.pk is None else obj
    return _follow(obj, spec.unit)


def partner_unit_of(obj):
    """The second unit a (possibly unsaved) object is shared with (ScopeSpec.partner), or None."""
    spec = spec_for(type(obj))
    return _follow(obj, spec.partner) if spec is not None and spec.partner else None


def _follow(obj, path: str):
    value = obj
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value

"""Coverage aggregates: load the ledger into the engine's plain inputs and keep the aggregate tables current.

The tables (EnterpriseCoverage, OrganisationPlacement, AgentPlacement, CoverageCell) are a cache of the
ledger computed by the engine — derived data nobody edits, so these functions take no actor.

- `refresh(region=None)` rebuilds every aggregate (or one county's) from the ledger: after the demo, and by
  `xinye coverage-refresh`.
- `refresh_enterprises(ids)`, `refresh_organisations(ids)`, `refresh_agents(ids)` recompute what one change
  touches; the listener in signals.py calls them when the ledger says its enterprises changed, so
  statistics are current without scanning the ledger per request.
- `deferred()` batches those recomputations: writers that change many rows one by one may wrap them in it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, Sum

from xinye.coverage import engine, rules
from xinye.coverage.models import AgentPlacement, CoverageCell, EnterpriseCoverage, OrganisationPlacement
from xinye.orgs.choices import PARTY_ORG_KINDS, UnitKind

ORG_FIELDS = {
    UnitKind.PARTY_COMMITTEE: "org_party_committee",
    UnitKind.GENERAL_BRANCH: "org_general_branch",
    UnitKind.BRANCH: "org_branch",
    UnitKind.JOINT_BRANCH: "org_joint_branch",
    UnitKind.ONLINE_BRANCH: "org_online_branch",
    UnitKind.PARTY_GROUP: "org_party_group",
}
CELL_SUM_FIELDS = (
    "enterprises_total",
    "enterprises",
    "independent",
    "joint",
    "work",
    "blank",
    "must_form",
    "practitioners",
    "members_full",
    "members_probationary",
    *ORG_FIELDS.values(),
    "instructors",
    "liaisons",
)
Key = tuple[int, str, str]  # (unit_id, region_id, industry)
LARGE_BATCH = 5000  # enterprises: above this, refresh_enterprises() rebuilds everything instead


def _ledger():
    from xinye.ledger import models

    return models


def _enterprise_ct():
    return ContentType.objects.get_for_model(_ledger().Enterprise)


# --- loading the ledger into engine inputs ---


@dataclass
class Loaded:
    enterprises: list[engine.EnterpriseIn]
    keys: dict[int, Key]
    organisations: list[engine.OrganisationIn]
    assignments: list[engine.AssignmentIn]
    statuses: dict[int, engine.StatusOut] = field(default_factory=dict)


def _chunks(ids, size=500):
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def load_inputs(enterprise_qs) -> Loaded:
    """Engine inputs for the enterprises of `enterprise_qs`: counts, covering organisations, assignments."""
    m = _ledger()
    rows = list(
        enterprise_qs.values(
            "id",
            "name",
            "region_id",
            "industry",
            "unit_id",
            "in_survey_scope",
            "is_active",
            "latitude",
            "longitude",
        )
    )
    ids = [r["id"] for r in rows]
    whole = not enterprise_qs.query.where  # no filter: count over whole tables, no IN lists
    practitioners: dict[int, int] = defaultdict(int)
    members: dict[tuple[int, bool], int] = defaultdict(int)
    links: list[tuple[int, int]] = []
    assignments: list[engine.AssignmentIn] = []
    ct = _enterprise_ct()
    through = m.PartyOrganisation.enterprises.through
    for part in [None] if whole else _chunks(ids):
        flt = {} if part is None else {"enterprise_id__in": part}
        for eid, n in (
            m.Practitioner.objects.filter(**flt)
            .values_list("enterprise_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            practitioners[eid] = n
        for eid, full, n in (
            m.PartyMember.objects.filter(**flt)
            .values_list("enterprise_id", "is_full")
            .annotate(n=Count("id"))
            .order_by()
        ):
            members[(eid, full)] += n
        org_ids = through.objects.filter(**flt).values_list("partyorganisation_id", flat=True)
        links.extend(
            through.objects.filter(partyorganisation_id__in=org_ids).values_list(
                "partyorganisation_id", "enterprise_id"
            )
        )
        rflt = {} if part is None else {"object_id__in": part}
        for eid, role, agent_id, active in (
            m_responsibility()
            .objects.filter(content_type=ct, role__in=engine.WORK_ROLES, agent__isnull=False, **rflt)
            .values_list("object_id", "role", "agent_id", "agent__is_active")
        ):
            assignments.append(engine.AssignmentIn(eid, role, agent_id, bool(active)))
    covered: dict[int, set[int]] = defaultdict(set)
    for oid, eid in set(links):
        covered[oid].add(eid)
    kinds = dict(m.PartyOrganisation.objects.filter(id__in=list(covered)).values_list("id", "unit__kind"))
    organisations = [
        engine.OrganisationIn(oid, kinds.get(oid, ""), tuple(sorted(e))) for oid, e in covered.items()
    ]
    enterprises = [
        engine.EnterpriseIn(
            id=r["id"],
            name=r["name"],
            region=r["region_id"],
            industry=r["industry"],
            in_scope=bool(r["in_survey_scope"] and r["is_active"]),
            latitude=r["latitude"],
            longitude=r["longitude"],
            full_members=members[(r["id"], True)],
            probationary_members=members[(r["id"], False)],
            practitioners=practitioners[r["id"]],
        )
        for r in rows
    ]
    keys = {r["id"]: (r["unit_id"], r["region_id"], r["industry"]) for r in rows}
    loaded = Loaded(enterprises, keys, organisations, assignments)
    loaded.statuses = engine.classify(enterprises, organisations, assignments)
    return loaded


def m_responsibility():
    from xinye.orgs.models import Responsibility

    return Responsibility


# --- writing aggregates ---


def _key_q(keys) -> Q:
    q = Q(pk__in=[])
    for unit_id, region_id, industry in keys:
        q |= Q(unit_id=unit_id, region_id=region_id, industry=industry)
    return q


def _write_enterprises(loaded: Loaded, replace_q: Q) -> set[Key]:
    """Replace the EnterpriseCoverage rows selected by `replace_q` with `loaded`; return touched cell keys."""
    threshold = rules.branch_min_full_members()
    old = set(
        EnterpriseCoverage.objects.filter(replace_q)
        .values_list("unit_id", "region_id", "industry")
        .distinct()
    )
    EnterpriseCoverage.objects.filter(replace_q).delete()
    objs = []
    for e in loaded.enterprises:
        s = loaded.statuses[e.id]
        unit_id, region_id, industry = loaded.keys[e.id]
        objs.append(
            EnterpriseCoverage(
                enterprise_id=e.id,
                unit_id=unit_id,
                region_id=region_id,
                industry=industry,
                in_scope=e.in_scope,
                status=s.status,
                organisation_id=s.organisation_id,
                practitioners=e.practitioners,
                members_full=e.full_members,
                members_probationary=e.probationary_members,
                has_instructor=s.has_instructor,
                has_liaison=s.has_liaison,
                must_form=e.in_scope and e.full_members >= threshold and s.status != engine.INDEPENDENT,
            )
        )
    EnterpriseCoverage.objects.bulk_create(objs, batch_size=2000)
    return old | set(loaded.keys.values())


def _fallback_cell(units: dict[int, dict], unit_id: int) -> int:
    """The nearest ancestor of a party organisation's unit that is not itself a party organisation."""
    unit = units.get(unit_id)
    if unit is None:
        return unit_id
    for ancestor_id in reversed([int(p) for p in unit["path"].strip("/").split("/") if p]):
        ancestor = units.get(ancestor_id)
        if ancestor and ancestor["kind"] not in PARTY_ORG_KINDS:
            return ancestor_id
    return unit_id


def _write_organisations(org_qs, requested=()) -> set[Key]:
    """Replace the placements of the organisations in `org_qs`; return touched cell keys."""
    from xinye.orgs.models import OrgUnit

    m = _ledger()
    orgs = list(org_qs.values("id", "unit_id", "unit__kind", "unit__path", "region_id", "industry"))
    ids = [o["id"] for o in orgs]
    old_q = Q(organisation_id__in={*ids, *requested}) if org_qs.query.where else Q()
    old = set(
        OrganisationPlacement.objects.filter(old_q).values_list("unit_id", "region_id", "industry").distinct()
    )
    OrganisationPlacement.objects.filter(old_q).delete()
    through = m.PartyOrganisation.enterprises.through
    first: dict[int, int] = {}
    link_q = {"partyorganisation_id__in": ids} if org_qs.query.where else {}
    for oid, eid in through.objects.filter(**link_q).values_list("partyorganisation_id", "enterprise_id"):
        first[oid] = min(eid, first.get(oid, eid))
    ekeys = (
        {
            r[0]: r[1:]
            for r in m.Enterprise.objects.filter(id__in=set(first.values())).values_list(
                "id", "unit_id", "region_id", "industry"
            )
        }
        if len(first) < 5000
        else {r[0]: r[1:] for r in m.Enterprise.objects.values_list("id", "unit_id", "region_id", "industry")}
    )
    need_units = {
        int(p) for o in orgs if o["id"] not in first for p in o["unit__path"].strip("/").split("/") if p
    }
    units = {
        u["id"]: u for u in OrgUnit.objects.filter(id__in=need_units).values("id", "kind", "path", "industry")
    }
    objs = []
    for o in orgs:
        if o["id"] in first and first[o["id"]] in ekeys:
            unit_id, region_id, industry = ekeys[first[o["id"]]]
        else:
            unit_id = _fallback_cell(units, o["unit_id"])
            region_id = o["region_id"]
            industry = o["industry"] or (units.get(unit_id) or {}).get("industry", "")
        objs.append(
            OrganisationPlacement(
                organisation_id=o["id"],
                kind=o["unit__kind"],
                unit_id=unit_id,
                region_id=region_id,
                industry=industry or "",
            )
        )
    OrganisationPlacement.objects.bulk_create(objs, batch_size=2000)
    return old | {(p.unit_id, p.region_id, p.industry) for p in objs}


def _write_agents(agent_qs, requested=()) -> set[Key]:
    """Replace the placements of the agents in `agent_qs`; return touched cell keys."""
    m = _ledger()
    agents = list(agent_qs.values("id", "kind", "unit_id", "region_id", "industry", "is_active"))
    ids = [a["id"] for a in agents]
    whole = not agent_qs.query.where
    old_q = Q() if whole else Q(agent_id__in={*ids, *requested})
    old = set(AgentPlacement.objects.filter(old_q).values_list("unit_id", "region_id", "industry").distinct())
    AgentPlacement.objects.filter(old_q).delete()
    rflt = {} if whole else {"agent_id__in": ids}
    assigned: dict[int, set[int]] = defaultdict(set)
    for agent_id, eid in (
        m_responsibility()
        .objects.filter(content_type=_enterprise_ct(), agent__isnull=False, **rflt)
        .values_list("agent_id", "object_id")
    ):
        assigned[agent_id].add(eid)
    all_eids = {e for s in assigned.values() for e in s}
    if len(all_eids) < 5000:
        ekeys = {
            r[0]: r[1:]
            for r in m.Enterprise.objects.filter(id__in=all_eids).values_list(
                "id", "unit_id", "region_id", "industry"
            )
        }
    else:
        ekeys = {
            r[0]: r[1:] for r in m.Enterprise.objects.values_list("id", "unit_id", "region_id", "industry")
        }
    objs = {}
    for a in agents:
        if not a["is_active"]:
            continue
        places = {ekeys[e] for e in assigned.get(a["id"], ()) if e in ekeys}
        if not places:
            places = {(a["unit_id"], a["region_id"], a["industry"] or "")}
        for unit_id, region_id, industry in places:
            objs[(a["id"], unit_id, region_id, industry)] = AgentPlacement(
                agent_id=a["id"], role=a["kind"], unit_id=unit_id, region_id=region_id, industry=industry
            )
    per_agent = defaultdict(int)
    for agent_id, *_rest in objs:
        per_agent[agent_id] += 1
    for (agent_id, *_rest), placement in objs.items():
        placement.multi = per_agent[agent_id] > 1
    AgentPlacement.objects.bulk_create(objs.values(), batch_size=2000)
    return old | {(p.unit_id, p.region_id, p.industry) for p in objs.values()}


def _rebuild_cells(keys: set[Key] | None = None, region_q: Q | None = None) -> None:
    """Recompute the cells with `keys` (or every cell, or those of `region_q`) from the three tables."""
    if keys is not None and not keys:
        return
    sel = _key_q(keys) if keys is not None else (region_q or Q())
    cells: dict[Key, dict] = defaultdict(lambda: dict.fromkeys(CELL_SUM_FIELDS, 0))
    scoped = Q(in_scope=True)
    status_counts = {
        "enterprises_total": Count("pk"),
        "enterprises": Count("pk", filter=scoped),
        **{s: Count("pk", filter=scoped & Q(status=s)) for s in engine.STATUSES},
        "must_form": Count("pk", filter=Q(must_form=True)),
        "practitioners": Sum("practitioners"),
        "members_full": Sum("members_full"),
        "members_probationary": Sum("members_probationary"),
    }
    keyf = ("unit_id", "region_id", "industry")
    for row in EnterpriseCoverage.objects.filter(sel).values(*keyf).annotate(**status_counts).order_by():
        cells[(row["unit_id"], row["region_id"], row["industry"])].update(
            {k: row[k] or 0 for k in status_counts}
        )
    org_counts = {f: Count("pk", filter=Q(kind=kind)) for kind, f in ORG_FIELDS.items()}
    for row in OrganisationPlacement.objects.filter(sel).values(*keyf).annotate(**org_counts).order_by():
        cells[(row["unit_id"], row["region_id"], row["industry"])].update({k: row[k] for k in org_counts})
    agent_counts = {
        "instructors": Count("agent_id", distinct=True, filter=Q(role="instructor")),
        "liaisons": Count("agent_id", distinct=True, filter=Q(role="liaison")),
    }
    for row in AgentPlacement.objects.filter(sel).values(*keyf).annotate(**agent_counts).order_by():
        cells[(row["unit_id"], row["region_id"], row["industry"])].update({k: row[k] for k in agent_counts})
    CoverageCell.objects.filter(sel).delete()
    CoverageCell.objects.bulk_create(
        [CoverageCell(unit_id=k[0], region_id=k[1], industry=k[2], **v) for k, v in cells.items()],
        batch_size=2000,
    )


# --- entry points ---


@transaction.atomic
def refresh(region=None) -> dict:
    """Rebuild every coverage aggregate from the ledger (or only those of one county: a Region or its code).

    Call after bulk writes that bypass signals (importers, demo, raw SQL). Returns the counts of what was
    rebuilt: enterprises and county × industry cells (of that county only, when one is given).
    """
    m = _ledger()
    from xinye.orgs.models import Agent

    region_id = getattr(region, "pk", region)
    if region_id:
        rq = Q(region_id=region_id)
        loaded = load_inputs(m.Enterprise.objects.filter(region_id=region_id))
        _write_enterprises(loaded, rq)
        eids = [e.id for e in loaded.enterprises]
        org_ids = set(
            m.PartyOrganisation.enterprises.through.objects.filter(enterprise_id__in=eids).values_list(
                "partyorganisation_id", flat=True
            )
        )
        _write_organisations(m.PartyOrganisation.objects.filter(Q(id__in=org_ids) | Q(region_id=region_id)))
        agent_ids = set(
            m_responsibility()
            .objects.filter(content_type=_enterprise_ct(), agent__isnull=False, object_id__in=eids)
            .values_list("agent_id", flat=True)
        ) | set(Agent.objects.filter(region_id=region_id).values_list("id", flat=True))
        _write_agents(Agent.objects.filter(id__in=agent_ids))
        _rebuild_cells(region_q=rq)
    else:
        loaded = load_inputs(m.Enterprise.objects.all())
        _write_enterprises(loaded, Q())
        _write_organisations(m.PartyOrganisation.objects.all())
        _write_agents(Agent.objects.all())
        _rebuild_cells()
    cells = CoverageCell.objects.filter(region_id=region_id) if region_id else CoverageCell.objects.all()
    return {"enterprises": len(loaded.enterprises), "cells": cells.count()}


_deferred: contextvars.ContextVar[dict | None] = contextvars.ContextVar("coverage_deferred", default=None)


@contextlib.contextmanager
def deferred():
    """Collect the recomputations that signal handlers ask for and run each once at the end.

    For code that saves many ledger rows one by one (a demo, a script); bulk writers call refresh().
    """
    if _deferred.get() is not None:  # nested: the outer block refreshes
        yield
        return
    pending = {"enterprises": set(), "organisations": set(), "agents": set()}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    # Reached only when the block succeeded: after an error the caller's transaction is rolled back anyway.
    refresh_enterprises(pending["enterprises"])
    refresh_organisations(pending["organisations"])
    refresh_agents(pending["agents"])


@transaction.atomic
def refresh_enterprises(ids, *, extra_keys: set[Key] = frozenset()) -> None:
    """Recompute these enterprises' status and counts, the placements that depend on them, and their cells."""
    ids = {i for i in ids if i}
    pending = _deferred.get()
    if pending is not None:
        pending["enterprises"] |= ids
        return
    if not ids and not extra_keys:
        return
    if len(ids) > LARGE_BATCH:  # a big import: one full rebuild beats thousands of IN lists
        refresh()
        return
    m = _ledger()
    keys = set(extra_keys)
    if ids:
        loaded = load_inputs(m.Enterprise.objects.filter(id__in=ids))
        keys |= _write_enterprises(loaded, Q(enterprise_id__in=ids))
        org_ids = {o.id for o in loaded.organisations}
        if org_ids:
            keys |= _write_organisations(m.PartyOrganisation.objects.filter(id__in=org_ids))
        agent_ids = {a.agent_id for a in loaded.assignments}
        agent_ids |= set(
            m_responsibility()
            .objects.filter(content_type=_enterprise_ct(), agent__isnull=False, object_id__in=ids)
            .values_list("agent_id", flat=True)
        )
        if agent_ids:
            from xinye.orgs.models import Agent

            keys |= _write_agents(Agent.objects.filter(id__in=agent_ids))
    _rebuild_cells(keys)


@transaction.atomic
def refresh_organisations(ids, *, extra_keys: set[Key] = frozenset()) -> None:
    ids = {i for i in ids if i}
    pending = _deferred.get()
    if pending is not None:
        pending["organisations"] |= ids
        return
    if not ids and not extra_keys:
        return
    keys = set(extra_keys) | _write_organisations(_ledger().PartyOrganisation.objects.filter(id__in=ids), ids)
    _rebuild_cells(keys)


@transaction.atomic
def refresh_agents(ids, *, extra_keys: set[Key] = frozenset()) -> None:
    from xinye.orgs.models import Agent

    ids = {i for i in ids if i}
    pending = _deferred.get()
    if pending is not None:
        pending["agents"] |= ids
        return
    if not ids and not extra_keys:
        return
    keys = set(extra_keys) | _write_agents(Agent.objects.filter(id__in=ids), ids)
    _rebuild_cells(keys)

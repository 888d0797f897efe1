"""Coverage: load the ledger into the engine's plain inputs, and keep the aggregate tables current.

- `refresh(region=None)` rebuilds every aggregate (or one county's) from the ledger: after bulk imports,
  the demo, and by `xinye coverage-refresh`.
- `refresh_enterprises(ids)`, `refresh_organisations(ids)`, `refresh_agents(ids)` recompute what one change
  touches; signal handlers (signals.py) call them on every ledger save and delete, so statistics are current
  without scanning the ledger per request.
- `deferred()` batches those recomputations: writers that save many rows one by one may wrap them in it.
- `overview(user, ...)`, `coverage_rows(...)`, `proposals_for(...)`: the read side used by API and console.
- `naive_overview(user, ...)`: the same figures by scanning the ledger (baseline for the benchmark, and
  the path for roles scoped to their assigned enterprises).

Bulk writes through `QuerySet.update()` / `bulk_create()` send no signals: call `refresh()` afterwards.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import translation

from xinye.accounts.permissions import grants_for, object_type, restrict
from xinye.core.choices import Industry
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
    from xinye.guidance.models import Agent

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
            from xinye.guidance.models import Agent

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
    from xinye.guidance.models import Agent

    ids = {i for i in ids if i}
    pending = _deferred.get()
    if pending is not None:
        pending["agents"] |= ids
        return
    if not ids and not extra_keys:
        return
    keys = set(extra_keys) | _write_agents(Agent.objects.filter(id__in=ids), ids)
    _rebuild_cells(keys)


def add_practitioners(enterprise_id: int, delta: int) -> None:
    """A practitioner joined (+1) or left (−1) an enterprise: adjust the two counters, no recount."""
    if _deferred.get() is not None:
        _deferred.get()["enterprises"].add(enterprise_id)
        return
    from django.db.models import F

    row = EnterpriseCoverage.objects.filter(enterprise_id=enterprise_id).values_list(
        "unit_id", "region_id", "industry"
    )
    key = row.first()
    if key is None:
        refresh_enterprises([enterprise_id])
        return
    EnterpriseCoverage.objects.filter(enterprise_id=enterprise_id).update(
        practitioners=F("practitioners") + delta
    )
    updated = CoverageCell.objects.filter(unit_id=key[0], region_id=key[1], industry=key[2]).update(
        practitioners=F("practitioners") + delta
    )
    if not updated:
        _rebuild_cells({key})


# --- reading: scope, filters, figures ---


def _assigned_only(user) -> bool:
    """Roles scoped to their assigned enterprises (instructors) get figures computed over those enterprises."""
    otype = object_type(CoverageCell)
    grants = [g for g in grants_for(user) if g.allows("view", otype)]
    return bool(grants) and all(g.mode == "assigned" for g in grants)


def region_q(region: str | None, field: str = "region_id") -> Q:
    """A region filter: the county itself, or every county under a city code."""
    if not region:
        return Q()
    return Q(**{field: region}) | Q(**{field.replace("_id", "") + "__parent_id": region})


def check_filters(region: str | None, industry: str | None) -> None:
    from xinye.orgs.models import Region

    if region and not Region.objects.filter(code=region).exists():
        raise ValueError(f"未知的区划代码：{region}")
    if industry and industry not in Industry.values:
        raise ValueError(f"未知的行业：{industry}，应为 {'/'.join(Industry.values)}")


def visible_cells(user, region: str | None = None, industry: str | None = None):
    qs = restrict(CoverageCell.objects.all(), user, "view").filter(region_q(region))
    return qs.filter(industry=industry) if industry else qs


def _org_counts(totals: dict) -> dict:
    branches = totals["org_branch"] + totals["org_joint_branch"] + totals["org_online_branch"]
    return {
        "total": totals["org_party_committee"] + totals["org_general_branch"] + branches,
        "党委": totals["org_party_committee"],
        "党总支": totals["org_general_branch"],
        "党支部": branches,
        "联合党支部": totals["org_joint_branch"],
        "网络党支部": totals["org_online_branch"],
        "党小组": totals["org_party_group"],
    }


def _structure_counts(user, region, industry) -> tuple[int, int]:
    """行业党委 and 行业党建办 in scope: offices the user may see; committees they may see or that guide them."""
    from xinye.orgs.models import OrgUnit

    offices = restrict(OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE, is_active=True), user, "view")
    offices = offices.filter(region_q(region))
    committees = OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_COMMITTEE, is_active=True)
    if industry:
        offices = offices.filter(industry=industry)
        committees = committees.filter(industry=industry)
    guiding = Q(pk__in=offices.values("answers_to_id"))
    if not region:
        guiding |= Q(pk__in=restrict(committees, user, "view").values("pk"))
    return committees.filter(guiding).count(), offices.count()


def _figures(totals: dict, instructors: int, liaisons: int, committees: int, offices: int) -> dict:
    r = engine.rates(totals["enterprises"], totals["independent"], totals["joint"], totals["work"])
    return {
        "enterprises": totals["enterprises"],
        "practitioners": totals["practitioners"],
        "party_members": totals["members_full"] + totals["members_probationary"],
        "party_members_full": totals["members_full"],
        "party_members_probationary": totals["members_probationary"],
        "party_organisations": _org_counts(totals),
        "instructors": instructors,
        "liaisons": liaisons,
        "industry_committees": committees,
        "industry_offices": offices,
        "coverage": {
            "organisation_rate": r.organisation_rate,
            "independent_rate": r.independent_rate,
            "work_rate": r.work_rate,
            "independent": totals["independent"],
            "joint": totals["joint"],
            "work": totals["work"],
            "blank": totals["blank"],
        },
        "must_form": totals["must_form"],
    }


def overview(user, region: str | None = None, industry: str | None = None) -> dict:
    """The statistics overview for `user`'s scope, summed over the cells they may see (no ledger scan)."""
    check_filters(region, industry)
    if _assigned_only(user):
        return naive_overview(user, region, industry)
    cells = visible_cells(user, region, industry)
    agg = cells.aggregate(**{f: Sum(f) for f in CELL_SUM_FIELDS})
    totals = {k: v or 0 for k, v in agg.items()}
    people = {"instructor": totals["instructors"], "liaison": totals["liaisons"]}
    # Cells count each person once; a person placed in several visible cells was counted once per cell.
    multi = restrict(AgentPlacement.objects.filter(multi=True), user, "view").filter(region_q(region))
    if industry:
        multi = multi.filter(industry=industry)
    for role, n in multi.values_list("agent_id", "role").annotate(n=Count("pk")).values_list("role", "n"):
        people[role] = people.get(role, 0) - (n - 1)
    committees, offices = _structure_counts(user, region, industry)
    return _figures(totals, people["instructor"], people["liaison"], committees, offices)


def naive_overview(user, region: str | None = None, industry: str | None = None) -> dict:
    """The same figures by scanning the ledger tables through restrict() on every call (no aggregates).

    The benchmark's baseline; also used for roles that only see their assigned enterprises.
    """
    from xinye.guidance.models import Agent

    m = _ledger()
    check_filters(region, industry)

    def scoped(model):
        qs = restrict(model.objects.all(), user, "view").filter(region_q(region))
        return qs.filter(industry=industry) if industry else qs

    enterprises = scoped(m.Enterprise)
    loaded = load_inputs(enterprises)
    tallied = engine.tally(loaded.enterprises, loaded.statuses).get(None, engine.Tally())
    threshold = rules.branch_min_full_members()
    totals = dict.fromkeys(CELL_SUM_FIELDS, 0)
    totals.update(
        enterprises=tallied.enterprises,
        independent=tallied.independent,
        joint=tallied.joint,
        work=tallied.work,
        blank=tallied.blank,
        must_form=len(engine.must_form(loaded.enterprises, loaded.statuses, threshold)),
        practitioners=scoped(m.Practitioner).count(),
        members_full=scoped(m.PartyMember).filter(is_full=True).count(),
        members_probationary=scoped(m.PartyMember).filter(is_full=False).count(),
    )
    # An organisation counts where its lowest-numbered covered enterprise is (as in the cells): once.
    through = m.PartyOrganisation.enterprises.through
    covering = through.objects.filter(enterprise_id__in=enterprises.values("pk")).values(
        "partyorganisation_id"
    )
    first = dict(
        through.objects.filter(partyorganisation_id__in=covering)
        .values_list("partyorganisation_id")
        .annotate(first=Min("enterprise_id"))
        .order_by()
    )
    visible = {e.id for e in loaded.enterprises}
    counted = [oid for oid, eid in first.items() if eid in visible]
    kinds = (
        m.PartyOrganisation.objects.filter(pk__in=counted).values_list("unit__kind").annotate(n=Count("pk"))
    )
    for kind, n in kinds.order_by():
        if kind in ORG_FIELDS:
            totals[ORG_FIELDS[kind]] = n
    people = (
        m_responsibility()
        .objects.filter(
            content_type=_enterprise_ct(), object_id__in=enterprises.values("pk"), agent__is_active=True
        )
        .aggregate(
            instructors=Count("agent_id", distinct=True, filter=Q(agent__kind="instructor")),
            liaisons=Count("agent_id", distinct=True, filter=Q(agent__kind="liaison")),
        )
    )
    idle = restrict(Agent.objects.filter(is_active=True), user, "view").filter(region_q(region))
    idle = idle.exclude(responsibilities__content_type=_enterprise_ct())
    if industry:
        idle = idle.filter(industry=industry)
    committees, offices = _structure_counts(user, region, industry)
    return _figures(
        totals,
        people["instructors"] + idle.filter(kind="instructor").count(),
        people["liaisons"] + idle.filter(kind="liaison").count(),
        committees,
        offices,
    )


BY_KEYS = {"county": ("region_id",), "industry": ("industry",), "county_industry": ("region_id", "industry")}


def coverage_rows(
    user, by: str = "county", region: str | None = None, industry: str | None = None
) -> list[dict]:
    """Counts and the three rates per county, per industry, or per county × industry (visible cells only)."""
    from xinye.orgs.models import Region

    if by not in BY_KEYS:
        raise ValueError("by 只能是 county、industry 或 county_industry")
    check_filters(region, industry)
    if _assigned_only(user):
        qs = restrict(EnterpriseCoverage.objects.all(), user, "view").filter(region_q(region))
        if industry:
            qs = qs.filter(industry=industry)
        sums = {
            "enterprises": Count("pk", filter=Q(in_scope=True)),
            **{s: Count("pk", filter=Q(in_scope=True, status=s)) for s in engine.STATUSES},
            "must_form": Count("pk", filter=Q(must_form=True)),
            "practitioners": Sum("practitioners"),
            "members_full": Sum("members_full"),
            "members_probationary": Sum("members_probationary"),
        }
    else:
        qs = visible_cells(user, region, industry)
        sums = {
            f: Sum(f)
            for f in (
                "enterprises",
                *engine.STATUSES,
                "must_form",
                "practitioners",
                "members_full",
                "members_probationary",
            )
        }
    names = dict(Region.objects.values_list("code", "name"))
    labels = dict(Industry.choices)
    rows = []
    for row in qs.values(*BY_KEYS[by]).annotate(**sums).order_by(*BY_KEYS[by]):
        row = {k: (v or 0) if k in sums else v for k, v in row.items()}
        if not (
            row["enterprises"] or row["practitioners"] or row["members_full"] + row["members_probationary"]
        ):
            continue  # a cell holding only dispatched-but-unassigned agents
        r = engine.rates(row["enterprises"], row["independent"], row["joint"], row["work"])
        out = {}
        if "region_id" in row:
            out.update(region=row["region_id"], region_name=names.get(row["region_id"], row["region_id"]))
        if "industry" in row:
            out.update(
                industry=row["industry"], industry_label=str(labels.get(row["industry"], row["industry"]))
            )
        out.update(
            enterprises=row["enterprises"],
            independent=row["independent"],
            joint=row["joint"],
            work=row["work"],
            blank=row["blank"],
            must_form=row["must_form"],
            practitioners=row["practitioners"],
            party_members=row["members_full"] + row["members_probationary"],
            organisation_rate=r.organisation_rate,
            independent_rate=r.independent_rate,
            work_rate=r.work_rate,
        )
        rows.append(out)
    return rows


# The lists behind each figure: one status, or the numerators of the two coverage rates.
STATUS_FILTERS = {
    **{s: (s,) for s in engine.STATUSES},
    "organised": (engine.INDEPENDENT, engine.JOINT),  # 组织覆盖
    "covered": (engine.INDEPENDENT, engine.JOINT, engine.WORK),  # 工作覆盖率的分子
}
STATUS_FILTER_LABELS = {
    **engine.STATUS_LABELS,
    "organised": "组织覆盖（单独＋联合）",
    "covered": "已覆盖（单独＋联合＋工作）",
}


def enterprise_rows(
    user, *, status=None, region=None, industry=None, must_form=None, include_out_of_scope=False
):
    """The enterprises behind a figure: the user's enterprises joined to their coverage, filtered."""
    check_filters(region, industry)
    if status and status not in STATUS_FILTERS:
        raise ValueError(f"未知的覆盖状态：{status}，应为 {'/'.join(STATUS_FILTERS)}")
    qs = restrict(_ledger().Enterprise.objects.all(), user, "view").filter(region_q(region))
    qs = qs.filter(coverage__isnull=False)
    if not include_out_of_scope:
        qs = qs.filter(coverage__in_scope=True)
    if industry:
        qs = qs.filter(industry=industry)
    if status:
        qs = qs.filter(coverage__status__in=STATUS_FILTERS[status])
    if must_form:
        qs = qs.filter(coverage__must_form=True)
    return qs.select_related("coverage", "region", "coverage__organisation__unit").order_by(
        "region_id", "industry", "name"
    )


def suggested_kind(members: int) -> str:
    """党章/支部工作条例: ≥ 100 members a 基层党委, 50–100 a 党总支, otherwise a 党支部."""
    committee_min = int(rules.shared_rule("committee_min_members", 100))
    general = rules.shared_rule("general_branch_members", (50, 100))
    if members >= committee_min:
        return "党委"
    if members >= general[0]:
        return "党总支"
    return "党支部"


def must_form_reason(cov: EnterpriseCoverage) -> str:
    members = cov.members_full + cov.members_probationary
    now = {engine.JOINT: "目前在联合党支部中", engine.WORK: "目前仅有工作覆盖", engine.BLANK: "目前为空白"}
    return (
        f"有正式党员 {cov.members_full} 名（不少于 {rules.branch_min_full_members()} 名），"
        f"{now.get(cov.status, '')}，尚未单独建立党组织，应单独组建{suggested_kind(members)}"
    )


def proposal_pool(user, region: str | None = None, industry: str | None = None):
    """The enterprises a joint branch could be proposed for: in scope, no organisation, < 3 full members."""
    check_filters(region, industry)
    qs = restrict(_ledger().Enterprise.objects.all(), user, "view").filter(region_q(region))
    if industry:
        qs = qs.filter(industry=industry)
    return qs.filter(
        coverage__in_scope=True,
        coverage__status__in=(engine.WORK, engine.BLANK),
        coverage__members_full__lt=rules.branch_min_full_members(),
    )


def proposals_for(
    user, region: str | None = None, industry: str | None = None
) -> tuple[list[dict], list[dict]]:
    """Joint-branch proposals over the enterprises the user may see: (groups, unmatched), both as dicts."""
    from xinye.orgs.models import Region

    threshold = rules.branch_min_full_members()
    qs = proposal_pool(user, region, industry)
    rows = list(
        qs.values("id", "name", "region_id", "industry", "latitude", "longitude", "coverage__members_full")
    )
    inputs = [
        engine.EnterpriseIn(
            id=r["id"],
            name=r["name"],
            region=r["region_id"],
            industry=r["industry"],
            latitude=r["latitude"],
            longitude=r["longitude"],
            full_members=r["coverage__members_full"],
        )
        for r in rows
    ]
    statuses = {e.id: engine.StatusOut(engine.BLANK) for e in inputs}
    names = dict(Region.objects.values_list("code", "name"))
    with translation.override(settings.LANGUAGE_CODE):  # the explanations are Chinese sentences
        labels = {k: str(v) for k, v in Industry.choices}
    result = engine.propose_joint_branches(
        inputs,
        statuses,
        min_full_members=threshold,
        max_units=rules.joint_branch_max_units(),
        max_distance_km=rules.joint_max_distance_km(),
        related_pairs=rules.related_industries(),
        region_names=names,
        industry_labels=labels,
    )
    by_id = {e.id: e for e in inputs}
    groups = [
        {
            "region": g.region,
            "region_name": names.get(g.region, g.region),
            "industries": [labels.get(i, i) for i in g.industries],
            "full_members": g.full_members,
            "max_distance_km": g.max_distance_km,
            "explanation": g.explanation,
            "enterprises": [
                {
                    "id": eid,
                    "name": by_id[eid].name,
                    "industry": by_id[eid].industry,
                    "full_members": by_id[eid].full_members,
                }
                for eid in g.enterprise_ids
            ],
        }
        for g in result.groups
    ]
    unmatched = [
        {"id": eid, "name": by_id[eid].name, "full_members": by_id[eid].full_members, "reason": reason}
        for eid, reason in result.unmatched
    ]
    return groups, unmatched


def gap_rows(user, region: str | None = None, industry: str | None = None) -> list[dict]:
    """Enterprises in scope with no owner in a required role of the responsibility matrix."""
    from xinye.orgs.choices import ResponsibilityRole
    from xinye.orgs.services import gaps

    check_filters(region, industry)
    qs = restrict(_ledger().Enterprise.objects.all(), user, "view").filter(region_q(region))
    if industry:
        qs = qs.filter(industry=industry)
    labels = dict(ResponsibilityRole.choices)
    return [
        {
            "id": e.pk,
            "name": e.name,
            "region": e.region_id,
            "industry": e.industry,
            "missing": missing,
            "missing_labels": [str(labels.get(r, r)) for r in missing],
        }
        for e, missing in gaps(qs.order_by("region_id", "industry", "name"))
    ]

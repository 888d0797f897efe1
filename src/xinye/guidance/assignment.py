"""分级分片: propose which instructor and which liaison answers for each enterprise.

A plain function over plain dataclasses (no database, no request), so it is tested with hand-made inputs and
reused by the console, the API and the demo. The rules it follows (domain.md pillar 2, rules.md):

- every enterprise is covered by an instructor; every enterprise without its own party organisation gets a
  liaison (those with their own organisation keep any liaison they have but need none);
- same county (旗县) first; only when a county has no agent of that kind does the nearest other county lend
  its agents, and the proposal says so;
- the nearest agent, with loads balanced: within a county max load − min load ≤ tolerance (default 1);
- existing assignments stay unless `replan=True` (and even then an enterprise keeps its agent where the
  balance allows: re-planning moves as few enterprises as it can).

Each proposal is explained in plain Chinese ("科尔沁区 美团外卖明仁站 → 驻企联络员 张三：同一旗县，距离
0.8 公里，当前负责 2 家").
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

KIND_LABELS = {"instructor": "党建指导员", "liaison": "驻企联络员"}
KINDS = ("instructor", "liaison")


@dataclass(frozen=True)
class EnterpriseInput:
    id: int
    name: str
    county: str  # region code of the county (旗县市区)
    lat: float | None = None
    lng: float | None = None
    has_own_organisation: bool = False
    county_name: str = ""


@dataclass(frozen=True)
class AgentInput:
    id: int
    name: str
    kind: str  # "instructor" | "liaison"
    county: str
    lat: float | None = None
    lng: float | None = None
    capacity: int | None = None  # a soft cap: beyond it the agent takes more only when nobody else can
    current_load: int = 0  # enterprises this agent answers for that are not among the inputs


@dataclass(frozen=True)
class ExistingAssignment:
    enterprise_id: int
    agent_id: int
    kind: str


@dataclass
class ProposalItem:
    enterprise_id: int
    enterprise_name: str
    county: str
    kind: str
    agent_id: int
    agent_name: str
    agent_county: str
    distance_km: float | None
    load_before: int
    same_county: bool
    change: str  # "new" (nobody yet), "keep" (re-plan keeps the agent), "move" (re-plan changes the agent)
    previous_agent_id: int | None
    explanation: str

    @property
    def role(self) -> str:
        return self.kind


@dataclass
class Proposal:
    items: list[ProposalItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unassigned: list[tuple[int, str, str]] = field(default_factory=list)  # (enterprise id, kind, reason)
    loads: dict[int, int] = field(default_factory=dict)  # agent id → load after the proposal

    def for_kind(self, kind: str) -> list[ProposalItem]:
        return [i for i in self.items if i.kind == kind]


def distance_km(lat1, lng1, lat2, lng2) -> float | None:
    """Great-circle distance (haversine) between two WGS-84 points, or None when either is unknown."""
    if None in (lat1, lng1, lat2, lng2):
        return None
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(1.0, a)))


def _centroid(points) -> tuple[float, float] | None:
    pts = [(a, b) for a, b in points if a is not None and b is not None]
    if not pts:
        return None
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def _default_tolerance(kind: str) -> int:
    try:
        from xinye.guidance.rules import tolerance

        return tolerance(kind)
    except Exception:  # noqa: BLE001 - usable without Django settings (pure tests)
        return 1


def _tolerance_for(tolerance, kind: str) -> int:
    if tolerance is None:
        return _default_tolerance(kind)
    if isinstance(tolerance, dict):
        return int(tolerance.get(kind, _default_tolerance(kind)))
    return int(tolerance)


def needs(enterprise: EnterpriseInput, kind: str) -> bool:
    """Instructors cover every enterprise; a liaison is needed where there is no own organisation."""
    return kind == "instructor" or not enterprise.has_own_organisation


def propose(
    enterprises,
    agents,
    existing=(),
    *,
    replan: bool = False,
    tolerance: int | dict | None = None,
    kinds=KINDS,
    instructor_target: int | None = None,
) -> Proposal:
    """Propose assignments for `enterprises` from `agents`, given `existing` ones.

    Returns a Proposal whose items are the assignments to record (with replan=False only enterprises that
    lack an agent of a kind; with replan=True every enterprise needing one, marked keep/move/new), notes
    about the whole plan (fallback counties, balance, the instructor target) and what could not be assigned.
    """
    enterprises = sorted(enterprises, key=lambda e: (e.county, e.id))
    agents = sorted(agents, key=lambda a: (a.county, a.id))
    proposal = Proposal()
    county_names = {e.county: e.county_name or e.county for e in enterprises}
    for kind in kinds:
        tol = _tolerance_for(tolerance, kind)
        _propose_kind(proposal, kind, enterprises, agents, list(existing), replan, tol, county_names)
    if "instructor" in kinds:
        _instructor_target_note(proposal, enterprises, agents, instructor_target)
    return proposal


def _instructor_target_note(proposal, enterprises, agents, target) -> None:
    if target is None:
        try:
            from xinye.guidance.rules import rule

            target = int(rule("instructor_target_enterprises"))
        except Exception:  # noqa: BLE001
            target = 3
    n_i = sum(1 for a in agents if a.kind == "instructor")
    if not n_i or not enterprises:
        return
    average = len(enterprises) / n_i
    if average > target:
        proposal.notes.append(
            f"按“每名指导员联系约 {target} 家企业”的目标（合肥做法，人员允许时），{len(enterprises)} 家企业需要约 "
            f"{math.ceil(len(enterprises) / target)} 名指导员，现有 {n_i} 名，平均每人 {average:.1f} 家："
            f"无法达到目标，已按旗县均衡分配。"
        )


def _propose_kind(proposal, kind, enterprises, agents, existing, replan, tol, county_names) -> None:
    label = KIND_LABELS.get(kind, kind)
    pool_agents = [a for a in agents if a.kind == kind]
    agent_by_id = {a.id: a for a in pool_agents}
    needing = [e for e in enterprises if needs(e, kind)]
    input_ids = {e.id for e in enterprises}
    current: dict[int, int] = {}  # enterprise id → existing agent of this kind
    for ex in existing:
        if ex.kind == kind and ex.agent_id in agent_by_id and ex.enterprise_id in input_ids:
            current.setdefault(ex.enterprise_id, ex.agent_id)

    load = {a.id: a.current_load for a in pool_agents}
    if not replan:
        for agent_id in current.values():
            load[agent_id] += 1
        todo = [e for e in needing if e.id not in current]
    else:
        todo = list(needing)

    agents_by_county = defaultdict(list)
    for a in pool_agents:
        agents_by_county[a.county].append(a)
    todo_by_county = defaultdict(list)
    for e in todo:
        todo_by_county[e.county].append(e)

    # Counties without an agent of this kind borrow from the nearest county that has one.
    centre_of_agents = {c: _centroid((a.lat, a.lng) for a in lst) for c, lst in agents_by_county.items()}
    borrowed: dict[str, str] = {}
    for county in sorted(todo_by_county):
        if agents_by_county.get(county):
            continue
        if not agents_by_county:
            for e in todo_by_county[county]:
                proposal.unassigned.append((e.id, kind, f"全市没有在岗的{label}"))
            continue
        here = _centroid((e.lat, e.lng) for e in enterprises if e.county == county)

        def far(other, here=here):
            d = distance_km(*(here or (None, None)), *(centre_of_agents[other] or (None, None)))
            return (d is None, d or 0.0, other)

        source = min(agents_by_county, key=far)
        borrowed[county] = source
        d = far(source)[1]
        where = f"（两地相距约 {d:.0f} 公里）" if not far(source)[0] else ""
        proposal.notes.append(
            f"{county_names.get(county, county)}没有在岗的{label}，就近由"
            f"{_county_name(source, county_names, pool_agents)}的{label}负责{where}。"
        )

    # One balancing pool per county that has agents: its own enterprises plus those of borrowing counties.
    for county, county_agents in sorted(agents_by_county.items()):
        pool_todo = list(todo_by_county.get(county, []))
        for other, source in borrowed.items():
            if source == county:
                pool_todo += todo_by_county[other]
        if pool_todo:
            previous = current if replan else {}
            _assign_pool(proposal, kind, label, county_agents, pool_todo, load, previous, tol, county_names)
        loads = [load[a.id] for a in county_agents]
        if max(loads) - min(loads) > tol:
            proposal.notes.append(
                f"{_county_name(county, county_names, pool_agents)}{label}负荷差为 {max(loads) - min(loads)} 家，"
                f"超过容差 {tol}：原有分配不均，可选择“重新规划”。"
            )
    for a in pool_agents:
        proposal.loads[a.id] = load[a.id]


def _county_name(code, county_names, agents) -> str:
    return county_names.get(code) or code


def _assign_pool(proposal, kind, label, pool_agents, todo, load, previous, tol, county_names) -> None:
    """Greedy balanced nearest assignment: repeatedly take the closest (agent, enterprise) pair among agents
    whose load is below (lowest load + tolerance), so max − min never exceeds the tolerance. When
    re-planning, an enterprise's previous agent is taken first wherever the balance allows."""
    dist = {(a.id, e.id): distance_km(a.lat, a.lng, e.lat, e.lng) for a in pool_agents for e in todo}
    remaining = {e.id: e for e in todo}

    def order(a, ents):
        # each agent's candidates nearest first (unknown distances last, then by id): the greedy only ever
        # needs an agent's nearest remaining enterprise, so a pointer into this list replaces a full scan
        return sorted(ents, key=lambda e: (dist[(a.id, e.id)] is None, dist[(a.id, e.id)] or 0.0, e.id))

    nearest = {a.id: order(a, todo) for a in pool_agents}
    kept = {a.id: order(a, [e for e in todo if previous.get(e.id) == a.id]) for a in pool_agents}
    pointer = {("n", a.id): 0 for a in pool_agents} | {("k", a.id): 0 for a in pool_agents}

    def first_remaining(tag, a, lists):
        items, i = lists[a.id], pointer[(tag, a.id)]
        while i < len(items) and items[i].id not in remaining:
            i += 1
        pointer[(tag, a.id)] = i
        return items[i] if i < len(items) else None

    def under_cap(a):
        return a.capacity is None or load[a.id] < a.capacity

    while remaining:
        open_agents = [a for a in pool_agents if under_cap(a)] or pool_agents
        floor = min(load[a.id] for a in open_agents)
        eligible = [a for a in open_agents if load[a.id] < floor + max(tol, 1)]
        best = None
        for a in eligible:
            for flag, tag, lists in ((0, "k", kept), (1, "n", nearest)):
                e = first_remaining(tag, a, lists)
                if e is None:
                    continue
                d = dist[(a.id, e.id)]
                key = (flag, d is None, d if d is not None else 0.0, load[a.id], e.id, a.id)
                if best is None or key < best[0]:
                    best = (key, a, e, d)
        _key, agent, ent, d = best
        before = load[agent.id]
        load[agent.id] += 1
        del remaining[ent.id]
        prev = previous.get(ent.id)
        change = "new" if prev is None else ("keep" if prev == agent.id else "move")
        same = agent.county == ent.county
        where = (
            "同一旗县" if same else f"本旗县无{label}，由{county_names.get(agent.county, agent.county)}调配"
        )
        dist_text = f"距离 {d:.1f} 公里" if d is not None else "缺少坐标，按负荷分配"
        cap_text = "（已超过建议负荷）" if agent.capacity is not None and before >= agent.capacity else ""
        change_text = {"new": "", "keep": "，保持原分配", "move": "，调整原分配"}[change]
        explanation = (
            f"{county_names.get(ent.county, ent.county)} {ent.name} → {label} {agent.name}："
            f"{where}，{dist_text}，当前负责 {before} 家{cap_text}{change_text}"
        )
        proposal.items.append(
            ProposalItem(
                enterprise_id=ent.id,
                enterprise_name=ent.name,
                county=ent.county,
                kind=kind,
                agent_id=agent.id,
                agent_name=agent.name,
                agent_county=agent.county,
                distance_km=round(d, 2) if d is not None else None,
                load_before=before,
                same_county=same,
                change=change,
                previous_agent_id=prev,
                explanation=explanation,
            )
        )

"""The coverage engine: plain functions over plain inputs (no database, no request).

This is the one definition of the coverage rule: the aggregates (coverage.services) store its result per
enterprise, and the ledger's lists read that stored status rather than restating the rule in SQL.

rules.md §Coverage (中办发〔2012〕11号):
- 单独组建 (independent): the enterprise has an organisation of its own — a 党委/党总支/党支部/网络党支部
  that covers this enterprise and no other;
- 联合组建 (joint): it is covered by a 联合党支部, or by any organisation covering several enterprises;
- 工作覆盖 (work): no organisation, but an active instructor or liaison is assigned to it;
- 空白 (blank): none of these.
A 党小组 is part of a branch, not an organisation of its own, and gives no organisation coverage.
When several apply, the strongest wins (单独 > 联合 > 工作 > 空白).

Rates are over the enterprises in scope (摸排范围内且在营), as floats 0–1 rounded to 4 places; 0.0 when
there is no enterprise at all.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from xinye.ledger.choices import JOINT_ORGANISATION_KIND, OWN_ORGANISATION_KINDS

INDEPENDENT = "independent"
JOINT = "joint"
WORK = "work"
BLANK = "blank"
STATUSES = (INDEPENDENT, JOINT, WORK, BLANK)
STATUS_LABELS = {INDEPENDENT: "单独组建", JOINT: "联合组建", WORK: "工作覆盖", BLANK: "空白"}

# Organisation kinds (orgs.choices.UnitKind values) and how they cover: named once, in the ledger's choices.
OWN_KINDS = OWN_ORGANISATION_KINDS
JOINT_KIND = JOINT_ORGANISATION_KIND
NON_COVERING_KINDS = frozenset({"party_group"})
WORK_ROLES = frozenset({"instructor", "liaison"})


@dataclass(frozen=True)
class EnterpriseIn:
    id: int
    name: str = ""
    region: str = ""  # county code
    industry: str = ""
    in_scope: bool = True  # 纳入摸排范围 and 在营
    latitude: float | None = None  # WGS-84
    longitude: float | None = None
    full_members: int = 0
    probationary_members: int = 0
    practitioners: int = 0


@dataclass(frozen=True)
class OrganisationIn:
    id: int
    kind: str
    enterprise_ids: tuple[int, ...]


@dataclass(frozen=True)
class AssignmentIn:
    """One instructor or liaison assigned to an enterprise (responsibility matrix); inactive agents don't count."""

    enterprise_id: int
    role: str
    agent_id: int | None = None
    active: bool = True


@dataclass(frozen=True)
class StatusOut:
    status: str
    organisation_id: int | None = None  # the organisation that gives the coverage, if any
    has_instructor: bool = False
    has_liaison: bool = False

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Rates:
    organisation_rate: float
    independent_rate: float
    work_rate: float


@dataclass
class Tally:
    """Counts of in-scope enterprises by status, and the rates they give."""

    enterprises: int = 0
    independent: int = 0
    joint: int = 0
    work: int = 0
    blank: int = 0

    def add(self, status: str, n: int = 1) -> None:
        self.enterprises += n
        setattr(self, status, getattr(self, status) + n)

    @property
    def rates(self) -> Rates:
        return rates(self.enterprises, self.independent, self.joint, self.work)


@dataclass(frozen=True)
class Proposal:
    """A proposed 联合党支部: enterprises (lead first), why, and the figures behind the explanation."""

    region: str
    industries: tuple[str, ...]
    enterprise_ids: tuple[int, ...]
    full_members: int
    max_distance_km: float
    explanation: str


@dataclass
class Proposals:
    groups: list[Proposal] = field(default_factory=list)
    # Enterprises with some full members that could not be grouped, with the reason in Chinese.
    unmatched: list[tuple[int, str]] = field(default_factory=list)


def _round(x: float) -> float:
    return round(x, 4)


def rates(enterprises: int, independent: int, joint: int, work: int) -> Rates:
    """组织覆盖率 = (单独+联合)/范围内企业; 单独组建率 = 单独/范围内企业; 工作覆盖率 = (单独+联合+工作)/范围内企业."""
    if enterprises <= 0:
        return Rates(0.0, 0.0, 0.0)
    return Rates(
        organisation_rate=_round((independent + joint) / enterprises),
        independent_rate=_round(independent / enterprises),
        work_rate=_round((independent + joint + work) / enterprises),
    )


def classify(
    enterprises: Iterable[EnterpriseIn],
    organisations: Iterable[OrganisationIn],
    assignments: Iterable[AssignmentIn] = (),
) -> dict[int, StatusOut]:
    """Each enterprise's coverage status (see the module docstring), by enterprise id."""
    own: dict[int, int] = {}
    joint: dict[int, int] = {}
    for org in sorted(organisations, key=lambda o: o.id):
        if org.kind in NON_COVERING_KINDS:
            continue
        covered = set(org.enterprise_ids)
        if len(covered) == 1 and org.kind in OWN_KINDS:
            own.setdefault(next(iter(covered)), org.id)
        elif covered and (org.kind == JOINT_KIND or len(covered) > 1):
            for eid in covered:
                joint.setdefault(eid, org.id)
    instructors, liaisons = set(), set()
    for a in assignments:
        if not a.active or a.role not in WORK_ROLES:
            continue
        (instructors if a.role == "instructor" else liaisons).add(a.enterprise_id)
    out = {}
    for e in enterprises:
        flags = {"has_instructor": e.id in instructors, "has_liaison": e.id in liaisons}
        if e.id in own:
            out[e.id] = StatusOut(INDEPENDENT, own[e.id], **flags)
        elif e.id in joint:
            out[e.id] = StatusOut(JOINT, joint[e.id], **flags)
        elif flags["has_instructor"] or flags["has_liaison"]:
            out[e.id] = StatusOut(WORK, None, **flags)
        else:
            out[e.id] = StatusOut(BLANK, None, **flags)
    return out


def tally(
    enterprises: Iterable[EnterpriseIn],
    statuses: dict[int, StatusOut],
    key: Callable[[EnterpriseIn], object] = lambda e: None,
) -> dict[object, Tally]:
    """Counts and rates of the in-scope enterprises, grouped by `key` (e.g. county, industry, both)."""
    out: dict[object, Tally] = defaultdict(Tally)
    for e in enterprises:
        if e.in_scope:
            out[key(e)].add(statuses[e.id].status)
    return dict(out)


def must_form(
    enterprises: Iterable[EnterpriseIn], statuses: dict[int, StatusOut], min_full_members: int = 3
) -> list[EnterpriseIn]:
    """应建尽建 (支部工作条例 ch. 2): in-scope enterprises with ≥ `min_full_members` full members and no
    organisation of their own (including those only in a joint branch). Most members first."""
    found = [
        e
        for e in enterprises
        if e.in_scope and e.full_members >= min_full_members and statuses[e.id].status != INDEPENDENT
    ]
    return sorted(found, key=lambda e: (-e.full_members, e.id))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS-84 points, in km (mean earth radius 6371.0088 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def related(a: str, b: str, pairs: frozenset[frozenset[str]]) -> bool:
    return a == b or frozenset((a, b)) in pairs


def _distance(a: EnterpriseIn, b: EnterpriseIn) -> float:
    return haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)


def _explain(
    group: list[EnterpriseIn],
    full: int,
    max_km: float,
    region_names: dict[str, str],
    industry_labels: dict[str, str],
) -> str:
    county = region_names.get(group[0].region, group[0].region)
    industries = []
    for e in group:
        label = industry_labels.get(e.industry, e.industry)
        if label not in industries:
            industries.append(label)
    zero = sum(1 for e in group if e.full_members == 0)
    text = (
        f"{county} {len(group)} 家{'、'.join(industries)}企业相距不超过 {max_km:.1f} 公里，"
        f"合计正式党员 {full} 名，可联合组建党支部"
    )
    text += f"（建议由{group[0].name or '党员最多的企业'}牵头"
    if zero:
        text += f"，其中 {zero} 家暂无正式党员，一并纳入组织覆盖"
    return text + "）"


class _Grid:
    """Enterprises bucketed in cells at least `km` wide, so a neighbour search looks at 3 × 3 cells only."""

    def __init__(self, members: list[EnterpriseIn], km: float):
        top = max((abs(e.latitude) for e in members), default=0.0)
        self.dlat = max(km, 1e-6) / 111.195
        # A degree of longitude is shortest at the highest latitude: size cells for it.
        self.dlon = max(km, 1e-6) / (111.195 * max(math.cos(math.radians(min(top, 89.0))), 0.01))
        self.cells: dict[tuple[int, int], list[EnterpriseIn]] = defaultdict(list)
        for e in members:
            self.cells[self._key(e)].append(e)

    def _key(self, e: EnterpriseIn) -> tuple[int, int]:
        return (math.floor(e.latitude / self.dlat), math.floor(e.longitude / self.dlon))

    def around(self, e: EnterpriseIn):
        i, j = self._key(e)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                yield from self.cells.get((i + di, j + dj), ())


def propose_joint_branches(
    enterprises: Iterable[EnterpriseIn],
    statuses: dict[int, StatusOut],
    *,
    min_full_members: int = 3,
    max_units: int = 5,
    max_distance_km: float = 10.0,
    related_pairs: frozenset[frozenset[str]] = frozenset(),
    region_names: dict[str, str] | None = None,
    industry_labels: dict[str, str] | None = None,
) -> Proposals:
    """Joint-branch proposals (联合党支部: 地域相邻、行业相近、规模适当、便于管理) for in-scope enterprises
    with fewer than `min_full_members` full members and no organisation (status 工作覆盖 or 空白).

    Greedy and deterministic. Lead candidates are taken most full members first (then by id); each gathers
    the nearest unused enterprises (haversine, then id) of the same county whose industry is the same as or
    related to every member already in the group, within `max_distance_km` of the lead, while the group has
    fewer than `min_full_members` full members and fewer than `max_units` units. A group that reaches the
    threshold is proposed and then filled, nearest first, with neighbouring enterprises that have no full
    member yet (so they are covered too) up to `max_units`; a group that cannot reach it is dissolved.
    Enterprises without coordinates cannot be placed and are not proposed.
    """
    region_names = region_names or {}
    industry_labels = industry_labels or {}
    pool = [
        e
        for e in enterprises
        if e.in_scope
        and statuses[e.id].status in (WORK, BLANK)
        and e.full_members < min_full_members
        and e.latitude is not None
        and e.longitude is not None
    ]
    by_region: dict[str, list[EnterpriseIn]] = defaultdict(list)
    for e in pool:
        by_region[e.region].append(e)
    result = Proposals()
    for region in sorted(by_region):
        members = by_region[region]
        grid = _Grid(members, max_distance_km)
        used: set[int] = set()
        leads = sorted((e for e in members if e.full_members > 0), key=lambda e: (-e.full_members, e.id))
        for lead in leads:
            if lead.id in used:
                continue
            near = sorted(
                (
                    (d, e)
                    for e in grid.around(lead)
                    if e.id != lead.id
                    and e.id not in used
                    and (d := _distance(lead, e)) <= max_distance_km
                    and related(lead.industry, e.industry, related_pairs)
                ),
                key=lambda pair: (pair[0], pair[1].id),
            )
            group, full = [lead], lead.full_members
            for _d, e in near:
                if full >= min_full_members or len(group) >= max_units:
                    break
                if e.full_members > 0 and all(related(g.industry, e.industry, related_pairs) for g in group):
                    group.append(e)
                    full += e.full_members
            if full < min_full_members:
                continue
            for _d, e in near:
                if len(group) >= max_units:
                    break
                if (
                    e.full_members == 0
                    and e not in group
                    and all(related(g.industry, e.industry, related_pairs) for g in group)
                ):
                    group.append(e)
            used.update(e.id for e in group)
            max_km = max(
                (_distance(a, b) for i, a in enumerate(group) for b in group[i + 1 :]),
                default=0.0,
            )
            industries = tuple(dict.fromkeys(e.industry for e in group))
            result.groups.append(
                Proposal(
                    region=region,
                    industries=industries,
                    enterprise_ids=tuple(e.id for e in group),
                    full_members=full,
                    max_distance_km=round(max_km, 2),
                    explanation=_explain(group, full, max_km, region_names, industry_labels),
                )
            )
        for e in leads:
            if e.id not in used:
                result.unmatched.append(
                    (
                        e.id,
                        f"{max_distance_km:g} 公里内同类或相近行业企业的正式党员合计不足 {min_full_members} 名，"
                        "暂无法联合组建，建议由党建指导员、联络员开展工作覆盖，或就近纳入区域性党组织",
                    )
                )
    return result

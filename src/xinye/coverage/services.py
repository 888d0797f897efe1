"""Coverage queries: the figures and lists behind the statistics pages and API, for one user's scope.

- `overview(user, ...)`, `coverage_rows(...)`, `proposals_for(...)`: the read side used by API and console.
- `naive_overview(user, ...)`: the same figures by scanning the ledger (baseline for the benchmark, and
  the path for roles scoped to their assigned enterprises).
- `by_enterprise(user)`: whether the user's figures are computed over a set of enterprises (instructors,
  liaisons, a bound 支部书记) rather than over cells of the org tree; grading asks it too.
Every function starts from `restrict()`; a filter value that is not valid is refused (`Refused`, 422).
The aggregates they read are kept current by coverage.aggregates.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.utils import translation

from xinye.accounts.permissions import grants_for, object_type, restrict
from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.coverage import engine, rules
from xinye.coverage.aggregates import (
    CELL_SUM_FIELDS,
    ORG_FIELDS,
    _enterprise_ct,
    _ledger,
    load_inputs,
    m_responsibility,
)
from xinye.coverage.models import AgentPlacement, CoverageCell, EnterpriseCoverage
from xinye.orgs.choices import UnitKind

# Every public function here reads; none writes (the aggregates are kept by coverage.aggregates).
READS = (
    "by_enterprise",
    "region_q",
    "check_filters",
    "visible_cells",
    "overview",
    "naive_overview",
    "coverage_rows",
    "enterprise_rows",
    "suggested_kind",
    "must_form_reason",
    "proposal_pool",
    "proposals_for",
    "gap_rows",
)


# --- reading: scope, filters, figures ---


def by_enterprise(user) -> bool:
    """Roles whose scope is a set of enterprises rather than a subtree of the org tree get figures computed
    over those enterprises: instructors and liaisons (their assigned enterprises) and a 支部书记 bound to a
    party organisation (the enterprises it covers, which belong to the 行业党建办 and so lie outside the
    organisation's own subtree of cells)."""
    otype = object_type(CoverageCell)
    grants = [g for g in grants_for(user) if g.allows("view", otype)]
    return bool(grants) and all(g.mode == "assigned" or g.party_org for g in grants)


def _visible_enterprises(user):
    """The enterprises `user` may see: the one door (restrict) decides, including a secretary's covered ones."""
    return restrict(_ledger().Enterprise.objects.all(), user, "view")


def region_q(region: str | None, field: str = "region_id") -> Q:
    """A region filter: the county itself, or every county under a city code."""
    if not region:
        return Q()
    return Q(**{field: region}) | Q(**{field.replace("_id", "") + "__parent_id": region})


def check_filters(region: str | None, industry: str | None) -> None:
    from xinye.orgs.models import Region

    if region and not Region.objects.filter(code=region).exists():
        raise Refused(f"区划：未知的区划代码 {region}")
    if industry and industry not in Industry.values:
        raise Refused(f"行业：未知的行业 {industry}，应为 {'/'.join(Industry.values)} 之一")


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
    if by_enterprise(user):
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
    from xinye.orgs.models import Agent

    m = _ledger()
    check_filters(region, industry)

    enterprises = _visible_enterprises(user).filter(region_q(region))
    if industry:
        enterprises = enterprises.filter(industry=industry)
    in_enterprises = {"enterprise_id__in": enterprises.values("pk")}
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
        # People are counted by the enterprises in view (their denormalised unit would leave out the
        # people of a secretary's covered enterprises, which sit at the 行业党建办).
        practitioners=m.Practitioner.objects.filter(**in_enterprises).count(),
        members_full=m.PartyMember.objects.filter(is_full=True, **in_enterprises).count(),
        members_probationary=m.PartyMember.objects.filter(is_full=False, **in_enterprises).count(),
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
        raise Refused("分组：只能是 county、industry 或 county_industry")
    check_filters(region, industry)
    if by_enterprise(user):
        qs = EnterpriseCoverage.objects.filter(enterprise__in=_visible_enterprises(user).values("pk"))
        qs = qs.filter(region_q(region))
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
        raise Refused(f"覆盖状态：未知的状态 {status}，应为 {'/'.join(STATUS_FILTERS)} 之一")
    qs = _visible_enterprises(user).filter(region_q(region))
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
    qs = _visible_enterprises(user).filter(region_q(region))
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
    qs = _visible_enterprises(user).filter(region_q(region))
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

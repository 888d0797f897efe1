"""Quotas: the quarterly visits per assigned enterprise, the yearly 谈心 and 慰问; the overdue list and the
工作台's counts."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from xinye.guidance.choices import DueStatus
from xinye.guidance.models import Visit
from xinye.guidance.rules import rule
from xinye.guidance.services.assignment import _enterprise_ct, assigned_enterprise_ids, assignment_dates
from xinye.guidance.services.common import quarter_of, today
from xinye.ledger.models import Enterprise
from xinye.orgs.models import Agent, Responsibility

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "due_for_agent",
    "due_status",
    "overdue_list",
    "overdue_counts",
)


@dataclass
class DueRow:
    enterprise_id: int
    enterprise_name: str
    status: str
    last_visit: datetime.date | None
    quarter_end: datetime.date
    days_left: int
    message: str

    @property
    def status_label(self) -> str:
        return str(DueStatus(self.status).label)


def due_status(
    enterprises: list[tuple[int, str]],
    visit_dates: dict[int, list[datetime.date]],
    as_of: datetime.date,
    since: dict[int, datetime.date | None] | None = None,
) -> list[DueRow]:
    """For each (id, name) enterprise, given the agent's visit dates to it: visited this quarter (done), not
    yet (due), or not visited last quarter either (overdue) — an enterprise assigned only this quarter
    (`since`) cannot be overdue. rules.md: ≥ 1 visit per enterprise per quarter. Overdue first, then due by
    the oldest last visit."""
    since = since or {}
    need = int(rule("visits_per_quarter"))
    q_start, q_end = quarter_of(as_of)
    prev_start, _prev_end = quarter_of(q_start - datetime.timedelta(days=1))
    days_left = (q_end - as_of).days
    rows = []
    for ent_id, name in enterprises:
        dates = sorted(d for d in visit_dates.get(ent_id, []) if d <= as_of)
        last = dates[-1] if dates else None
        this_q = sum(1 for d in dates if d >= q_start)
        prev_q = sum(1 for d in dates if prev_start <= d < q_start)
        last_text = f"上次走访 {last:%Y-%m-%d}" if last else "尚无走访记录"
        if this_q >= need:
            status, msg = DueStatus.DONE, f"本季度已走访（{last:%Y-%m-%d}）"
        elif prev_q < need and not (since.get(ent_id) and since[ent_id] >= q_start):
            status = DueStatus.OVERDUE
            msg = f"上季度未走访，本季度也未走访，{last_text}；请在 {q_end:%Y-%m-%d} 前走访"
        else:
            status = DueStatus.DUE
            msg = f"本季度尚未走访，还剩 {days_left} 天（{q_end:%Y-%m-%d} 截止），{last_text}"
        rows.append(DueRow(ent_id, name, status, last, q_end, days_left, msg))
    order = {DueStatus.OVERDUE: 0, DueStatus.DUE: 1, DueStatus.DONE: 2}
    rows.sort(key=lambda r: (order[r.status], r.last_visit or datetime.date.min, r.enterprise_name))
    return rows


def due_for_agent(agent: Agent, as_of: datetime.date | None = None, enterprises=None) -> list[DueRow]:
    """The agent's assigned enterprises with their quarterly-visit status ("my list")."""
    as_of = as_of or today()
    if enterprises is None:
        enterprises = Enterprise.objects.filter(pk__in=assigned_enterprise_ids(agent))
    ents = list(enterprises.order_by("name").values_list("pk", "name"))
    since = quarter_of(quarter_of(as_of)[0] - datetime.timedelta(days=1))[0]
    dates = defaultdict(list)
    for ent_id, day in Visit.objects.filter(
        agent=agent, enterprise_id__in=[e[0] for e in ents], date__gte=since
    ).values_list("enterprise_id", "date"):
        dates[ent_id].append(day)
    # the last visit may be older than the previous quarter: fetch it for the message
    older = (
        Visit.objects.filter(
            agent=agent, enterprise_id__in=[e for e, _n in ents if e not in dates], date__lt=since
        )
        .order_by()
        .values_list("enterprise_id", "date")
    )
    for ent_id, day in older:
        dates[ent_id].append(day)
    return due_status(ents, dates, as_of, assignment_dates([agent.pk])[agent.pk])


def overdue_list(agents, enterprises, as_of: datetime.date | None = None) -> list[tuple[Agent, DueRow]]:
    """Across several agents (a restricted queryset): every assigned enterprise not yet visited this quarter,
    overdue first — among `enterprises` only (the reader's restricted Enterprise queryset: an agent may also
    serve enterprises of another industry or county that the reader must not see). Three queries whatever the
    number of agents."""
    as_of = as_of or today()
    agents = {a.pk: a for a in agents}
    pairs = assignment_dates(agents)
    names = dict(
        enterprises.filter(pk__in={e for ids in pairs.values() for e in ids}).values_list("pk", "name")
    )
    pairs = {a: {e: d for e, d in ids.items() if e in names} for a, ids in pairs.items()}
    dates = defaultdict(lambda: defaultdict(list))
    for agent_id, ent_id, day in Visit.objects.filter(agent_id__in=list(agents), date__lte=as_of).values_list(
        "agent_id", "enterprise_id", "date"
    ):
        dates[agent_id][ent_id].append(day)
    out = []
    for agent_id, ent_ids in pairs.items():
        rows = due_status([(e, names[e]) for e in ent_ids], dates[agent_id], as_of, ent_ids)
        out += [(agents[agent_id], r) for r in rows if r.status != DueStatus.DONE]
    order = {DueStatus.OVERDUE: 0, DueStatus.DUE: 1}
    out.sort(key=lambda t: (order[t[1].status], t[0].region_id, t[0].name, t[1].enterprise_name))
    return out


def overdue_counts(
    agents, enterprises, as_of: datetime.date | None = None, *, everything: bool = False, stored: bool = True
) -> tuple[int, int]:
    """(overdue, not yet visited this quarter): the two figures `overdue_list` gives for the same agents (a
    restricted queryset) and enterprises (the reader's restricted queryset), counted in one aggregate query
    instead of listed — the console home's card, which at province scale listed 100,000s of (agent,
    enterprise) pairs in Python for two numbers (issue 17).

    Today, with one visit a quarter (the rule's default) and no visit dated later, it counts the stored
    pairs (`guidance.pairs`: one row per pair with its last visit; with `everything` — the reader sees every
    agent and enterprise — without a join). Otherwise, or with `stored=False`, the live aggregate over the
    responsibilities: "visited enough" is a filter (EXISTS, which the database runs as one anti-join over the
    quarter's visits), not a per-pair count in the select list (a subquery per responsibility row: 0.8 s at
    116,667 pairs)."""
    from django.db.models import Count, Exists, Max, OuterRef, Q

    as_of = as_of or today()
    need = int(rule("visits_per_quarter"))
    if need <= 0:
        return 0, 0  # every enterprise has had its visits
    q_start, _q_end = quarter_of(as_of)
    prev_start, _prev_end = quarter_of(q_start - datetime.timedelta(days=1))
    if stored and need == 1 and as_of >= today() and not Visit.objects.filter(date__gt=as_of).exists():
        # today, one visit a quarter: the stored pairs (guidance.pairs) say it from their last visit date —
        # unless a visit is dated after today (the visit form refuses one; a clock set back could leave one),
        # which would hide an earlier visit this quarter; a reader who sees every agent and enterprise
        # (`everything`) counts them without a join
        from xinye.guidance import pairs
        from xinye.guidance.models import VisitPair

        rows = VisitPair.objects.filter(agent_active=True)
        if not everything:
            rows = rows.filter(agent_id__in=agents.values("pk"), enterprise_id__in=enterprises.values("pk"))
        return pairs.due_counts(rows, q_start, prev_start)

    def visited(since, until):
        """At least `need` visits of the pair's agent to its enterprise between the two dates."""
        qs = Visit.objects.filter(
            agent_id=OuterRef("agent_id"),
            enterprise_id=OuterRef("object_id"),
            date__gte=since,
            date__lte=until,
        )
        return Exists(qs.order_by("pk")[need - 1 : need] if need > 1 else qs)

    pairs = (
        Responsibility.objects.filter(
            content_type=_enterprise_ct(),
            agent_id__in=agents.values("pk"),
            object_id__in=enterprises.values("pk"),
        )
        .exclude(visited(q_start, as_of))  # done this quarter: not pending
        .order_by()
        .values("agent_id", "object_id")  # one row per (agent, enterprise), as overdue_list keys them
        .annotate(since=Max("since"), prev=visited(prev_start, q_start - datetime.timedelta(days=1)))
    )
    # assigned only this quarter: not overdue yet
    overdue = Q(prev=False) & (Q(since__lt=q_start) | Q(since__isnull=True))
    totals = pairs.aggregate(pending=Count("agent_id"), overdue=Count("agent_id", filter=overdue))
    return totals["overdue"], totals["pending"]

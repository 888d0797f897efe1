"""The monthly ranking of the 行业党建办: a score from the rule table (ScoreRule rows), explained line by line.

Each part is a 0–100 value; the score is Σ weight × value / Σ weight. The figures come from a handful of
queries grouped by office (never a query per office), so a month that was never published is computed as
fast as one that was:

- 任务按期完成 (tasks): of the office's tasks due this month, on time = 1, finished late = `param` (e.g. 0.5),
  still open after its due date = 0; a task not yet due is not counted; no task due = full marks.
- 目标进度 (goals): the office's organisation coverage at the month's end (enterprises covered by a party
  organisation founded by then) against the target of the city plan's 党组织覆盖率 goal (100 % without one).
- 覆盖提升 (coverage): percentage points of coverage gained in the month; `param` points = full marks; an
  office with no blank enterprise left at the start of the month has full marks.
- 组织运转 (health): the share of the office's party organisations that held a valid 支部党员大会 or 支委会
  in the month — the monthly part of orglife's health rule (支部工作条例 art. 12: 支委会 monthly); an office
  without an organisation scores 0.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum

from xinye.accounts.permissions import has_action, restrict
from xinye.core.errors import OutOfScope
from xinye.coverage.models import CoverageCell, EnterpriseCoverage, OrganisationPlacement
from xinye.orglife.models import Meeting
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit
from xinye.plans.choices import Indicator, ScoreKey, TaskStatus
from xinye.plans.models import Goal, OfficeScore, PlanTask, ScoreRule

READS = (
    "ranking_for",
    "parse_month",
    "month_bounds",
    "default_rules",
    "rules_table",
    "gather",
    "score_office",
    "compute",
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# The published defaults (the console edits the rows): weights sum to 100.
DEFAULT_RULES = [
    (
        ScoreKey.TASKS,
        Decimal(40),
        Decimal("0.5"),
        "本月到期任务：按期完成计 1 件，逾期完成按参数折算，未完成计 0。",
    ),
    (
        ScoreKey.GOALS,
        Decimal(20),
        Decimal(0),
        "月末党组织覆盖率与市级工作方案“党组织覆盖率”目标之比，封顶 100 分。",
    ),
    (
        ScoreKey.COVERAGE,
        Decimal(20),
        Decimal(5),
        "本月党组织覆盖率提升的百分点，达到参数即满分；月初已无空白企业的满分。",
    ),
    (
        ScoreKey.HEALTH,
        Decimal(20),
        Decimal(0),
        "本月召开有效支部党员大会或支委会的党组织占本单位党组织的比例。",
    ),
]
HEALTH_KINDS = ("general_meeting", "committee_meeting")


def parse_month(text: str) -> datetime.date:
    """ "2026-11" → 2026-11-01; anything else is refused by the caller (ValueError)."""
    try:
        day = datetime.datetime.strptime(text.strip(), "%Y-%m").date()  # noqa: DTZ007
    except (AttributeError, ValueError):
        raise ValueError(f"月份格式应为 YYYY-MM，如 2026-11，收到“{text}”") from None
    return day


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt - datetime.timedelta(days=1)


def default_rules() -> list[dict]:
    return [
        {"key": k.value, "label": str(k.label), "weight": w, "param": p, "description": d}
        for k, w, p, d in DEFAULT_RULES
    ]


def rules_table() -> list[dict]:
    """The rule table as stored (the defaults when it has not been written yet)."""
    rows = list(ScoreRule.objects.values("key", "weight", "param", "description"))
    if not rows:
        return default_rules()
    labels = dict(ScoreKey.choices)
    return [{**r, "label": str(labels[r["key"]])} for r in rows]


@dataclass
class OfficeFigures:
    """What the ranking needs to know about one office for one month."""

    tasks: int = 0
    on_time: int = 0
    late: int = 0
    open: int = 0
    pending: int = 0
    enterprises: int = 0
    covered_start: int = 0
    covered_end: int = 0
    organisations: int = 0
    organisations_met: int = 0


@dataclass
class Gathered:
    offices: list = field(default_factory=list)  # [(id, name, code)]
    figures: dict = field(default_factory=dict)  # office id → OfficeFigures
    target: Decimal = HUNDRED  # the city plan's 党组织覆盖率 target (%)
    target_note: str = ""


def gather(month: datetime.date, today: datetime.date, offices=None) -> Gathered:
    """The figures of every office for `month` in six queries grouped by office (tasks, enterprises, coverage,
    organisations, the city goal; the offices themselves)."""
    start, end = month_bounds(month)
    if offices is None:
        offices = OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE, is_active=True)
    rows = list(offices.order_by("path").values_list("id", "name", "code"))
    ids = [r[0] for r in rows]
    out = Gathered(offices=rows, figures={i: OfficeFigures() for i in ids})
    fig = out.figures

    done = Q(status=TaskStatus.DONE)
    for r in (
        PlanTask.objects.filter(office_id__in=ids, due_date__range=(start, end))
        .values("office_id")
        .annotate(
            n=Count("pk"),
            ok=Count("pk", filter=done & Q(finished_on__lte=F("due_date"))),
            late=Count("pk", filter=done & Q(finished_on__gt=F("due_date"))),
            pending=Count("pk", filter=~done & Q(due_date__gte=today)),
        )
    ):
        f = fig[r["office_id"]]
        # a task still open and not yet due (the month in progress) is not counted against the office
        f.pending = r["pending"]
        f.tasks, f.on_time, f.late = r["n"] - f.pending, r["ok"], r["late"]
        f.open = f.tasks - f.on_time - f.late

    # enterprises in the survey's scope: the coverage aggregates already count them per office
    for r in CoverageCell.objects.filter(unit_id__in=ids).values("unit_id").annotate(n=Sum("enterprises")):
        fig[r["unit_id"]].enterprises = r["n"] or 0
    # covered at the start and at the end of the month: the coverage aggregates name each enterprise's
    # covering organisation; its founding date says since when (no date: always). Driven from the
    # organisations' side, a few thousand rows, not every enterprise.
    since = "organisation__founded_on"
    for r in (
        EnterpriseCoverage.objects.filter(organisation_id__gt=0)  # the organisation index, not in_scope's
        .values("unit_id")
        .annotate(
            s=Count(
                "pk",
                filter=Q(in_scope=True) & (Q(**{f"{since}__isnull": True}) | Q(**{f"{since}__lt": start})),
            ),
            e=Count(
                "pk",
                filter=Q(in_scope=True) & (Q(**{f"{since}__isnull": True}) | Q(**{f"{since}__lte": end})),
            ),
        )
    ):
        f = fig.get(r["unit_id"])
        if f is not None:
            f.covered_start, f.covered_end = r["s"], r["e"]

    met = Meeting.objects.filter(
        date__range=(start, end), kind__in=HEALTH_KINDS, unit__party_organisation__isnull=False
    ).exclude(quorum_met=False)
    for r in (
        OrganisationPlacement.objects.filter(unit_id__in=ids)
        .exclude(kind=UnitKind.PARTY_GROUP)
        .values("unit_id")
        .annotate(
            n=Count("pk"),
            m=Count("pk", filter=Q(organisation_id__in=met.values("unit__party_organisation__id"))),
        )
    ):
        f = fig[r["unit_id"]]
        f.organisations, f.organisations_met = r["n"], r["m"]

    goal = (
        Goal.objects.filter(
            plan__year=month.year,
            plan__owner__kind=UnitKind.WORK_COMMITTEE,
            plan__owner__parent__kind=UnitKind.ORG_DEPARTMENT,
            indicator=Indicator.ORGANISATION_RATE,
        )
        .values_list("target", "plan__title")
        .first()
    )
    if goal is not None and goal[0] > 0:
        out.target, out.target_note = min(goal[0], HUNDRED), f"《{goal[1]}》目标 {goal[0]}%"
    else:
        out.target_note = "未设市级覆盖率目标，按 100% 计"
    return out


def _q2(x) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def _pct(n: int, d: int) -> Decimal:
    return HUNDRED * n / d if d else Decimal(0)


def _part(key: str, f: OfficeFigures, rule: dict, g: Gathered) -> tuple[Decimal, str]:
    """One part's 0–100 value and the sentence that explains it."""
    if key == ScoreKey.TASKS:
        later = f"（另有 {f.pending} 件尚未到期）" if f.pending else ""
        if not f.tasks:
            return HUNDRED, f"本月无到期任务{later}，计满分"
        credit = Decimal(rule["param"])
        value = HUNDRED * (f.on_time + credit * f.late) / f.tasks
        return value, (
            f"本月到期任务 {f.tasks} 件：按期完成 {f.on_time} 件，逾期完成 {f.late} 件（按 {credit} 计），"
            f"未完成 {f.open} 件{later}"
        )
    if key == ScoreKey.GOALS:
        if not f.enterprises:
            return HUNDRED, "本单位暂无摸排企业，计满分"
        rate = _pct(f.covered_end, f.enterprises)
        value = min(HUNDRED, HUNDRED * rate / g.target)
        return value, (
            f"月末党组织覆盖 {f.covered_end}/{f.enterprises} 家企业，覆盖率 {_q2(rate)}%，{g.target_note}"
        )
    if key == ScoreKey.COVERAGE:
        if not f.enterprises or f.covered_start >= f.enterprises:
            return HUNDRED, "月初已无党组织覆盖空白企业，计满分"
        gained = _pct(f.covered_end - f.covered_start, f.enterprises)
        full = Decimal(rule["param"]) or Decimal(1)
        value = min(HUNDRED, HUNDRED * gained / full)
        return value, (
            f"本月新覆盖 {f.covered_end - f.covered_start} 家企业，提升 {_q2(gained)} 个百分点"
            f"（{full} 个百分点满分）"
        )
    if key == ScoreKey.HEALTH:
        if not f.organisations:
            return Decimal(0), "本单位暂无党组织，计 0 分"
        value = _pct(f.organisations_met, f.organisations)
        return value, (
            f"党组织 {f.organisations} 个，本月召开有效支部党员大会或支委会的 {f.organisations_met} 个"
        )
    raise ValueError(key)


def score_office(f: OfficeFigures, rules: list[dict], g: Gathered) -> tuple[Decimal, list[dict]]:
    """(score, parts): each part with its value, weight, weighted points and explanation."""
    total_weight = sum(Decimal(r["weight"]) for r in rules) or Decimal(1)
    parts, score = [], Decimal(0)
    for rule in rules:
        value, why = _part(rule["key"], f, rule, g)
        share = Decimal(rule["weight"]) / total_weight
        points = value * share
        score += points
        parts.append(
            {
                "key": rule["key"],
                "label": rule["label"],
                "weight": str(_q2(Decimal(rule["weight"]))),
                "value": str(_q2(value)),
                "points": str(_q2(points)),
                "explanation": f"{rule['label']}：{why} → {_q2(value)} 分 × 权重 {_q2(share * HUNDRED)}% = "
                f"{_q2(points)} 分",
            }
        )
    return _q2(score), parts


def compute(month: datetime.date, today: datetime.date, offices=None) -> list[dict]:
    """The ranking of the offices for `month`: [{office_id, office, code, score, rank, parts}], best first;
    equal scores share a rank (1, 2, 2, 4)."""
    g = gather(month, today, offices)
    rules = rules_table()
    items = []
    for oid, name, code in g.offices:
        score, parts = score_office(g.figures[oid], rules, g)
        items.append({"office_id": oid, "office": name, "code": code, "score": score, "parts": parts})
    items.sort(key=lambda i: -i["score"])
    previous, rank = None, 0
    for n, item in enumerate(items, start=1):
        if item["score"] != previous:
            rank, previous = n, item["score"]
        item["rank"] = rank
    return items


def ranking_for(user, month: datetime.date, today: datetime.date) -> tuple[bool, list[dict]]:
    """The month's ranking as `user` may see it: (published?, items). The published rows if the month was
    published, else computed now from the data and the rule table. Offices outside the user's scope are
    left out; ranks stay those of the whole city."""
    if not has_action(user, "view", OfficeScore):
        raise OutOfScope()
    offices = OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE)
    visible = set(restrict(offices, user, "view").values_list("pk", flat=True))
    stored = list(
        OfficeScore.objects.filter(month=month).select_related("office").order_by("rank", "office__path")
    )
    if stored:
        items = [
            {
                "office_id": s.office_id,
                "office": s.office.name,
                "code": s.office.code,
                "score": s.score,
                "rank": s.rank,
                "parts": s.parts,
            }
            for s in stored
        ]
    else:
        items = compute(month, today)
    return bool(stored), [i for i in items if i["office_id"] in visible]

"""The statistics sheets: a small registry, so each capability adds its own sheet to the workbook.

A sheet is `Sheet(key, title, build, order)`; `build(scope, period)` returns a `Table` — columns with their
units, rows, and a totals row. Every figure is read through the same service functions as the API's
statistics (`coverage.services.overview`/`coverage_rows` behind `/api/v1/stats/*`, `appeals.services`'
`statistics` behind `/api/v1/appeals/stats`, `members.services.pipeline` behind `/api/v1/members/pipeline`),
always over `restrict(…, scope.viewer)`. A later capability registers its sheet from its own module:

    from xinye.reports.sheets import Sheet, Table, register
    register(Sheet("funds", "党建经费", build_funds, order=90))

(The registry lives on the oversight floor, so a domain app cannot import it: a capability's sheet is
written here, or in a `reports/sheets_<app>.py` module imported at the end of this one.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from xinye.accounts.permissions import restrict
from xinye.appeals import services as appeal_stats
from xinye.appeals.choices import AppealCategory, AppealStatus
from xinye.appeals.models import Appeal, AppealTask
from xinye.core.choices import Industry
from xinye.coverage import services as coverage
from xinye.guidance.models import Visit, VisitProblem
from xinye.ledger.models import PartyMember
from xinye.members.models import DevelopmentCase, DuesPayment
from xinye.members.services.development import pipeline
from xinye.orgs.models import Agent, Region
from xinye.reports.context import Period, Scope
from xinye.stations.models import Station, StationCheckIn, StationRegistration
from xinye.volunteers.models import VolunteerActivity, VolunteerHours, VolunteerProfile

READS = ("register", "registered", "build_all")

INT, RATE, MONEY, HOURS, TEXT = "int", "rate", "money", "hours", "text"


@dataclass(frozen=True)
class Column:
    label: str
    unit: str = ""  # 家、名、个、次、元、小时、%
    kind: str = INT


@dataclass
class Table:
    """One sheet's content: the columns (the first `keys` of them name the row), rows, the totals row."""

    columns: list[Column]
    rows: list[list]
    totals: list | None = None
    keys: int = 1
    note: str = ""
    # Stock figures are stated as of a day; flow figures over the whole period.
    basis: str = "period"  # "stock" | "period"

    def __post_init__(self):
        # A totals row summed over no rows holds only its label: the figures are zeros.
        if self.totals is not None and len(self.totals) < len(self.columns):
            self.totals = [*self.totals, *([""] * (self.keys - len(self.totals)))]
            self.totals += [0] * (len(self.columns) - len(self.totals))


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    build: Callable[[Scope, Period], Table]
    order: int = 100
    pillar: str = ""


_REGISTRY: dict[str, Sheet] = {}


def register(sheet: Sheet) -> Sheet:
    """Add (or replace, by key) a sheet of the statistics workbook."""
    _REGISTRY[sheet.key] = sheet
    return sheet


def registered() -> list[Sheet]:
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


def build_all(scope: Scope, period: Period) -> list[tuple[Sheet, Table]]:
    return [(sheet, sheet.build(scope, period)) for sheet in registered()]


# --- helpers ---


def _region_names() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "name"))


def _industry_labels() -> dict[str, str]:
    return {k: str(v) for k, v in Industry.choices}


def _rate(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


def _sum_rows(rows: list[list], keys: int, label="合计") -> list:
    width = len(rows[0]) if rows else 0
    out = [label] + [""] * (keys - 1)
    for i in range(keys, width):
        values = [r[i] for r in rows if isinstance(r[i], (int, float, Decimal))]
        out.append(sum(values) if values else 0)
    return out


def _by_region(qs, field="region_id", **annotations) -> dict[str, dict]:
    return {row.pop(field): row for row in qs.values(field).annotate(**annotations).order_by(field)}


# --- 1. 企业、从业人员、党员、党组织（旗县区×行业） ---

ORG_SUMS = (
    "org_party_committee",
    "org_general_branch",
    "org_branch",
    "org_joint_branch",
    "org_online_branch",
)


def build_ledger(scope: Scope, period: Period) -> Table:
    """Per county × industry, from the coverage cells the viewer may see (as /api/v1/stats/coverage)."""
    rows_api = coverage.coverage_rows(scope.viewer, "county_industry")
    orgs = {
        (r["region_id"], r["industry"]): sum(r[f] or 0 for f in ORG_SUMS)
        for r in coverage.visible_cells(scope.viewer)
        .values("region_id", "industry")
        .annotate(**{f: Sum(f) for f in ORG_SUMS})
    }
    rows = [
        [
            r["region_name"],
            r["industry_label"],
            r["enterprises"],
            r["practitioners"],
            r["party_members"],
            orgs.get((r["region"], r["industry"]), 0),
        ]
        for r in rows_api
    ]
    overview = coverage.overview(scope.viewer)
    totals = [
        "合计",
        "",
        overview["enterprises"],
        overview["practitioners"],
        overview["party_members"],
        overview["party_organisations"]["total"],
    ]
    return Table(
        [
            Column("旗县区"),
            Column("行业"),
            Column("新业态企业", "家"),
            Column("从业人员", "名"),
            Column("党员", "名"),
            Column("党组织", "个"),
        ],
        rows,
        totals,
        keys=2,
        basis="stock",
        note="企业为纳入摸排范围的在营企业；党组织含党委、党总支、党支部（含联合、网络党支部），不含党小组。",
    )


# --- 2. 组织覆盖（旗县区×行业） ---


def build_coverage(scope: Scope, period: Period) -> Table:
    rows_api = coverage.coverage_rows(scope.viewer, "county_industry")
    rows = [
        [
            r["region_name"],
            r["industry_label"],
            r["enterprises"],
            r["independent"],
            r["joint"],
            r["work"],
            r["blank"],
            r["organisation_rate"],
            r["work_rate"],
            r["must_form"],
        ]
        for r in rows_api
    ]
    c = coverage.overview(scope.viewer)
    cov = c["coverage"]
    totals = [
        "合计",
        "",
        c["enterprises"],
        cov["independent"],
        cov["joint"],
        cov["work"],
        cov["blank"],
        cov["organisation_rate"],
        cov["work_rate"],
        c["must_form"],
    ]
    return Table(
        [
            Column("旗县区"),
            Column("行业"),
            Column("企业", "家"),
            Column("单独组建", "家"),
            Column("联合组建", "家"),
            Column("工作覆盖", "家"),
            Column("空白", "家"),
            Column("组织覆盖率", "%", RATE),
            Column("工作覆盖率", "%", RATE),
            Column("应建未建", "家"),
        ],
        rows,
        totals,
        keys=2,
        basis="stock",
        note="组织覆盖率＝（单独组建＋联合组建）÷企业；工作覆盖率＝（单独＋联合＋工作覆盖）÷企业。",
    )


# --- 3. 党建指导员、驻企联络员及走访 ---


def build_guidance(scope: Scope, period: Period) -> Table:
    names = _region_names()
    agents = restrict(Agent.objects.filter(is_active=True), scope.viewer, "view")
    people = _by_region(
        agents,
        instructors=Count("pk", filter=Q(kind="instructor")),
        liaisons=Count("pk", filter=Q(kind="liaison")),
    )
    visits = restrict(Visit.objects.all(), scope.viewer, "view").filter(
        date__range=(period.start, period.end)
    )
    done = _by_region(
        visits,
        visits=Count("pk"),
        enterprises=Count("enterprise_id", distinct=True),
        heart=Count("pk", filter=Q(is_heart_to_heart=True)),
    )
    problems = restrict(VisitProblem.objects.all(), scope.viewer, "view")
    found = _by_region(
        problems.filter(visit__date__range=(period.start, period.end)), "visit__region_id", n=Count("pk")
    )
    solved = _by_region(
        problems.filter(resolved_on__range=(period.start, period.end)), "visit__region_id", n=Count("pk")
    )
    rows = []
    for code in sorted(set(people) | set(done) | set(found) | set(solved)):
        p, d = people.get(code, {}), done.get(code, {})
        rows.append(
            [
                names.get(code, code),
                p.get("instructors", 0),
                p.get("liaisons", 0),
                d.get("visits", 0),
                d.get("enterprises", 0),
                d.get("heart", 0),
                found.get(code, {}).get("n", 0),
                solved.get(code, {}).get("n", 0),
            ]
        )
    return Table(
        [
            Column("旗县区"),
            Column("党建指导员", "名"),
            Column("驻企联络员", "名"),
            Column("走访", "次"),
            Column("走访企业", "家"),
            Column("谈心谈话", "次"),
            Column("发现问题", "个"),
            Column("解决问题", "个"),
        ],
        rows,
        _sum_rows(rows, 1),
        note="指导员、联络员按派出单位所在旗县区计（在岗）；走访、问题按统计期内日期计。",
    )


# --- 4. 服务站与签到 ---


def build_stations(scope: Scope, period: Period) -> Table:
    names = _region_names()
    stations = restrict(Station.objects.all(), scope.viewer, "view")
    counts = _by_region(
        stations,
        total=Count("pk"),
        open=Count("pk", filter=Q(status="open")),
        green=Count("pk", filter=Q(green_channel=True)),
    )
    checkins = _by_region(
        restrict(StationCheckIn.objects.all(), scope.viewer, "view").filter(
            day__range=(period.start, period.end)
        ),
        "station__region_id",
        n=Count("pk"),
    )
    start, end = period.aware_bounds()
    registrations = _by_region(
        restrict(StationRegistration.objects.all(), scope.viewer, "view").filter(
            registered_at__gte=start, registered_at__lt=end
        ),
        "station__region_id",
        n=Count("pk"),
    )
    rows = []
    for code in sorted(set(counts) | set(checkins) | set(registrations)):
        c = counts.get(code, {})
        rows.append(
            [
                names.get(code, code),
                c.get("total", 0),
                c.get("open", 0),
                c.get("green", 0),
                checkins.get(code, {}).get("n", 0),
                registrations.get(code, {}).get("n", 0),
            ]
        )
    return Table(
        [
            Column("旗县区"),
            Column("服务站", "个"),
            Column("开放中", "个"),
            Column("小哥绿色通道", "个"),
            Column("签到", "人次"),
            Column("新备案", "人"),
        ],
        rows,
        _sum_rows(rows, 1),
    )


# --- 5. 诉求办理（按类别、按承办单位） ---


def build_appeals(scope: Scope, period: Period) -> Table:
    """By category (appeals received in the period) and by handling unit (tasks assigned in the period —
    the figures of /api/v1/appeals/stats?from=…&to=…)."""
    start, end = period.aware_bounds()
    appeals = restrict(Appeal.objects.all(), scope.viewer, "view").filter(
        submitted_at__gte=start, submitted_at__lt=end
    )
    done = (AppealStatus.CLOSED, AppealStatus.VISITED, AppealStatus.RATED)
    by_cat = {
        r.pop("category"): r
        for r in appeals.values("category")
        .annotate(
            received=Count("pk"),
            on_time=Count("pk", filter=Q(status__in=done, closed_at__lte=F("due_at"))),
            resolved=Count("pk", filter=Q(status__in=done)),
            rated=Count("pk", filter=Q(satisfied__isnull=False)),
            satisfied=Count("pk", filter=Q(satisfied=True)),
        )
        .order_by()
    }
    rows = []
    for value, label in AppealCategory.choices:
        r = by_cat.get(value)
        if r:
            rows.append(
                [
                    "按类别",
                    str(label),
                    r["received"],
                    r["on_time"],
                    r["resolved"],
                    r["rated"],
                    r["satisfied"],
                    _rate(r["satisfied"], r["rated"]),
                ]
            )
    totals = _sum_rows(rows, 2) if rows else ["合计", "", 0, 0, 0, 0, 0, None]
    if rows:
        totals[-1] = _rate(totals[6], totals[5])
    tasks = restrict(AppealTask.objects.all(), scope.viewer, "view")
    _total, units = appeal_stats.statistics(appeal_stats.period_tasks(tasks, period.start, period.end))
    for u in units:
        rows.append(
            [
                "按承办单位",
                u.unit.name,
                u.tasks,
                u.signed_in_time,
                u.finished,
                u.rated,
                u.satisfied,
                float(u.satisfaction_rate) / 100 if u.satisfaction_rate is not None else None,
            ]
        )
    return Table(
        [
            Column("分组"),
            Column("类别/承办单位"),
            Column("受理（派单）", "件"),
            Column("按时", "件"),
            Column("办结", "件"),
            Column("已评价", "件"),
            Column("满意", "件"),
            Column("满意率", "%", RATE),
        ],
        rows,
        totals,
        keys=2,
        note="按类别：统计期内提交的诉求，“按时”为在办结时限内办结；按承办单位：统计期内派单的任务，"
        "“按时”为限时内签收（与诉求统计接口一致）。合计为按类别之和。",
    )


# --- 6. 志愿服务时长 ---


def build_volunteers(scope: Scope, period: Period) -> Table:
    names = _region_names()
    start, end = period.aware_bounds()
    profiles = _by_region(
        restrict(VolunteerProfile.objects.filter(is_active=True), scope.viewer, "view"), n=Count("pk")
    )
    activities = _by_region(
        restrict(VolunteerActivity.objects.all(), scope.viewer, "view").filter(
            starts_at__gte=start, starts_at__lt=end
        ),
        n=Count("pk"),
    )
    hours = _by_region(
        restrict(VolunteerHours.objects.all(), scope.viewer, "view").filter(
            recorded_at__gte=start, recorded_at__lt=end
        ),
        "profile__region_id",
        people=Count("profile_id", distinct=True),
        hours=Sum("hours"),
    )
    rows = []
    for code in sorted(set(profiles) | set(activities) | set(hours)):
        h = hours.get(code, {})
        rows.append(
            [
                names.get(code, code),
                profiles.get(code, {}).get("n", 0),
                activities.get(code, {}).get("n", 0),
                h.get("people", 0),
                h.get("hours") or Decimal("0.00"),
            ]
        )
    return Table(
        [
            Column("旗县区"),
            Column("在册志愿者", "名"),
            Column("活动", "场"),
            Column("参与志愿者", "名"),
            Column("服务时长", "小时", HOURS),
        ],
        rows,
        _sum_rows(rows, 1),
        note="时长按统计期内确认记录的时长计。",
    )


# --- 7. 发展党员梯队 ---


def build_development(scope: Scope, period: Period) -> Table:
    cases = restrict(DevelopmentCase.objects.all(), scope.viewer, "view")
    members = restrict(PartyMember.objects.all(), scope.viewer, "view")
    data = pipeline(cases, members, year=period.start.year)
    keys = [
        "applicants",
        "activists",
        "candidates",
        "probationary",
        "admitted_this_year",
        "converted_this_year",
    ]
    rows = [[r["region"] or "", r["unit"], *(r[k] for k in keys)] for r in data["rows"]]
    return Table(
        [
            Column("旗县区"),
            Column("党组织"),
            Column("入党申请人", "名"),
            Column("入党积极分子", "名"),
            Column("发展对象", "名"),
            Column("预备党员", "名"),
            Column(f"{data['year']}年接收预备党员", "名"),
            Column(f"{data['year']}年转正", "名"),
        ],
        rows,
        ["合计", "", *(data["totals"][k] for k in keys)],
        keys=2,
        basis="stock",
    )


# --- 8. 党费交纳 ---


def build_dues(scope: Scope, period: Period) -> Table:
    members = restrict(PartyMember.objects.all(), scope.viewer, "view")
    member_counts = {
        r["unit_id"]: r
        for r in members.values("unit_id", "unit__name", "region__name").annotate(n=Count("pk"))
    }
    payments = restrict(DuesPayment.objects.all(), scope.viewer, "view").filter(
        paid_on__range=(period.start, period.end)
    )
    paid = defaultdict(dict)
    for r in payments.values("unit_id", "unit__name", "unit__region__name").annotate(
        payers=Count("member_id", distinct=True), amount=Sum("amount"), n=Count("pk")
    ):
        paid[r["unit_id"]] = r
    rows = []
    for unit_id in set(member_counts) | set(paid):
        m, p = member_counts.get(unit_id, {}), paid.get(unit_id, {})
        rows.append(
            [
                m.get("region__name") or p.get("unit__region__name") or "",
                m.get("unit__name") or p.get("unit__name") or "",
                m.get("n", 0),
                p.get("payers", 0),
                p.get("n", 0),
                p.get("amount") or Decimal("0.00"),
            ]
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return Table(
        [
            Column("旗县区"),
            Column("党组织"),
            Column("党员", "名"),
            Column("本期交纳人数", "名"),
            Column("交纳笔数", "笔"),
            Column("交纳金额", "元", MONEY),
        ],
        rows,
        _sum_rows(rows, 2),
        keys=2,
        note="按统计期内的交纳日期计；党员人数为当前在册。",
    )


for _sheet in (
    Sheet("ledger", "企业、从业人员、党员和党组织", build_ledger, 10, "build"),
    Sheet("coverage", "党的组织和工作覆盖", build_coverage, 20, "build"),
    Sheet("guidance", "党建指导员、驻企联络员及走访", build_guidance, 30, "build"),
    Sheet("stations", "新业态党建服务站及签到", build_stations, 40, "role"),
    Sheet("appeals", "诉求办理", build_appeals, 50, "support"),
    Sheet("volunteers", "志愿服务时长", build_volunteers, 60, "role"),
    Sheet("development", "发展党员梯队", build_development, 70, "institutions"),
    Sheet("dues", "党费交纳", build_dues, 80, "institutions"),
):
    register(_sheet)

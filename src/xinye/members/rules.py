"""Rules of member development, dues, transfers and learning that a city may change (rules.md), and the
pure date arithmetic they are counted in.

Defaults are the published figures; override any of them with `XINYE_MEMBERS_RULES = {...}` in settings.
The step intervals themselves are data (`StepInterval` rows), editable in the console by city staff;
the dues bands are data too (`DuesBand` rows). What stays here are single figures.

The minimum age to join (细则 第六条) is one figure for the whole city: the ledger's (`XINYE_LEDGER_RULES`,
which the ledger's own member checks read); the ledger sits below this app, so the figure lives there and
`rule("min_join_age")` here reads it.

Models and services both import from here (models never import the services).
"""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings

from xinye.ledger import rules as ledger_rules

DEFAULTS = {
    # 细则 第十二条: 党支部每半年对入党积极分子进行一次考察.
    "activist_review_every_days": 182,
    # 细则 第十九条: 集中培训时间一般不少于3天（或不少于24个学时）.
    "candidate_training_hours": Decimal("24"),
    "candidate_training_days": 3,
    # 细则 第三十三条 / 第三十四条: 预备期一年; 延长预备期只能一次，不能少于半年，最长不超过一年.
    "probation_months": 12,
    "probation_extension_months": (6, 12),
    # 党组织关系介绍信有效期 (中组部《关于党员组织关系转接的规定》): 3 months; 跨省 6 months.
    "transfer_valid_months": 3,
    "transfer_valid_months_cross_province": 6,
    # 党费规定: 学生、低保、失业党员每月交纳党费 0.2 元.
    "dues_flat_amount": Decimal("0.20"),
    # Month from which xinye tracks dues (earlier months were paid on paper).
    "dues_tracking_from": "2026-01-01",
    # 流动党员 normally pay dues to the organisation that holds their membership.
    "flowing_members_pay_here": False,
    # The province the city is in (跨省 transfers get the longer validity).
    "home_province": "内蒙古自治区",
}

# Figures defined once in a lower app and read here under the same name.
SHARED = {
    # 发展党员工作细则 第六条: 年满十八岁 may apply (and join).
    "min_join_age": ledger_rules.rule,
}


def rule(name: str):
    if name in SHARED:
        return SHARED[name](name)
    overrides = getattr(settings, "XINYE_MEMBERS_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])


# --- dates ---


def month_start(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def add_months(d: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (clamped to the month's end: 1-31 + 1 month → 2-28/29)."""
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return datetime.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """First-of-month dates from first's month to last's month inclusive."""
    out, cur = [], month_start(first)
    while cur <= last:
        out.append(cur)
        cur = add_months(cur, 1)
    return out


# --- development ---


def stage_of(step_no: int) -> int:
    """The stage (1 申请入党 … 5 预备党员的教育考察和转正) a step of the 25 belongs to (细则 ch. 2–6)."""
    if step_no <= 2:
        return 1
    if step_no <= 6:
        return 2
    if step_no <= 11:
        return 3
    if step_no <= 18:
        return 4
    return 5


# --- transfers ---


def is_cross_province(other_region: str) -> bool:
    """A transfer is 跨省 when the other side is named and is not in the city's own province."""
    home = str(rule("home_province"))
    short = home.replace("自治区", "").replace("省", "")
    return bool(other_region) and home not in other_region and short not in other_region


def transfer_valid_until(issued_on: datetime.date, cross_province: bool) -> datetime.date:
    """介绍信 validity: 3 months, 6 across provinces (rules.md §Transfers), the last valid day."""
    months = rule("transfer_valid_months_cross_province" if cross_province else "transfer_valid_months")
    return add_months(issued_on, int(months)) - datetime.timedelta(days=1)

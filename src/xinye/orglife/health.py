"""Organisation health ("组建一个、正常运转一个"): is a party organisation running normally?

A plain function over plain inputs (no database, no request): for one organisation and a period (a quarter
or a year), the meetings the rules require (MeetingRule rows: 支部工作条例 art. 11–13) against those held,
the attendance rate, members missing organisational life or dues for 3 months (flag) and 6 months (alarm,
rules.md: treated as having left), the term of office, a score 0–100 and a plain Chinese list of what is
missing ("本季度应召开支部党员大会 1 次，实际 0 次").

How the count works: a rule is checked per rule period (a monthly rule month by month, so three 支委会 in
October do not make up for November). Rule periods that have ended by `as_of` are required; the one in
progress is a reminder, not a shortfall. A yearly rule is checked in a year period and in the fourth quarter.
A 支部党员大会 or 支委会 without quorum does not count (its decisions are not valid).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from xinye.core.errors import Refused

KIND_LABELS = {
    "general_meeting": "支部党员大会",
    "committee_meeting": "支委会",
    "group_meeting": "党小组会",
    "party_lecture": "党课",
    "theme_day": "主题党日",
    "life_meeting": "组织生活会",
    "democratic_review": "民主评议党员",
    "heart_to_heart": "谈心谈话",
}
QUORUM_KINDS = ("general_meeting", "committee_meeting")
DEFAULT_WEIGHTS = {"meetings": 60, "attendance": 20, "members": 10, "term": 10}


# --- periods ---


@dataclass(frozen=True)
class HealthPeriod:
    start: datetime.date
    end: datetime.date
    kind: str  # "quarter" | "year"
    label: str  # "2026Q4" | "2026"

    @property
    def words(self) -> str:
        return "本季度" if self.kind == "quarter" else "本年度"

    @property
    def title(self) -> str:
        if self.kind == "quarter":
            return f"{self.start.year} 年第 {(self.start.month - 1) // 3 + 1} 季度"
        return f"{self.start.year} 年度"


def _month_end(year: int, month: int) -> datetime.date:
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - datetime.timedelta(days=1)


def quarter_period(year: int, quarter: int) -> HealthPeriod:
    start = datetime.date(year, quarter * 3 - 2, 1)
    return HealthPeriod(start, _month_end(year, quarter * 3), "quarter", f"{year}Q{quarter}")


def year_period(year: int) -> HealthPeriod:
    return HealthPeriod(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year", str(year))


def parse_period(text: str | None, as_of: datetime.date) -> HealthPeriod:
    """'2026Q4', '2026-Q4', '2026q4' or '2026'; empty means the quarter containing as_of."""
    text = (text or "").strip().upper()
    if not text:
        return quarter_period(as_of.year, (as_of.month - 1) // 3 + 1)
    m = re.fullmatch(r"(\d{4})-?Q([1-4])", text)
    if m:
        return quarter_period(int(m.group(1)), int(m.group(2)))
    if re.fullmatch(r"\d{4}", text):
        return year_period(int(text))
    raise Refused({"period": f"考核期“{text}”无效，应写作 2026Q4（季度）或 2026（年度）"})


def _sub_periods(period: HealthPeriod, unit: str) -> list[tuple[datetime.date, datetime.date, str]]:
    """The rule periods (month/quarter/year) inside `period`, with a short name for messages."""
    out = []
    if unit == "month":
        d = period.start
        while d <= period.end:
            out.append((d, _month_end(d.year, d.month), f"{d.month} 月"))
            d = _month_end(d.year, d.month) + datetime.timedelta(days=1)
    elif unit == "quarter":
        d = period.start
        while d <= period.end:
            q = (d.month - 1) // 3 + 1
            p = quarter_period(d.year, q)
            out.append((p.start, p.end, f"第 {q} 季度"))
            d = p.end + datetime.timedelta(days=1)
    elif unit == "year":
        p = year_period(period.start.year)
        if period.kind == "year" or period.end == p.end:  # yearly rules: in the year and in its Q4
            out.append((p.start, p.end, f"{p.start.year} 年"))
    return out


# --- inputs ---


@dataclass(frozen=True)
class RuleInput:
    kind: str
    period: str  # month | quarter | year
    min_count: int = 1
    condition: str = "always"  # always | has_committee | has_groups
    source: str = ""

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class MeetingInput:
    kind: str
    date: datetime.date
    expected: int = 0
    present: int = 0
    quorum_met: bool | None = None
    id: int | None = None


@dataclass(frozen=True)
class MemberInput:
    id: int
    name: str
    is_full: bool = True
    joined_on: datetime.date | None = None
    last_present: datetime.date | None = None  # last meeting attended (any time)
    arrears_months: int | None = None  # consecutive unpaid months, None when not known


@dataclass(frozen=True)
class OrgInput:
    id: int
    name: str
    kind: str = "branch"
    county: str = ""
    industry: str = ""
    has_committee: bool = False
    has_groups: bool = False
    next_election_on: datetime.date | None = None
    members: tuple = ()
    meetings: tuple = ()  # MeetingInput, any dates (those outside the period are ignored)


# --- outputs ---


@dataclass
class RuleCheck:
    kind: str
    label: str
    required: int
    held: int
    pending: list[str] = field(default_factory=list)  # rule periods in progress, not yet held
    short: list[str] = field(default_factory=list)  # rule periods that ended without enough meetings
    source: str = ""

    @property
    def ok(self) -> bool:
        return self.held >= self.required


@dataclass
class MemberFlag:
    member_id: int
    name: str
    what: str  # "life" | "dues"
    months: int
    level: str  # "flag" | "alarm"


@dataclass
class Health:
    org_id: int
    name: str
    period: HealthPeriod
    score: int
    normal: bool
    checks: list[RuleCheck]
    attendance_rate: float | None
    member_flags: list[MemberFlag]
    quorum_failures: list[str]
    term: str  # "ok" | "due" | "expired" | "unknown"
    missing: list[str]
    reminders: list[str]
    county: str = ""
    industry: str = ""
    parts: dict = field(default_factory=dict)

    @property
    def alarms(self) -> int:
        return sum(1 for f in self.member_flags if f.level == "alarm")


def _months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from `earlier` to `later` (2026-05-20 → 2026-11-19 is 5, → 2026-11-20 is 6)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(0, months)


def _applies(rule: RuleInput, org: OrgInput) -> bool:
    if rule.condition == "has_committee":
        return org.has_committee
    if rule.condition == "has_groups":
        return org.has_groups
    return True


def assess(
    org: OrgInput,
    rules,
    period: HealthPeriod,
    as_of: datetime.date,
    *,
    flag_months: int = 3,
    alarm_months: int = 6,
    notice_days: int = 90,
    weights: dict | None = None,
    healthy_score: int = 70,
    committee_min_full_members: int = 7,
) -> Health:
    """The health of one organisation in one period, as of a date (see the module docstring)."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    missing: list[str] = []
    reminders: list[str] = []
    quorum_failures: list[str] = []
    words = period.words

    valid, invalid = [], []
    for m in org.meetings:
        if m.date > as_of:
            continue
        if m.kind in QUORUM_KINDS and m.quorum_met is False:
            invalid.append(m)
        else:
            valid.append(m)
    for m in sorted(invalid, key=lambda m: m.date):
        if period.start <= m.date <= period.end:
            text = (
                f"{m.date:%Y-%m-%d} {KIND_LABELS.get(m.kind, m.kind)}到会 {m.present} 人（应到 {m.expected} 人），"
                f"未超过半数，会议无效，不计入召开次数"
            )
            quorum_failures.append(text)
            missing.append(text)

    checks = []
    for rule in rules:
        if not _applies(rule, org):
            continue
        subs = _sub_periods(period, rule.period)
        if not subs:
            continue
        check = RuleCheck(rule.kind, rule.label, 0, 0, source=rule.source)
        for start, end, name in subs:
            held = sum(1 for m in valid if m.kind == rule.kind and start <= m.date <= end)
            if end <= as_of:
                check.required += rule.min_count
                check.held += min(held, rule.min_count)
                if held < rule.min_count:
                    check.short.append(name)
            elif start <= as_of and held < rule.min_count:
                check.pending.append(name)
        checks.append(check)
        if check.required and check.held < check.required:
            total_held = sum(
                1
                for m in valid
                if m.kind == rule.kind
                and any(start <= m.date <= end for start, end, _n in subs if end <= as_of)
            )
            where = f"（{'、'.join(check.short)}未召开）" if len(subs) > 1 else ""
            scope_words = words if rule.period != "year" or period.kind == "year" else "本年度"
            missing.append(
                f"{scope_words}应召开{rule.label} {check.required} 次，实际 {total_held} 次{where}"
                if rule.kind != "heart_to_heart"
                else f"{scope_words}应开展谈心谈话 {check.required} 次，实际 {total_held} 次{where}"
            )
        for name in check.pending:
            reminders.append(f"{name}{rule.label}尚未召开（{_deadline(subs, name)}前）")

    # Attendance: meetings in the period with a known expected count.
    in_period = [m for m in org.meetings if period.start <= m.date <= min(period.end, as_of) and m.expected]
    expected = sum(m.expected for m in in_period)
    rate = (sum(min(m.present, m.expected) for m in in_period) / expected) if expected else None

    # Members and term are judged at the end of the period (or today, for the period in progress).
    ref = min(period.end, as_of)

    # Members missing organisational life (or dues) for 3 and 6 months.
    first_meeting = min((m.date for m in org.meetings if m.date <= ref), default=None)
    flags: list[MemberFlag] = []
    for member in org.members:
        since = member.last_present if member.last_present and member.last_present <= ref else None
        if since is None and member.last_present is None:
            # Never attended: count from when records begin for them (joining, or the first meeting here).
            candidates = [d for d in (member.joined_on, first_meeting) if d is not None]
            since = max(candidates) if first_meeting is not None and candidates else None
        if since is not None:
            months = _months_between(since, ref)
            if months >= flag_months:
                level = "alarm" if months >= alarm_months else "flag"
                flags.append(MemberFlag(member.id, member.name, "life", months, level))
        if member.arrears_months is not None and member.arrears_months >= flag_months:
            level = "alarm" if member.arrears_months >= alarm_months else "flag"
            flags.append(MemberFlag(member.id, member.name, "dues", member.arrears_months, level))
    for what, words_what in (("life", "未参加组织生活"), ("dues", "未交纳党费")):
        for level, threshold in (("alarm", alarm_months), ("flag", flag_months)):
            names = [f.name for f in flags if f.what == what and f.level == level]
            if names:
                tail = "，按规定视为自行脱党，须立即处置" if level == "alarm" else "，须及时提醒教育"
                missing.append(
                    f"{len(names)} 名党员连续 {threshold} 个月以上{words_what}（{'、'.join(names[:5])}"
                    f"{' 等' if len(names) > 5 else ''}）{tail}"
                )
    flagged_members = {f.member_id for f in flags}

    # 支部工作条例: a branch with ≥ 7 full members elects a 支部委员会 (then 支委会 is due monthly).
    full = sum(1 for m in org.members if m.is_full)
    if not org.has_committee and full >= committee_min_full_members and org.kind != "party_group":
        missing.append(f"正式党员 {full} 名（{committee_min_full_members} 名以上），应设立支部委员会")

    # Term of office (换届).
    term = "unknown"
    term_points = 1.0
    if org.next_election_on is not None:
        days = (org.next_election_on - ref).days
        if days < 0:
            term, term_points = "expired", 0.0
            missing.append(f"任期已于 {org.next_election_on:%Y-%m-%d} 届满，应按期换届")
        elif days <= notice_days:
            term, term_points = "due", 0.5
            reminders.append(f"任期将于 {org.next_election_on:%Y-%m-%d} 届满（{days} 天后），请做好换届准备")
        else:
            term = "ok"

    required = sum(c.required for c in checks)
    meetings_ratio = (sum(c.held for c in checks) / required) if required else 1.0
    if not required and not in_period:
        attendance_ratio = 1.0  # nothing was due yet: nothing to hold against the organisation
    else:
        attendance_ratio = rate if rate is not None else 0.0
    members_ratio = 1 - len(flagged_members) / len(org.members) if org.members else 1.0
    parts = {
        "meetings": round(weights["meetings"] * meetings_ratio, 1),
        "attendance": round(weights["attendance"] * attendance_ratio, 1),
        "members": round(weights["members"] * members_ratio, 1),
        "term": round(weights["term"] * term_points, 1),
    }
    score = int(round(sum(parts.values())))
    life_alarm = any(f.level == "alarm" and f.what == "life" for f in flags)
    normal = score >= healthy_score and not life_alarm
    return Health(
        org_id=org.id,
        name=org.name,
        period=period,
        score=score,
        normal=normal,
        checks=checks,
        attendance_rate=rate,
        member_flags=flags,
        quorum_failures=quorum_failures,
        term=term,
        missing=missing,
        reminders=reminders,
        county=org.county,
        industry=org.industry,
        parts=parts,
    )


def _deadline(subs, name) -> str:
    for _start, end, n in subs:
        if n == name:
            return f"{end:%Y-%m-%d} "
    return ""

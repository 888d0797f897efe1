"""Every state change of the members app, one function each (style.md: Zulip's do_* actions).

Development steps are checked against the 细则 (order, intervals as `StepInterval` rows, age, actors,
training hours) and refused with a Chinese message that names the rule and counts the days. Party
membership rows are written through `ledger.services.save_party_member`; the pre-membership statuses
(申请人, 积极分子, 发展对象, back to 群众) through `_set_status`, as the ledger has no service for them.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from xinye.accounts.permissions import in_scope, unit_in_scope
from xinye.ledger.choices import MembershipHeld, PoliticalStatus
from xinye.ledger.models import PartyMember, Practitioner
from xinye.members.choices import (
    FLAT_BASES,
    CaseStatus,
    CourseKind,
    Direction,
    DuesBasis,
    FlowStatus,
    StudySource,
    TransferStatus,
)
from xinye.members.models import (
    Course,
    DevelopmentCase,
    DevelopmentDocument,
    DevelopmentRecord,
    DevelopmentStep,
    DuesBand,
    DuesPayment,
    FlowingMember,
    IncomeDeclaration,
    StepInterval,
    StudyRecord,
    TransferLetter,
)
from xinye.members.rules import rule
from xinye.members.seed import SOURCE

CENT = Decimal("0.01")

# Step → the political status it gives the person (细则: 申请人, 积极分子, 发展对象, 预备党员, 正式党员).
STATUS_AFTER_STEP = {
    1: PoliticalStatus.APPLICANT,
    3: PoliticalStatus.ACTIVIST,
    7: PoliticalStatus.CANDIDATE,
    17: PoliticalStatus.PROBATIONARY,
    24: PoliticalStatus.FULL,
}
# How many full members must act at a step: 细则 第十一条 (1–2 培养联系人), 第十五条 (2 入党介绍人).
ACTORS_AT_STEP = {5: (1, 2, "培养联系人", "第十一条"), 9: (2, 2, "入党介绍人", "第十五条")}
ADMISSION_VOTE, APPROVAL, PROBATION_VOTE, FULL_APPROVAL, LAST_STEP = 15, 17, 23, 24, 25
REVIEW_STEP, ACTIVIST_STEP, CANDIDATE_STEP = 6, 3, 7


# --- dates ---


def today() -> datetime.date:
    return timezone.localdate()


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


def _fmt(d: datetime.date) -> str:
    return d.strftime("%Y-%m-%d")


# --- scope ---


def _check(actor, action: str, obj) -> None:
    if actor is not None and not in_scope(actor, action, obj):
        raise PermissionDenied("对象不存在或不在您的管辖范围内")


def _check_unit(actor, action: str, model, unit) -> None:
    if actor is not None and not unit_in_scope(actor, action, model, unit):
        raise PermissionDenied("所选党组织不在您的管辖范围内")


# --- ledger writes: membership through ledger.services; pre-membership statuses here ---


def _set_status(practitioner: Practitioner, status: str) -> None:
    if practitioner.political_status != status:
        practitioner.political_status = status
        practitioner.save(update_fields=["political_status", "updated_at"])


def _make_member(practitioner: Practitioner, unit, *, is_full: bool, joined_on, **extra) -> PartyMember:
    """Create or update the ledger's PartyMember through the ledger's own service (which also keeps
    政治面貌 in step). Scope was checked by the calling members service, so no actor is passed on."""
    from xinye.accounts.permissions import system_actor
    from xinye.ledger.services import save_party_member

    return save_party_member(
        practitioner, actor=system_actor("members"), unit=unit, is_full=is_full, joined_on=joined_on, **extra
    )


# --- member development ---


def stage_of(step_no: int) -> int:
    if step_no <= 2:
        return 1
    if step_no <= 6:
        return 2
    if step_no <= 11:
        return 3
    if step_no <= 18:
        return 4
    return 5


class StepRefused(ValueError):
    """A step that breaks a rule of the 细则; the message names the rule and counts the days."""


@dataclass
class NextStep:
    step: DevelopmentStep | None
    earliest: datetime.date | None = None
    latest: datetime.date | None = None
    reasons: list[str] = field(default_factory=list)
    also: list[DevelopmentStep] = field(default_factory=list)  # e.g. another half-year review


def allowed_steps(case: DevelopmentCase) -> list[int]:
    """The transition table: the next step, and step 6 again while in the activist stage."""
    if case.status != CaseStatus.OPEN or case.current_step >= LAST_STEP:
        return []
    allowed = [case.current_step + 1]
    if case.current_step == REVIEW_STEP:
        allowed.insert(0, REVIEW_STEP)
    return allowed


def _step_dates(case) -> dict[int, datetime.date]:
    """The latest date of each recorded step."""
    dates = {}
    for number, date in case.records.values_list("step__number", "date"):
        if number not in dates or date > dates[number]:
            dates[number] = date
    return dates


def probation_end(case, admitted_on: datetime.date | None = None) -> datetime.date | None:
    """细则 第三十三条: one year from the 支部大会 date (plus any extension, 第三十四条)."""
    admitted_on = admitted_on or _step_dates(case).get(ADMISSION_VOTE)
    if admitted_on is None:
        return None
    return add_months(admitted_on, int(rule("probation_months")) + case.probation_extended_months)


def _interval_bounds(case, step_no: int, dates) -> list[tuple[StepInterval, datetime.date, int, int | None]]:
    """For each interval rule ending at `step_no`: (rule, from date, min days, max days)."""
    out = []
    for interval in StepInterval.objects.filter(to_step__number=step_no).select_related("from_step"):
        start = dates.get(interval.from_step.number)
        if start is None:
            continue
        min_days = interval.min_days
        if interval.from_step.number == ADMISSION_VOTE and step_no == PROBATION_VOTE:
            # An extended probation (第三十四条) moves the earliest 转正 date by the extension.
            base = add_months(start, int(rule("probation_months")))
            min_days += (add_months(base, case.probation_extended_months) - base).days
        out.append((interval, start, min_days, interval.max_days))
    return out


def training_hours(practitioner, kind: str = CourseKind.CANDIDATE_TRAINING) -> tuple[Decimal, int]:
    """Hours and distinct days of study of a kind (发展对象培训 feeds the 24-学时 check)."""
    qs = StudyRecord.objects.filter(practitioner=practitioner, kind=kind)
    hours = qs.aggregate(h=Sum("hours"))["h"] or Decimal("0")
    return hours, qs.values("date").distinct().count()


def _problems(case, step_no: int, date: datetime.date, actors, late_reason: str) -> list[str]:
    """Every rule the step would break (empty when it may be recorded)."""
    problems = []
    steps = allowed_steps(case)
    if case.status != CaseStatus.OPEN:
        return [f"该发展党员档案已结束（{case.get_status_display()}），不能再记录步骤"]
    if step_no not in steps:
        expected = "、".join(f"第{n}步" for n in steps) or "无"
        return [f"步骤顺序不符：当前为第{case.current_step}步，下一步应为{expected}，不能记录第{step_no}步"]
    if date > today():
        problems.append(f"日期 {_fmt(date)} 晚于今天，不能预先记录")
    if case.current_step_on and date < case.current_step_on:
        problems.append(f"日期 {_fmt(date)} 早于上一步的日期 {_fmt(case.current_step_on)}")
    dates = _step_dates(case)
    for interval, start, min_days, max_days in _interval_bounds(case, step_no, dates):
        days = (date - start).days
        from_name = interval.from_step.name
        if step_no == CANDIDATE_STEP and interval.from_step.number == ACTIVIST_STEP:
            from_name = "确定为入党积极分子"
        if days < min_days:
            problems.append(
                f"距{from_name}仅 {days} 天，{SOURCE}{interval.source}要求{interval.rule}"
                f"（至少 {min_days} 天，还差 {min_days - days} 天）"
            )
        if max_days is not None and days > max_days and not late_reason:
            problems.append(
                f"距{from_name}已 {days} 天，{SOURCE}{interval.source}要求{interval.rule}"
                f"（最多 {max_days} 天，超出 {days - max_days} 天）；如确因特殊原因超期，请填写超期原因"
            )
    if step_no == 1:
        birth = case.practitioner.birth_date
        min_age = int(rule("min_join_age"))
        if birth is not None and add_months(birth, 12 * min_age) > date:
            problems.append(f"申请日未满 {min_age} 周岁，{SOURCE}第六条要求年满十八岁方可申请入党")
    if step_no in ACTORS_AT_STEP:
        low, high, label, article = ACTORS_AT_STEP[step_no]
        full = [m for m in actors if m.is_full and m.practitioner_id != case.practitioner_id]
        if len(actors) != len(full):
            problems.append(f"{label}须为正式党员（{SOURCE}{article}），且不能是本人")
        elif not low <= len(full) <= high:
            want = f"{low} 名" if low == high else f"{low}至{high} 名"
            problems.append(f"{SOURCE}{article}要求{want}正式党员作{label}，实有 {len(full)} 名")
    if step_no == CANDIDATE_STEP and ACTIVIST_STEP in dates:
        every = int(rule("activist_review_every_days"))
        due = (date - dates[ACTIVIST_STEP]).days // every
        done = case.records.filter(step__number=REVIEW_STEP).count()
        if done < due:
            problems.append(
                f"{SOURCE}第十二条要求每半年对入党积极分子考察一次：应有 {due} 次考察记录，实有 {done} 次"
            )
    if step_no == ADMISSION_VOTE:
        hours, days = training_hours(case.practitioner)
        need_hours, need_days = (
            Decimal(str(rule("candidate_training_hours"))),
            int(rule("candidate_training_days")),
        )
        if hours < need_hours and days < need_days:
            problems.append(
                f"发展对象集中培训仅 {hours.normalize():f} 学时（{days} 天），{SOURCE}第十九条要求不少于"
                f"{need_days}天或{need_hours.normalize():f}个学时（还差 {(need_hours - hours).normalize():f} 学时）"
            )
    return problems


def next_step(case: DevelopmentCase) -> NextStep:
    """The next allowed step with its earliest (and latest) date, for the case page."""
    steps = allowed_steps(case)
    if not steps:
        return NextStep(step=None)
    number = steps[-1]
    step = DevelopmentStep.objects.get(number=number)
    dates = _step_dates(case)
    earliest, latest = case.current_step_on, None
    for _interval, start, min_days, max_days in _interval_bounds(case, number, dates):
        candidate = start + datetime.timedelta(days=min_days)
        earliest = max(earliest, candidate) if earliest else candidate
        if max_days is not None:
            end = start + datetime.timedelta(days=max_days)
            latest = min(latest, end) if latest else end
    info = NextStep(step=step, earliest=earliest, latest=latest)
    if number == CANDIDATE_STEP and ACTIVIST_STEP in dates:
        every = int(rule("activist_review_every_days"))
        done = case.records.filter(step__number=REVIEW_STEP).count()
        info.reasons.append(f"已考察 {done} 次；每 {every} 天应考察一次（第十二条）")
    if number == ADMISSION_VOTE:
        hours, days = training_hours(case.practitioner)
        info.reasons.append(
            f"发展对象培训已 {hours.normalize():f} 学时、{days} 天（须 ≥{rule('candidate_training_hours')} 学时或 ≥"
            f"{rule('candidate_training_days')} 天）"
        )
    end = probation_end(case)
    if end and APPROVAL <= case.current_step < PROBATION_VOTE and end <= today():
        info.reasons.append(f"预备期已于 {_fmt(end)} 期满，应及时讨论其能否转为正式党员（第三十三条）")
    if number in ACTORS_AT_STEP:
        low, high, label, _article = ACTORS_AT_STEP[number]
        info.reasons.append(f"须指定 {low if low == high else f'{low}–{high}'} 名正式党员作{label}")
    if REVIEW_STEP in steps and number != REVIEW_STEP:
        info.also.append(DevelopmentStep.objects.get(number=REVIEW_STEP))
    return info


@transaction.atomic
def open_case(practitioner: Practitioner, unit, date: datetime.date, *, actor=None, note="", documents=()):
    """Start a development case with step 1 (入党申请书). One open case per person."""
    _check_unit(actor, "add", DevelopmentCase, unit)
    if practitioner.political_status in (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL):
        raise ValueError(f"{practitioner.name} 已是{practitioner.get_political_status_display()}")
    if DevelopmentCase.objects.filter(practitioner=practitioner, status=CaseStatus.OPEN).exists():
        raise ValueError(f"{practitioner.name} 已有进行中的发展党员档案")
    case = DevelopmentCase.objects.create(practitioner=practitioner, unit=unit)
    record_step(case, 1, date, actor=actor, note=note, documents=documents)
    case.refresh_from_db()
    return case


@transaction.atomic
def record_step(
    case: DevelopmentCase,
    step_no: int,
    date: datetime.date,
    *,
    actors=(),
    documents=(),
    actor=None,
    note: str = "",
    late_reason: str = "",
) -> DevelopmentRecord:
    """Record step `step_no` on `date`, or refuse (StepRefused) naming the rule and the days.

    `actors` are ledger PartyMembers (培养联系人 at step 5, 入党介绍人 at step 9); `documents` are
    (title, file-or-None) pairs. Status changes follow STATUS_AFTER_STEP; step 17 makes the person a
    预备党员 (a PartyMember joined on the 支部大会 date), step 24 a 正式党员.
    """
    case = DevelopmentCase.objects.select_for_update().select_related("practitioner").get(pk=case.pk)
    _check(actor, "change", case)
    actors = list(actors)
    problems = _problems(case, step_no, date, actors, late_reason)
    if problems:
        raise StepRefused("；".join(problems))
    step = DevelopmentStep.objects.get(number=step_no)
    record = DevelopmentRecord.objects.create(
        case=case,
        step=step,
        date=date,
        note=note,
        late_reason=late_reason,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if actors:
        record.actors.set(actors)
    for title, upload in documents:
        DevelopmentDocument.objects.create(record=record, title=title, file=upload or "")
    case.current_step, case.current_step_on = step_no, date
    practitioner = case.practitioner
    if step_no in STATUS_AFTER_STEP:
        _set_status(practitioner, STATUS_AFTER_STEP[step_no])
    if step_no == APPROVAL:
        admitted = _step_dates(case)[ADMISSION_VOTE]
        _make_member(practitioner, case.unit, is_full=False, joined_on=admitted, full_member_on=None)
    if step_no == FULL_APPROVAL:
        _make_member(
            practitioner,
            case.unit,
            is_full=True,
            joined_on=_step_dates(case)[ADMISSION_VOTE],
            full_member_on=probation_end(case),
        )
    if step_no == LAST_STEP:
        case.status, case.closed_on = CaseStatus.COMPLETED, date
    case.save()
    return record


@transaction.atomic
def extend_probation(case: DevelopmentCase, months: int, decided_on: datetime.date, *, actor=None, reason=""):
    """细则 第三十四条: extend the probation once, by 6–12 months, by a 支部大会 decision."""
    case = DevelopmentCase.objects.select_for_update().get(pk=case.pk)
    _check(actor, "change", case)
    low, high = rule("probation_extension_months")
    if case.status != CaseStatus.OPEN or not APPROVAL <= case.current_step < PROBATION_VOTE:
        raise ValueError("只有已批准、尚未讨论转正的预备党员可以延长预备期")
    if case.probation_extended_months:
        raise ValueError(
            f"{SOURCE}第三十四条：预备期只能延长一次（已延长 {case.probation_extended_months} 个月）"
        )
    if not low <= months <= high:
        raise ValueError(f"{SOURCE}第三十四条：延长预备期不能少于 {low} 个月，最长不超过 {high} 个月")
    if not reason:
        raise ValueError("请填写延长预备期的原因（支部大会决议）")
    case.probation_extended_months, case.probation_extended_on = months, decided_on
    case.close_reason = ""
    case.save()
    DevelopmentRecord.objects.create(
        case=case,
        step=DevelopmentStep.objects.get(number=case.current_step),
        date=decided_on,
        note=f"支部大会决定延长预备期 {months} 个月：{reason}",
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return case


@transaction.atomic
def close_case(case: DevelopmentCase, date: datetime.date, reason: str, *, actor=None) -> DevelopmentCase:
    """End a case early: before approval it stops (终止培养); a 预备党员 loses the status
    (取消预备党员资格, 细则 第三十四条) and leaves the ledger of members."""
    case = DevelopmentCase.objects.select_for_update().select_related("practitioner").get(pk=case.pk)
    _check(actor, "change", case)
    if case.status != CaseStatus.OPEN:
        raise ValueError("该档案已结束")
    if not reason:
        raise ValueError("请填写原因")
    practitioner = case.practitioner
    if case.current_step >= APPROVAL:
        if case.current_step >= FULL_APPROVAL:
            raise ValueError("已批准转为正式党员，不能取消预备党员资格")
        case.status = CaseStatus.CANCELLED
        PartyMember.objects.filter(practitioner=practitioner, is_full=False).delete()
    else:
        case.status = CaseStatus.STOPPED
    _set_status(practitioner, PoliticalStatus.MASSES)
    case.closed_on, case.close_reason = date, reason
    case.save()
    return case


PIPELINE_STAGES = [
    ("applicants", "入党申请人", (1, 2)),
    ("activists", "入党积极分子", (3, 6)),
    ("candidates", "发展对象", (7, 16)),
]


def pipeline(cases, members, *, year: int | None = None) -> dict:
    """Counts per party organisation of applicants, activists, development targets (open cases by step)
    and probationary members (ledger), plus this year's admissions and conversions — 常态化发展党员.

    `cases` and `members` are already-restricted querysets; the function never widens them.
    """
    year = year or today().year
    rows: dict[int, dict] = {}

    def row(unit_id, name, region):
        return rows.setdefault(
            unit_id,
            {
                "unit_id": unit_id,
                "unit": name,
                "region": region,
                "applicants": 0,
                "activists": 0,
                "candidates": 0,
                "probationary": 0,
                "admitted_this_year": 0,
                "converted_this_year": 0,
            },
        )

    open_cases = cases.filter(status=CaseStatus.OPEN)
    for key, _label, (low, high) in PIPELINE_STAGES:
        counts = (
            open_cases.filter(current_step__gte=low, current_step__lte=high)
            .values("unit_id", "unit__name", "unit__region__name")
            .annotate(n=Count("id"))
        )
        for c in counts:
            row(c["unit_id"], c["unit__name"], c["unit__region__name"])[key] = c["n"]
    probationary = (
        members.filter(is_full=False)
        .values("unit_id", "unit__name", "unit__region__name")
        .annotate(n=Count("id"))
    )
    for c in probationary:
        row(c["unit_id"], c["unit__name"], c["unit__region__name"])["probationary"] = c["n"]
    for key, step_no in (("admitted_this_year", APPROVAL), ("converted_this_year", FULL_APPROVAL)):
        done = (
            cases.filter(records__step__number=step_no, records__date__year=year)
            .values("unit_id", "unit__name", "unit__region__name")
            .annotate(n=Count("id", distinct=True))
        )
        for c in done:
            row(c["unit_id"], c["unit__name"], c["unit__region__name"])[key] = c["n"]
    ordered = sorted(rows.values(), key=lambda r: (r["region"] or "", r["unit"]))
    keys = [
        "applicants",
        "activists",
        "candidates",
        "probationary",
        "admitted_this_year",
        "converted_this_year",
    ]
    totals = {k: sum(r[k] for r in ordered) for k in keys}
    return {"year": year, "rows": ordered, "totals": totals}


# --- transfers and 流动党员 ---


def is_cross_province(other_region: str) -> bool:
    """A transfer is 跨省 when the other side is named and is not in the city's own province."""
    home = str(rule("home_province"))
    short = home.replace("自治区", "").replace("省", "")
    return bool(other_region) and home not in other_region and short not in other_region


def transfer_valid_until(issued_on: datetime.date, cross_province: bool) -> datetime.date:
    """介绍信 validity: 3 months, 6 across provinces (rules.md §Transfers), the last valid day."""
    months = rule("transfer_valid_months_cross_province" if cross_province else "transfer_valid_months")
    return add_months(issued_on, int(months)) - datetime.timedelta(days=1)


@transaction.atomic
def issue_transfer(
    *,
    direction: str,
    unit,
    other_organisation: str,
    issued_on: datetime.date,
    member: PartyMember | None = None,
    member_name: str = "",
    other_region: str = "",
    cross_province: bool | None = None,
    letter_no: str = "",
    note: str = "",
    actor=None,
) -> TransferLetter:
    """Record an outgoing letter we issue, or an incoming one a member brings us."""
    _check_unit(actor, "add", TransferLetter, unit)
    if direction not in Direction.values:
        raise ValueError("方向须为转出或转入")
    if member is not None:
        if direction == Direction.OUTGOING:
            _check(actor, "view", member)
        member_name = member_name or member.practitioner.name
        if TransferLetter.objects.filter(
            member=member, direction=direction, status=TransferStatus.ISSUED
        ).exists():
            raise ValueError(f"{member_name} 已有一封未回执的{Direction(direction).label}介绍信")
    if not member_name:
        raise ValueError("请填写党员姓名")
    if not other_organisation:
        raise ValueError("请填写对方党组织")
    if cross_province is None:
        cross_province = is_cross_province(other_region)
    return TransferLetter.objects.create(
        direction=direction,
        unit=unit,
        member=member,
        member_name=member_name,
        is_probationary=bool(member and not member.is_full),
        other_organisation=other_organisation,
        other_region=other_region,
        cross_province=cross_province,
        issued_on=issued_on,
        letter_no=letter_no,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def record_receipt(letter: TransferLetter, received_on: datetime.date, *, actor=None) -> TransferLetter:
    """The 回执 came back (outgoing) or the member reported here (incoming). An incoming member's
    membership is then held here; until then the sending organisation stays responsible."""
    letter = TransferLetter.objects.select_for_update().get(pk=letter.pk)
    _check(actor, "change", letter)
    if letter.status != TransferStatus.ISSUED:
        raise ValueError(f"介绍信状态为“{letter.get_status_display()}”，不能登记回执")
    if received_on < letter.issued_on:
        raise ValueError("回执日期早于开具日期")
    if received_on > letter.valid_until:
        raise ValueError(
            f"介绍信已于 {_fmt(letter.valid_until)} 过期（有效期 "
            f"{rule('transfer_valid_months_cross_province' if letter.cross_province else 'transfer_valid_months')}"
            " 个月），须重新开具"
        )
    letter.status, letter.receipt_on = TransferStatus.RECEIVED, received_on
    letter.save()
    if letter.direction == Direction.INCOMING and letter.member_id:
        member = letter.member
        member.membership_held, member.home_organisation, member.unit = MembershipHeld.HERE, "", letter.unit
        member.save()
        FlowingMember.objects.filter(member=member, status=FlowStatus.ACTIVE).update(status=FlowStatus.ENDED)
    return letter


@transaction.atomic
def cancel_transfer(letter: TransferLetter, *, actor=None, reason: str = "") -> TransferLetter:
    letter = TransferLetter.objects.select_for_update().get(pk=letter.pk)
    _check(actor, "change", letter)
    if letter.status != TransferStatus.ISSUED:
        raise ValueError("只有待回执的介绍信可以作废")
    letter.status = TransferStatus.CANCELLED
    letter.note = (letter.note + f"\n作废：{reason}").strip()
    letter.save()
    return letter


def expire_transfers(as_of: datetime.date | None = None, queryset=None) -> int:
    """Mark letters past their validity without a receipt as expired; returns how many."""
    as_of = as_of or today()
    qs = queryset if queryset is not None else TransferLetter.objects.all()
    expired = list(qs.filter(status=TransferStatus.ISSUED, valid_until__lt=as_of))
    for letter in expired:
        letter.status = TransferStatus.EXPIRED
        letter.save(update_fields=["status", "valid_until", "updated_at"])
    return len(expired)


@transaction.atomic
def register_flowing_member(
    *,
    practitioner: Practitioner,
    unit,
    home_organisation: str,
    home_region: str,
    registered_on: datetime.date,
    home_contact: str = "",
    home_contact_phone: str = "",
    certificate_no: str = "",
    period_until: datetime.date | None = None,
    is_full: bool = True,
    joined_on: datetime.date | None = None,
    note: str = "",
    actor=None,
) -> FlowingMember:
    """Register a 流动党员 where they work: their ledger PartyMember (created if missing) joins the local
    organisation with membership held elsewhere, so they take part in local life and meetings."""
    _check_unit(actor, "add", FlowingMember, unit)
    if not home_organisation or not home_region:
        raise ValueError("请填写组织关系所在党组织及流出地")
    existing = PartyMember.objects.filter(practitioner=practitioner).first()
    if existing is not None:
        is_full, joined_on = existing.is_full, existing.joined_on
    member = _make_member(
        practitioner,
        unit,
        is_full=is_full,
        joined_on=joined_on,
        membership_held=MembershipHeld.ELSEWHERE,
        home_organisation=home_organisation,
    )
    _set_status(practitioner, PoliticalStatus.FULL if member.is_full else PoliticalStatus.PROBATIONARY)
    flowing, _ = FlowingMember.objects.update_or_create(
        member=member,
        defaults={
            "unit": unit,
            "home_organisation": home_organisation,
            "home_region": home_region,
            "home_contact": home_contact,
            "home_contact_phone": home_contact_phone,
            "certificate_no": certificate_no,
            "registered_on": registered_on,
            "period_until": period_until,
            "status": FlowStatus.ACTIVE,
            "note": note,
        },
    )
    return flowing


@transaction.atomic
def end_flowing(flowing: FlowingMember, *, actor=None) -> FlowingMember:
    _check(actor, "change", flowing)
    flowing.status = FlowStatus.ENDED
    flowing.save()
    return flowing


# --- dues ---


def _bands() -> list[DuesBand]:
    bands = list(DuesBand.objects.order_by("lower"))
    if not bands:
        raise ValueError("党费比例表未配置")
    return bands


def rate_for(income: Decimal, bands: list[DuesBand]) -> Decimal:
    """The band rate (per cent) for a monthly after-tax income: (lower, upper] per DuesBand rows."""
    income = Decimal(income)
    for band in bands:
        if income > band.lower and (band.upper is None or income <= band.upper):
            return band.rate
    return bands[0].rate  # at or below the lowest bound (e.g. no income)


def dues_rate(income: Decimal) -> Decimal:
    return rate_for(income, _bands())


def previous_quarter(month: datetime.date) -> list[datetime.date]:
    quarter_first = datetime.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)
    return [add_months(quarter_first, -3 + i) for i in range(3)]


def base_from(declarations: dict, month: datetime.date, who: str = "该党员") -> tuple[str, Decimal | None]:
    """(basis, base income) for a month from {month: (basis, net income)}. Gig workers: the previous
    calendar quarter's average monthly net income (党费规定 on 灵活就业); others: the latest declaration
    on or before the month. A pure function, shared by `monthly_dues` and bulk loaders."""
    month = month_start(month)
    earlier = [m for m in declarations if m <= month]
    if not earlier:
        raise ValueError(f"{who} 尚无 {month:%Y-%m} 及以前的收入申报")
    basis, income = declarations[max(earlier)]
    if basis in FLAT_BASES:
        return basis, None
    if basis == DuesBasis.GIG:
        previous = previous_quarter(month)
        incomes = [declarations[m][1] for m in previous if m in declarations]
        if not incomes:
            raise ValueError(
                f"{who} 为灵活就业，须申报上季度（{previous[0]:%Y-%m}至{previous[-1]:%Y-%m}）各月纯收入"
            )
        # Months of the quarter without a declaration count as no income (the average is over 3 months).
        return DuesBasis.GIG, (sum(incomes, Decimal("0")) / 3).quantize(CENT, ROUND_HALF_UP)
    return basis, income


def dues_for_month(
    declarations: dict, month: datetime.date, *, joined_on=None, bands, who="该党员"
) -> Decimal:
    """The dues owed for a month, in yuan with 2 places (ROUND_HALF_UP). 预备党员 owe from the month the
    支部大会 admitted them; students, 低保 and unemployed members pay the flat 0.2 元."""
    month = month_start(month)
    if joined_on and month < month_start(joined_on):
        return Decimal("0.00")
    basis, base = base_from(declarations, month, who)
    if basis in FLAT_BASES:
        return Decimal(str(rule("dues_flat_amount"))).quantize(CENT)
    return (base * rate_for(base, bands) / Decimal(100)).quantize(CENT, ROUND_HALF_UP)


def _declarations(member: PartyMember) -> dict:
    return {m: (b, i) for m, b, i in member.income_declarations.values_list("month", "basis", "net_income")}


def dues_base(member: PartyMember, month: datetime.date) -> tuple[str, Decimal | None]:
    return base_from(_declarations(member), month, str(member))


def monthly_dues(member: PartyMember, month: datetime.date) -> Decimal:
    """The dues a member owes for a month (see `dues_for_month`)."""
    return dues_for_month(
        _declarations(member), month, joined_on=member.joined_on, bands=_bands(), who=str(member)
    )


@transaction.atomic
def declare_income(
    member: PartyMember, month: datetime.date, net_income, *, basis=DuesBasis.WAGE, actor=None
):
    _check(actor, "change", member)
    if Decimal(net_income) < 0:
        raise ValueError("收入不能为负数")
    declaration, _ = IncomeDeclaration.objects.update_or_create(
        member=member,
        month=month_start(month),
        defaults={"net_income": Decimal(net_income), "basis": basis, "unit": member.unit},
    )
    return declaration


def paid_months(member: PartyMember) -> set[datetime.date]:
    months = set()
    for payment in member.dues_payments.all():  # uses a prefetch when the caller made one
        months.update(months_between(payment.month_from, payment.month_to))
    return months


def _tracking_start(member: PartyMember) -> datetime.date:
    start = datetime.date.fromisoformat(str(rule("dues_tracking_from")))
    if member.joined_on:
        start = max(start, month_start(member.joined_on))
    return start


@transaction.atomic
def record_payment(
    member: PartyMember,
    month_from: datetime.date,
    month_to: datetime.date,
    amount,
    paid_on: datetime.date,
    *,
    actor=None,
    note: str = "",
) -> DuesPayment:
    """Record dues paid for month_from..month_to; refuses months already paid and amounts below what
    is owed (paying more is allowed: 自愿多交)."""
    _check(actor, "change", member)
    month_from, month_to = month_start(month_from), month_start(month_to)
    if month_to < month_from:
        raise ValueError("截止月份早于起始月份")
    months = months_between(month_from, month_to)
    already = sorted(paid_months(member) & set(months))
    if already:
        raise ValueError("以下月份已交纳：" + "、".join(f"{m:%Y-%m}" for m in already))
    declarations, bands = _declarations(member), _bands()
    owed = sum(
        (
            dues_for_month(declarations, m, joined_on=member.joined_on, bands=bands, who=str(member))
            for m in months
        ),
        Decimal("0"),
    )
    amount = Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    if amount < owed:
        raise ValueError(f"{month_from:%Y-%m}至{month_to:%Y-%m} 应交 {owed} 元，实交 {amount} 元，不足")
    return DuesPayment.objects.create(
        member=member,
        unit=member.unit,
        month_from=month_from,
        month_to=month_to,
        amount=amount,
        paid_on=paid_on,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def pays_here(member: PartyMember) -> bool:
    return member.membership_held == MembershipHeld.HERE or bool(rule("flowing_members_pay_here"))


def unpaid_months(member: PartyMember, as_of: datetime.date | None = None) -> list[datetime.date]:
    """Months owed and not paid, from when xinye tracks dues (or admission) to the month before as_of."""
    as_of = as_of or today()
    if not pays_here(member):
        return []
    last = add_months(month_start(as_of), -1)
    paid = paid_months(member)
    return [m for m in months_between(_tracking_start(member), last) if m not in paid]


def arrears_months(member: PartyMember, as_of: datetime.date | None = None) -> int:
    """Consecutive unpaid months ending with the month before `as_of` (党章 art. 9: 连续六个月不交纳党费
    is treated as leaving; health checks flag 3 and alarm at 6). 0 for members paying elsewhere."""
    as_of = as_of or today()
    return _consecutive(unpaid_months(member, as_of), as_of)


def _consecutive(unpaid: list[datetime.date], as_of: datetime.date) -> int:
    unpaid = set(unpaid)
    count, month = 0, add_months(month_start(as_of), -1)
    while month in unpaid:
        count += 1
        month = add_months(month, -1)
    return count


def arrears_list(members, as_of: datetime.date | None = None) -> list[dict]:
    """Members (a restricted queryset) with unpaid months, the longest consecutive run first."""
    as_of = as_of or today()
    out = []
    members = members.select_related("practitioner", "unit").prefetch_related("dues_payments")
    for member in members:
        unpaid = unpaid_months(member, as_of)
        if unpaid:
            out.append(
                {
                    "member": member,
                    "unpaid": unpaid,
                    "unpaid_count": len(unpaid),
                    "consecutive": _consecutive(unpaid, as_of),
                }
            )
    out.sort(key=lambda r: (-r["consecutive"], -r["unpaid_count"], r["member"].pk))
    return out


# --- learning ---


def party_unit_of(practitioner: Practitioner, fallback=None):
    """The party organisation a person's study belongs to: their membership, their open case, or else."""
    member = PartyMember.objects.filter(practitioner=practitioner).only("unit_id").first()
    if member is not None:
        return member.unit
    case = DevelopmentCase.objects.filter(practitioner=practitioner).order_by("-updated_at").first()
    if case is not None:
        return case.unit
    return fallback or practitioner.unit


@transaction.atomic
def create_course(
    *, title, unit, kind=CourseKind.THEORY, mode="offline", hours=1, held_on=None, provider="", actor=None
) -> Course:
    _check_unit(actor, "add", Course, unit)
    if Decimal(hours) <= 0:
        raise ValueError("学时须大于 0")
    return Course.objects.create(
        title=title, unit=unit, kind=kind, mode=mode, hours=Decimal(hours), held_on=held_on, provider=provider
    )


@transaction.atomic
def record_study(
    practitioner: Practitioner,
    date: datetime.date,
    *,
    course: Course | None = None,
    hours=None,
    kind: str | None = None,
    title: str = "",
    points: int | None = None,
    source: str = StudySource.HERE,
    platform: str = "",
    actor=None,
) -> StudyRecord:
    """Record one person's study (a course here, or free-standing)."""
    unit = party_unit_of(practitioner, course.unit if course else None)
    _check_unit(actor, "add", StudyRecord, unit)
    if course is None and not title:
        raise ValueError("请选择课程或填写学习内容")
    hours = Decimal(hours if hours is not None else (course.hours if course else 0))
    if hours < 0:
        raise ValueError("学时不能为负数")
    return StudyRecord.objects.create(
        practitioner=practitioner,
        unit=unit,
        course=course,
        kind=kind or (course.kind if course else CourseKind.THEORY),
        title=title or (course.title if course else ""),
        date=date,
        hours=hours,
        points=points,
        source=source,
        platform=platform,
    )


def study_hours(records, *, group: str = "member", date_from=None, date_to=None) -> list[dict]:
    """Hours and points summed by member (person), by organisation, or by month, over a restricted queryset."""
    if date_from:
        records = records.filter(date__gte=date_from)
    if date_to:
        records = records.filter(date__lte=date_to)
    if group == "month":
        records = records.annotate(period=TruncMonth("date"))
    fields = {
        "member": ["practitioner_id", "practitioner__name", "unit__name"],
        "unit": ["unit_id", "unit__name"],
        "kind": ["kind"],
        "month": ["period"],
    }.get(group)
    if fields is None:
        raise ValueError("分组方式须为 member（人员）、unit（党组织）、kind（类别）或 month（月份）")
    rows = (
        records.values(*fields)
        .annotate(hours=Sum("hours"), points=Sum("points"), records=Count("id"))
        .order_by("-hours", *fields)
    )
    out = []
    for r in rows:
        item = {"hours": r["hours"] or Decimal("0"), "points": r["points"] or 0, "records": r["records"]}
        if group == "member":
            item.update(id=r["practitioner_id"], name=r["practitioner__name"], unit=r["unit__name"])
        elif group == "unit":
            item.update(id=r["unit_id"], name=r["unit__name"], unit=r["unit__name"])
        elif group == "month":
            item.update(id=None, name=f"{r['period']:%Y-%m}", unit="")
        else:
            item.update(id=None, name=CourseKind(r["kind"]).label, unit="")
        out.append(item)
    return out

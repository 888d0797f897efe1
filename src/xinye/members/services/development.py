"""Member development (发展党员): the 25 steps of the 细则, checked and recorded."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum

from xinye.accounts.permissions import actor_user, require
from xinye.core.errors import Refused
from xinye.ledger.choices import PoliticalStatus
from xinye.ledger.models import PartyMember, Practitioner
from xinye.members.choices import (
    CaseStatus,
    CourseKind,
)
from xinye.members.models import (
    DevelopmentCase,
    DevelopmentDocument,
    DevelopmentRecord,
    DevelopmentStep,
    StepInterval,
    StudyRecord,
)
from xinye.members.rules import (
    add_months,
    rule,
)
from xinye.members.seed import SOURCE
from xinye.members.services.common import _fmt, _make_member, _set_status, today
from xinye.rulebook.services import cite


def _local(rule_key: str) -> str:
    """The city's own clause for the rule, after the national one: "；依据《…若干措施》第二条" (or "")."""
    citation = cite(rule_key)
    return f"；{citation}" if citation else ""


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


READS = (
    "allowed_steps",
    "clean_application",
    "clean_open_case",
    "next_step",
    "pipeline",
    "probation_end",
    "training_hours",
)


class StepRefused(Refused):
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
                f"（至少 {min_days} 天，还差 {min_days - days} 天）" + _local("members.step_interval")
            )
        if max_days is not None and days > max_days and not late_reason:
            problems.append(
                f"距{from_name}已 {days} 天，{SOURCE}{interval.source}要求{interval.rule}"
                f"（最多 {max_days} 天，超出 {days - max_days} 天）{_local('members.step_interval')}；"
                "如确因特殊原因超期，请填写超期原因"
            )
    if step_no == 1 and (too_young := _age_problem(case.practitioner, date)):
        problems.append(too_young)
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
                + _local("members.candidate_training")
            )
    return problems


def _age_problem(practitioner, date: datetime.date) -> str | None:
    birth = practitioner.birth_date
    min_age = int(rule("min_join_age"))
    if birth is not None and add_months(birth, 12 * min_age) > date:
        return f"申请日未满 {min_age} 周岁，{SOURCE}第六条要求年满十八岁方可申请入党"
    return None


def clean_application(practitioner: Practitioner, applied_on: datetime.date) -> None:
    """The checks of step 1 (递交入党申请书) before a case exists: not in the future, old enough (细则
    第六条). The console's form calls it; `record_step` applies the same rules through `_problems`."""
    problems = []
    if applied_on > today():
        problems.append(f"日期 {_fmt(applied_on)} 晚于今天，不能预先记录")
    if too_young := _age_problem(practitioner, applied_on):
        problems.append(too_young)
    if problems:
        raise StepRefused({"applied_on": "；".join(problems)})


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


def clean_open_case(practitioner: Practitioner) -> None:
    """The member checks before a case opens (one open case per person; not already a member). Raises
    Refused; the console's form and `open_case` both call it."""
    if practitioner.political_status in (PoliticalStatus.PROBATIONARY, PoliticalStatus.FULL):
        raise Refused(
            {"practitioner": f"{practitioner.name} 已是{practitioner.get_political_status_display()}"}
        )
    if DevelopmentCase.objects.filter(practitioner=practitioner, status=CaseStatus.OPEN).exists():
        raise Refused({"practitioner": f"{practitioner.name} 已有进行中的发展党员档案"})


@transaction.atomic
def open_case(practitioner: Practitioner, unit, date: datetime.date, *, actor, note="", documents=()):
    """Start a development case in `unit` with step 1 (入党申请书). One open case per person."""
    require(actor, "add", model=DevelopmentCase, unit=unit)
    clean_open_case(practitioner)
    case = DevelopmentCase.objects.create(practitioner=practitioner, unit=unit)
    require(actor, "add", case)
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
    actor,
    note: str = "",
    late_reason: str = "",
) -> DevelopmentRecord:
    """Record step `step_no` on `date`, or refuse (StepRefused) naming the rule and the days.

    `actors` are ledger PartyMembers (培养联系人 at step 5, 入党介绍人 at step 9); `documents` are
    (title, file-or-None) pairs. Status changes follow STATUS_AFTER_STEP; step 17 makes the person a
    预备党员 (a PartyMember joined on the 支部大会 date), step 24 a 正式党员.
    """
    require(actor, "change", case)
    case = DevelopmentCase.objects.select_for_update().select_related("practitioner").get(pk=case.pk)
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
        recorded_by=actor_user(actor),
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
        _make_member(
            practitioner, case.unit, actor=actor, is_full=False, joined_on=admitted, full_member_on=None
        )
    if step_no == FULL_APPROVAL:
        _make_member(
            practitioner,
            case.unit,
            actor=actor,
            is_full=True,
            joined_on=_step_dates(case)[ADMISSION_VOTE],
            full_member_on=probation_end(case),
        )
    if step_no == LAST_STEP:
        case.status, case.closed_on = CaseStatus.COMPLETED, date
    case.save()
    require(actor, "change", case)
    return record


@transaction.atomic
def extend_probation(case: DevelopmentCase, months: int, decided_on: datetime.date, *, actor, reason=""):
    """细则 第三十四条: extend the probation once, by 6–12 months, by a 支部大会 decision."""
    require(actor, "change", case)
    case = DevelopmentCase.objects.select_for_update().get(pk=case.pk)
    low, high = rule("probation_extension_months")
    if case.status != CaseStatus.OPEN or not APPROVAL <= case.current_step < PROBATION_VOTE:
        raise Refused("只有已批准、尚未讨论转正的预备党员可以延长预备期")
    if case.probation_extended_months:
        raise Refused(
            f"{SOURCE}第三十四条：预备期只能延长一次（已延长 {case.probation_extended_months} 个月）"
            + _local("members.probation")
        )
    if not low <= months <= high:
        raise Refused(
            f"{SOURCE}第三十四条：延长预备期不能少于 {low} 个月，最长不超过 {high} 个月"
            + _local("members.probation")
        )
    if not reason:
        raise Refused("请填写延长预备期的原因（支部大会决议）")
    case.probation_extended_months, case.probation_extended_on = months, decided_on
    case.close_reason = ""
    case.save()
    DevelopmentRecord.objects.create(
        case=case,
        step=DevelopmentStep.objects.get(number=case.current_step),
        date=decided_on,
        note=f"支部大会决定延长预备期 {months} 个月：{reason}",
        recorded_by=actor_user(actor),
    )
    require(actor, "change", case)
    return case


@transaction.atomic
def close_case(case: DevelopmentCase, date: datetime.date, reason: str, *, actor) -> DevelopmentCase:
    """End a case early: before approval it stops (终止培养); a 预备党员 loses the status
    (取消预备党员资格, 细则 第三十四条) and leaves the ledger of members."""
    require(actor, "change", case)
    case = DevelopmentCase.objects.select_for_update().select_related("practitioner").get(pk=case.pk)
    if case.status != CaseStatus.OPEN:
        raise Refused("该档案已结束")
    if not reason:
        raise Refused("请填写原因")
    practitioner = case.practitioner
    if case.current_step >= APPROVAL:
        if case.current_step >= FULL_APPROVAL:
            raise Refused("已批准转为正式党员，不能取消预备党员资格")
        case.status = CaseStatus.CANCELLED
        for member in PartyMember.objects.filter(practitioner=practitioner, is_full=False):
            require(actor, "change", member)  # 取消预备党员资格 removes the ledger row
            member.delete()
    else:
        case.status = CaseStatus.STOPPED
    _set_status(practitioner, PoliticalStatus.MASSES)
    case.closed_on, case.close_reason = date, reason
    case.save()
    require(actor, "change", case)
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

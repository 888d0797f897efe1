"""An enterprise's needs on the appeals' loop: 登记 → 派单 → 签收 → 答复 → 办结, 回退 of a mis-routed task,
不予受理, and `xinye tick`'s 催办 and 督办.

What is the same idea as an appeal is the appeals' own: the task states and their transition table
(`appeals.choices.TaskStatus`, `TASK_TRANSITIONS`), applied by `core.loops.apply_transition`; the event base
(`appeals.cases.CaseEvent`); routing (`appeals.services.resolve_targets`, `serves`, `county_work_committee`);
the 回退 window and the reminder and escalation spans (`appeals.rules`), timed by `core.loops.overdue_steps`
on the working-day calendar. Each step is one function: one transaction, `require(actor, …)` before the
write and on the saved row, a NeedEvent naming the actor."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xinye.accounts.permissions import actor_user, has_action, is_system, require
from xinye.appeals import rules as appeal_rules
from xinye.appeals.cases import CaseEvent
from xinye.appeals.choices import OPEN_TASK_STATES, EventKind, ReminderKind, TaskStatus
from xinye.appeals.services import TASK_TRANSITIONS, county_work_committee, resolve_targets, serves
from xinye.core import loops, workdays
from xinye.core.context import actor_context, current_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.support import rules
from xinye.support.choices import NeedKind, NeedStatus
from xinye.support.models import EnterpriseNeed, NeedEvent, NeedReminder, NeedTask

READS = ("apply_need", "clean_need", "route_need")

NEED_TRANSITIONS = {
    NeedStatus.SUBMITTED: {NeedStatus.DISPATCHED, NeedStatus.REJECTED},
    # back to SUBMITTED when every task was sent back (回退) and the need waits for another unit
    NeedStatus.DISPATCHED: {NeedStatus.ANSWERED, NeedStatus.SUBMITTED},
    NeedStatus.ANSWERED: {NeedStatus.CLOSED, NeedStatus.DISPATCHED},
    NeedStatus.CLOSED: set(),
    NeedStatus.REJECTED: set(),
}


def apply_need(need: EnterpriseNeed, new_state: str) -> None:
    """The one place a need changes state (in memory); refuses what the table does not allow."""
    loops.apply_transition(need, NEED_TRANSITIONS, new_state, NeedStatus)


def _apply_task(task: NeedTask, new_state: str) -> None:
    loops.apply_transition(task, TASK_TRANSITIONS, new_state, TaskStatus)


def _event(need, kind, *, actor, task=None, note="", at=None) -> NeedEvent:
    return NeedEvent.objects.create(
        need=need, task=task, kind=kind, note=note, created_at=at or timezone.now(), **CaseEvent.by(actor)
    )


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def clean_need(*, kind: str, title: str, amount=None) -> None:
    """A need's own rules: a known kind, a title that says what is needed, a positive amount if any."""
    if kind not in NeedKind.values:
        raise Refused({"kind": f"未知的需求类别：{kind}"})
    if len((title or "").strip()) < 4:
        raise Refused({"title": "请用至少 4 个字说明企业的需求"})
    if amount is not None and Decimal(amount) <= 0:
        raise Refused({"amount": "涉及金额须大于 0 元"})


@transaction.atomic
def file_need(
    *, actor, enterprise, kind: str, title: str, details: str = "", amount=None, contact: str = "", at=None
) -> EnterpriseNeed:
    """登记 an enterprise's need (a county office's staff, the enterprise's instructor or liaison). It belongs
    to the enterprise's county office; it must land inside the filer's scope or nothing is written."""
    if not has_action(actor, "add", EnterpriseNeed):
        raise OutOfScope()
    if enterprise is None:
        raise Refused({"enterprise": "请选择提出需求的企业"})
    clean_need(kind=kind, title=title, amount=amount)
    need = EnterpriseNeed(
        enterprise=enterprise,
        kind=kind,
        title=title.strip()[:128],
        details=(details or "").strip(),
        amount=Decimal(amount).quantize(Decimal("0.01")) if amount is not None else None,
        contact=(contact or "").strip()[:32],
        unit_id=enterprise.unit_id,
        region_id=enterprise.region_id,
        created_by=actor_user(actor),
        submitted_at=at or timezone.now(),
    )
    need.save()
    _event(need, EventKind.SUBMITTED, actor=actor, at=need.submitted_at)
    require(actor, "add", need)
    return need


def route_need(need: EnterpriseNeed) -> list:
    """The default handling units of a need (rules.DEFAULT_NEED_ROUTING); never empty: the county's 两新工委,
    else the need's own unit."""
    units = resolve_targets(rules.need_routing(need.kind), need)
    return units or [county_work_committee(need.region) or need.unit]


@transaction.atomic
def dispatch_need(
    need: EnterpriseNeed, *, actor, units=None, instruction: str = "", at=None
) -> list[NeedTask]:
    """派单: one task per unit (default `route_need`), each unit one that serves the need's county. The
    deadlines (签收, 办结) count from now on the working-day calendar by the need's kind; the need's own
    deadlines are set at its first dispatch. Also re-dispatches after 回退 and adds a unit in progress."""
    require(actor, "change", need)
    if need.status not in (NeedStatus.SUBMITTED, NeedStatus.DISPATCHED):
        raise Refused(f"需求“{need.get_status_display()}”，不能派单")
    now = at or timezone.now()
    units = list(units) if units else route_need(need)
    for unit in units:
        if not unit.is_active or not serves(unit, need.region):
            raise Refused({"units": f"{unit.name}不承办{need.region.name}的事项，请另选承办单位"})
    busy = set(need.tasks.filter(status__in=OPEN_TASK_STATES).values_list("unit_id", flat=True))
    tasks = []
    for unit in units:
        if unit.pk in busy:
            continue
        task = NeedTask(
            need=need,
            unit=unit,
            instruction=(instruction or "").strip(),
            assigned_at=now,
            assigned_by=actor_user(actor),
            sign_due_at=workdays.add(now, rules.need_limit(need.kind, "sign")),
            due_at=workdays.add(now, rules.need_limit(need.kind, "finish")),
        )
        task.save()
        tasks.append(task)
        _event(need, EventKind.DISPATCHED, actor=actor, task=task, at=now, note=f"派{unit.name}办理")
    if not tasks:
        raise Refused({"units": "所选单位已有在办任务，无需重复派单"})
    if need.status == NeedStatus.SUBMITTED:
        apply_need(need, NeedStatus.DISPATCHED)
        if need.due_at is None:
            need.answer_due_at = workdays.add(now, rules.need_limit(need.kind, "answer"))
            need.due_at = max(need.answer_due_at, workdays.add(now, rules.need_limit(need.kind, "finish")))
        need.save()
    require(actor, "change", need)
    return tasks


@transaction.atomic
def reject_need(need: EnterpriseNeed, *, actor, reason: str) -> EnterpriseNeed:
    """不予受理, with the reason told to the enterprise (not a matter for the platform, a duplicate…)."""
    require(actor, "change", need)
    if not (reason or "").strip():
        raise Refused({"reason": "不予受理须说明理由"})
    apply_need(need, NeedStatus.REJECTED)
    need.reject_reason = reason.strip()[:255]
    need.save()
    _event(need, EventKind.REJECTED, actor=actor, note=need.reject_reason)
    require(actor, "change", need)
    return need


@transaction.atomic
def sign_need_task(task: NeedTask, *, actor, at=None) -> NeedTask:
    """签收: the handling unit acknowledges the task (on time when within `sign_due_at`)."""
    require(actor, "change", task)
    _apply_task(task, TaskStatus.SIGNED)
    task.signed_at = at or timezone.now()
    task.save()
    _event(task.need, EventKind.SIGNED, actor=actor, task=task, at=task.signed_at)
    require(actor, "change", task)
    return task


@transaction.atomic
def answer_need_task(task: NeedTask, *, actor, answer: str, at=None) -> NeedTask:
    """答复: the handling unit reports what it did (to the dispatcher, who answers the enterprise)."""
    require(actor, "change", task)
    if not (answer or "").strip():
        raise Refused({"answer": "办理结果不能为空"})
    _apply_task(task, TaskStatus.ANSWERED)
    task.answer = answer.strip()
    task.answered_at = at or timezone.now()
    task.save()
    _event(task.need, EventKind.TASK_ANSWERED, actor=actor, task=task, note=task.answer, at=task.answered_at)
    require(actor, "change", task)
    return task


@transaction.atomic
def return_need_task(task: NeedTask, *, actor, reason: str, at=None) -> NeedTask:
    """回退: a mis-routed task goes back with a reason, within the appeals' window after assignment
    (2 working days); with no task left the need waits for another unit."""
    require(actor, "change", task)
    if not (reason or "").strip():
        raise Refused({"reason": "回退须说明理由"})
    now = at or timezone.now()
    loops.check_return_window(task.assigned_at, now, appeal_rules.return_within())
    _apply_task(task, TaskStatus.RETURNED)
    task.return_reason = reason.strip()[:255]
    task.returned_at = now
    task.save()
    _event(task.need, EventKind.RETURNED, actor=actor, task=task, note=task.return_reason, at=now)
    need = task.need
    if need.status == NeedStatus.DISPATCHED and not need.tasks.exclude(status=TaskStatus.RETURNED).exists():
        apply_need(need, NeedStatus.SUBMITTED)
        need.save()
    require(actor, "change", task)
    return task


@transaction.atomic
def answer_need(need: EnterpriseNeed, *, actor, answer: str, at=None) -> EnterpriseNeed:
    """答复 the enterprise, once every live task has answered."""
    require(actor, "change", need)
    if not (answer or "").strip():
        raise Refused({"answer": "答复内容不能为空"})
    live = need.tasks.exclude(status=TaskStatus.RETURNED)
    if not live.exists():
        raise Refused("尚未派单，不能答复")
    if live.filter(status__in=OPEN_TASK_STATES).exists():
        raise Refused("还有承办单位未答复，不能答复企业")
    apply_need(need, NeedStatus.ANSWERED)
    need.answer = answer.strip()
    need.answered_at = at or timezone.now()
    need.save()
    _event(need, EventKind.ANSWERED, actor=actor, note=need.answer, at=need.answered_at)
    require(actor, "change", need)
    return need


@transaction.atomic
def close_need(need: EnterpriseNeed, *, actor, resolved: bool, at=None) -> EnterpriseNeed:
    """办结, recording whether the need was met (解决); finishes the answered tasks. On time when closed by
    the need's deadline (the statistics' 按时办结)."""
    require(actor, "change", need)
    now = at or timezone.now()
    apply_need(need, NeedStatus.CLOSED)
    for task in need.tasks.filter(status=TaskStatus.ANSWERED):
        _apply_task(task, TaskStatus.FINISHED)
        task.finished_at = now
        task.save()
        _event(need, EventKind.TASK_FINISHED, actor=actor, task=task, at=now)
    need.closed_at = now
    need.resolved = bool(resolved)
    need.save()
    _event(need, EventKind.CLOSED, actor=actor, at=now, note="需求已解决" if resolved else "需求未能解决")
    require(actor, "change", need)
    return need


# --- xinye tick ---


@dataclass
class NeedTickResult:
    reminded: int = 0
    escalated: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.reminded + self.escalated

    @property
    def summary(self) -> str:
        return f"企业需求：催办 {self.reminded} 件，督办 {self.escalated} 件"


def _remind(key, kind, task, unit, message, now) -> bool:
    _obj, created = NeedReminder.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "task": task, "unit": unit, "message": message[:255], "created_at": now},
    )
    return created


def tick(*, actor, now=None) -> NeedTickResult:
    """`xinye tick` for enterprise needs, by the system only (`system_actor("tick")`): 催办 the day after an
    open task's deadline, 督办 to the unit's superior (else the county 两新工委) when still open 5 working days
    later — the appeals' spans. Idempotent: one reminder per task, kind and deadline."""
    if not is_system(actor):
        raise OutOfScope()
    current = current_actor()
    with actor_context(source=current.source, request_id=current.request_id or None, label=actor.label):
        return _tick(actor=actor, now=now or timezone.now())


@transaction.atomic
def _tick(*, actor, now) -> NeedTickResult:
    result = NeedTickResult()
    remind_after, escalate_after = appeal_rules.remind_after(), appeal_rules.escalate_after()
    overdue = (
        NeedTask.objects.filter(status__in=OPEN_TASK_STATES, due_at__lt=now)
        .select_related("need", "need__region", "unit", "unit__parent")
        .order_by("due_at", "pk")
    )
    for task in overdue:
        remind, escalate = loops.overdue_steps(
            task.due_at, now, remind_after=remind_after, escalate_after=escalate_after
        )
        need = task.need
        if remind:
            message = f"催办：企业需求 {need.number}（{need.title}）已超过办结时限 {_fmt(task.due_at)}"
            key = loops.reminder_key("need-overdue", task.pk, task.due_at)
            if _remind(key, ReminderKind.OVERDUE, task, task.unit, message, now):
                _event(need, EventKind.REMINDED, actor=actor, task=task, note=message, at=now)
                result.reminded += 1
                result.details.append(message)
        if escalate:
            superior = task.unit.parent or county_work_committee(need.region)
            span = workdays.describe(escalate_after)
            message = f"督办：{task.unit.name}承办的企业需求 {need.number} 逾期 {span}仍未办结，报{superior.name}督办"
            key = loops.reminder_key("need-escalate", task.pk, task.due_at)
            if _remind(key, ReminderKind.ESCALATION, task, superior, message, now):
                task.escalated_to = superior
                task.save(update_fields=["escalated_to", "updated_at"])
                _event(need, EventKind.ESCALATED, actor=actor, task=task, note=message, at=now)
                result.escalated += 1
                result.details.append(message)
    return result

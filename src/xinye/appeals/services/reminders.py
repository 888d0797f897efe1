"""`xinye tick`: reminders (催办) the day after a deadline, escalation (督办) to the unit's superior, and the
return-visit reminder after 办结 — each written once, however often tick runs."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from xinye.accounts.permissions import (
    is_system,
    require,
)
from xinye.appeals import rules
from xinye.appeals.choices import (
    OPEN_TASK_STATES,
    AppealStatus,
    EventKind,
    ReminderKind,
)
from xinye.appeals.models import Appeal, AppealReminder, AppealTask
from xinye.appeals.services.loop import _event, _fmt  # package-private: one event writer
from xinye.appeals.services.routing import county_work_committee
from xinye.core import loops, workdays
from xinye.core.context import actor_context, current_actor
from xinye.core.errors import OutOfScope

# --- xinye tick: reminders, escalation, return visits ---


@dataclass
class TickResult:
    reminded: int = 0
    escalated: int = 0
    visits_due: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.reminded + self.escalated + self.visits_due

    @property
    def summary(self) -> str:
        return f"催办 {self.reminded} 件，督办 {self.escalated} 件，待回访 {self.visits_due} 件"


def _remind(key, kind, appeal, unit, message, task=None, now=None) -> bool:
    _obj, created = AppealReminder.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "appeal": appeal,
            "task": task,
            "unit": unit,
            "message": message[:255],
            "created_at": now or timezone.now(),
        },
    )
    return created


def tick(*, actor, now=None) -> TickResult:
    """`xinye tick`: the periodic duties below, done by the system — `actor` is `system_actor("tick")` (a
    staff user is refused: reminders go to every unit). The change log and the events name that actor."""
    if not is_system(actor):
        raise OutOfScope()
    current = current_actor()
    with actor_context(source=current.source, request_id=current.request_id or None, label=actor.label):
        return _tick(actor=actor, now=now)


@transaction.atomic
def _tick(*, actor, now=None) -> TickResult:
    """Run by cron / a systemd timer every few minutes (`xinye tick`). Idempotent: a reminder is keyed by
    task, kind and deadline, so running twice writes nothing new.
    - 催办: the day after a task's deadline passes (rules.md: "a reminder the day after");
    - 督办: reported to the unit's superior (its parent unit) if still open 5 working days after the deadline;
    - 回访: the day after 办结, a reminder to the appeal's unit to call the worker back."""
    now = now or timezone.now()
    result = TickResult()
    remind_after, escalate_after = rules.remind_after(), rules.escalate_after()
    overdue = (
        AppealTask.objects.filter(status__in=OPEN_TASK_STATES, due_at__lt=now)
        .select_related("appeal", "unit", "unit__parent")
        .order_by("due_at", "pk")
    )
    for task in overdue:
        remind, escalate = loops.overdue_steps(
            task.due_at, now, remind_after=remind_after, escalate_after=escalate_after
        )
        if remind:
            message = f"催办：{task.appeal.number}（{task.appeal.get_category_display()}）已超过办结时限 {_fmt(task.due_at)}"
            if _remind(
                loops.reminder_key("overdue", task.pk, task.due_at),
                ReminderKind.OVERDUE,
                task.appeal,
                task.unit,
                message,
                task,
                now,
            ):
                _event(task.appeal, EventKind.REMINDED, actor=actor, task=task, note=message, at=now)
                result.reminded += 1
                result.details.append(message)
        if escalate:
            superior = task.unit.parent or county_work_committee(task.appeal.region)
            span = workdays.describe(escalate_after)  # "5 个工作日"
            message = (
                f"督办：{task.unit.name}承办的 {task.appeal.number} 逾期 {span}仍未办结，"
                f"报{superior.name}督办"
            )
            if _remind(
                loops.reminder_key("escalate", task.pk, task.due_at),
                ReminderKind.ESCALATION,
                task.appeal,
                superior,
                message,
                task,
                now,
            ):
                task.escalated_to = superior
                task.save(update_fields=["escalated_to", "updated_at"])
                _event(task.appeal, EventKind.ESCALATED, actor=actor, task=task, note=message, at=now)
                result.escalated += 1
                result.details.append(message)
    visits = Appeal.objects.filter(
        status=AppealStatus.CLOSED, return_visit_due_at__lte=now, visited_at__isnull=True
    )
    for appeal in visits.select_related("unit"):
        stamp = int(appeal.closed_at.timestamp()) if appeal.closed_at else 0
        message = f"回访：{appeal.number} 已于 {_fmt(appeal.closed_at)} 办结，请回访诉求人"
        if _remind(
            f"visit:{appeal.pk}:{stamp}", ReminderKind.RETURN_VISIT, appeal, appeal.unit, message, None, now
        ):
            _event(appeal, EventKind.VISIT_DUE, actor=actor, note=message, at=now)
            result.visits_due += 1
            result.details.append(message)
    return result


@transaction.atomic
def mark_reminders_read(reminders, *, actor) -> int:
    """Mark reminders as read (the console's action); each must be inside the actor's scope. Returns how
    many were unread."""
    now, count = timezone.now(), 0
    for reminder in reminders:
        require(actor, "change", reminder)
        if reminder.read_at is None:
            reminder.read_at = now
            reminder.save(update_fields=["read_at"])
            count += 1
    return count

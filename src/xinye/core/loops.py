"""What every tracked loop shares (a worker's appeal, an enterprise's need): applying a transition table to
a row's `status`, and when a missed deadline's reminder (催办) and escalation (督办) fall due for `xinye tick`.

The loops keep their own states, rows and messages; these are the pieces that are the same idea in each.
"""

from django.utils import timezone

from xinye.core import workdays
from xinye.core.errors import Refused


def apply_transition(obj, table: dict, new_state: str, labels) -> None:
    """Move `obj.status` to `new_state` (in memory) if `table[current]` allows it, else refuse naming both
    states by their Chinese labels (`labels` is the TextChoices class of the states)."""
    current = obj.status
    if new_state not in table.get(current, set()):
        raise Refused(f"当前状态“{labels(current).label}”不能转为“{labels(new_state).label}”")
    obj.status = new_state


def overdue_steps(due_at, now, *, remind_after, escalate_after) -> tuple[bool, bool]:
    """(remind, escalate) for an open task whose deadline `due_at` has passed: the reminder falls due
    `remind_after` later ("the day after a deadline" is that day's 00:00), the escalation to the superior
    unit `escalate_after` later; both spans on the working-day calendar (`workdays.start_after`)."""
    return (
        now >= workdays.start_after(due_at, remind_after),
        now >= workdays.start_after(due_at, escalate_after),
    )


def reminder_key(kind: str, pk: int, due_at) -> str:
    """The idempotency key of one reminder: one per task, kind and deadline, so `xinye tick` run twice
    reminds once, and a task whose deadline moved (an extension) is reminded again."""
    return f"{kind}:{pk}:{int(due_at.timestamp())}"


def check_return_window(assigned_at, now, span) -> None:
    """回退 is allowed only within `span` of a task's assignment (rules.md: 2 working days); refuse after it,
    naming the span and the moment it ended."""
    limit_at = workdays.add(assigned_at, span)
    if now > limit_at:
        until = timezone.localtime(limit_at).strftime("%Y-%m-%d %H:%M")
        raise Refused(f"回退须在派单后 {workdays.describe(span)}内提出（截至 {until}）")

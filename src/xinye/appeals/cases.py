"""What an appeal (诉求) and a hazard report (随手拍) share: a public case a worker files, handled by staff,
with a timeline of steps the worker sees, a per-worker rate limit and the worker's right to be forgotten.

`PublicCase` and `CaseEvent` are abstract bases (no table of their own); the concrete models keep their
own fields where they differ (labels, indexes), so the bases change no schema.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.accounts.permissions import is_system
from xinye.appeals.choices import OPEN_TASK_STATES, TaskStatus


class PublicCase(models.Model):
    """A case filed by a worker (`worker`, null once they deleted their data) with `events` (a CaseEvent
    subclass, related_name "events"). `ANONYMISED` names the fields about the person and what they become
    when the worker deletes their data."""

    ANONYMISED: dict = {}

    class Meta:
        abstract = True

    def timeline(self) -> list[tuple]:
        """What the worker sees, oldest first: (time, Chinese text)."""
        return [
            (e.created_at, e.public_text)
            for e in self.events.filter(public=True).order_by("created_at", "pk")
        ]

    def anonymise(self) -> None:
        """Unlink the case from its worker and erase what is about them (in memory; the service saves it,
        so the change log records it, and removes the files)."""
        self.worker = None
        for name, value in self.ANONYMISED.items():
            setattr(self, name, value)

    @classmethod
    def rate_exceeded(cls, worker, *, time_field: str, count: int, seconds: int) -> bool:
        """Whether `worker` already filed `count` cases in the last `seconds`: the `count`-th row of the
        (worker, time) index, read on the primary (the count must include the last write)."""
        since = timezone.now() - datetime.timedelta(seconds=seconds)
        meta = cls._meta
        using = router.db_for_write(cls)
        # One plain read per submission, its text made from the model's metadata (the ORM would build the
        # same statement on every request).
        sql = (
            f"SELECT 1 FROM {meta.db_table} WHERE {meta.get_field('worker').column} = %s"  # noqa: S608
            f" AND {meta.get_field(time_field).column} >= %s LIMIT 1 OFFSET %s"
        )
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, [worker.pk, connection.ops.adapt_datetimefield_value(since), count - 1])
            return cursor.fetchone() is not None


class CaseEvent(models.Model):
    """One step on a case: who did it (a staff user, the system, or the worker), a staff note, and
    `public_text` for the worker's timeline (the concrete model names those two fields for its reader)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=64, blank=True)
    note = models.TextField(_("说明"), blank=True)

    audit_exclude = True  # the event row is itself the log of the step

    class Meta:
        abstract = True

    @staticmethod
    def by(actor, label: str = "") -> dict:
        """The `actor` and `actor_label` of a step done by `actor`: a staff user (by name), a system actor
        ("系统（tick）") or a worker acting on their own case (`label`, else "从业人员")."""
        if isinstance(actor, get_user_model()):
            name = getattr(actor, "display_name", "") or actor.get_username()
            return {"actor": actor, "actor_label": label or name}
        if is_system(actor):
            return {"actor": None, "actor_label": label or f"系统（{actor.label}）"}
        return {"actor": None, "actor_label": label or "从业人员"}


class CaseTask(models.Model):
    """One unit's share of a case on the 12345-style loop (派单 → 签收 → 答复 → 办结, or 回退 when mis-routed):
    the fields and reads every loop's task has — an appeal's (`AppealTask`) and an enterprise need's
    (`support.NeedTask`). The concrete model adds its case, its `unit` (with its own related name) and its
    `answer` (encrypted where the case is about a person)."""

    instruction = models.TextField(_("派单说明"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED, db_index=True
    )
    assigned_at = models.DateTimeField(_("派单时间"), default=timezone.now)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("派单人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    return_reason = models.CharField(_("回退理由"), max_length=255, blank=True)
    returned_at = models.DateTimeField(_("回退时间"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("督办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATES

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_at and self.is_open and timezone.now() > self.due_at)

    @property
    def signed_in_time(self) -> bool:
        return bool(self.signed_at and (self.sign_due_at is None or self.signed_at <= self.sign_due_at))

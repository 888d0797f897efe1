"""Appeals (诉求) and their 12345-style closed loop: the appeal, its tasks per unit, events, reminders."""

from django.conf import settings
from django.db import models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.appeals.cases import CaseEvent, CaseTask, PublicCase
from xinye.appeals.choices import (
    AppealCategory,
    AppealSource,
    AppealStatus,
    EventKind,
    LimitKind,
    ReminderKind,
)
from xinye.core.bulk import next_pk
from xinye.core.fields import EncryptedTextField, PhotoField
from xinye.core.scope import ScopeSpec
from xinye.core.versioning import Versioned

CATEGORY_LABELS = dict(AppealCategory.choices)


class Appeal(Versioned, PublicCase):
    """A worker's request for help. `unit` is the worker's community (or the routing unit when the worker
    has none), so that community sees it; the work itself is split into AppealTasks, one per unit.
    The text is about a person: encrypted at rest and masked for roles without view_sensitive."""

    number = models.CharField(_("编号"), max_length=20, unique=True, null=True, blank=True, editable=False)
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
        db_index=False,  # the (worker, submitted_at) index below serves every lookup by worker
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=AppealSource.choices, default=AppealSource.PORTAL
    )
    category = models.CharField(_("类别"), max_length=20, choices=AppealCategory.choices)
    limit_kind = models.CharField(_("时限类别"), max_length=16, choices=LimitKind.choices)
    # 小哥绿色通道 (rules.green_channel): a registered worker's appeal in a green category, with shorter limits
    green = models.BooleanField(_("绿色通道"), default=False, db_index=True)
    text = EncryptedTextField(_("诉求内容"), mask="text")
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("属地单位"), on_delete=models.PROTECT, related_name="appeals"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name=_("相关企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED, db_index=True
    )
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("答复时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True)
    extended = models.BooleanField(_("已延期"), default=False)
    extension_reason = models.CharField(_("延期理由"), max_length=255, blank=True)
    answer = EncryptedTextField(_("答复内容"), mask="text")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    return_visit_due_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    visited_at = models.DateTimeField(_("回访完成"), null=True, blank=True)
    visit_note = models.CharField(_("回访记录"), max_length=255, blank=True)
    satisfied = models.BooleanField(_("满意"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=255, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    reject_reason = models.CharField(_("不予受理理由"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", enterprise="enterprise")
    # what the worker's right to be forgotten erases (their photos go too: services.anonymise_worker)
    ANONYMISED = {"text": "（已应本人要求删除）", "rating_comment": ""}

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["worker", "submitted_at"], name="appeal_worker_time")]

    def __str__(self):
        # the label from the choices directly: get_category_display() rebuilds its lookup on every call, and
        # this runs for the change log on every submission
        return f"{self.number or '诉求'} · {CATEGORY_LABELS.get(self.category, self.category)}"

    def save(self, *args, **kwargs):
        """Saves the row. A new appeal gets its number (SQ + submission date + the row's id) in the same
        INSERT: its id is reserved first (core.bulk.next_pk), so the change log records the row, number
        included, once."""
        if self._state.adding and self.pk is None and not self.number:
            using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
            self.pk = next_pk(type(self), using)
            self.number = f"SQ{timezone.localtime(self.submitted_at):%Y%m%d}{self.pk:05d}"
            kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in (AppealStatus.SUBMITTED, AppealStatus.ACCEPTED, AppealStatus.DISPATCHED)

    @property
    def is_overdue(self) -> bool:
        """Visible on read: an open appeal past its completion deadline."""
        return bool(self.due_at and self.is_open and timezone.now() > self.due_at)


class AppealPhoto(models.Model):
    """A photo attached to an appeal (checked and re-encoded by core.uploads, at most rules.MAX_PHOTOS)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="photos"
    )
    file = PhotoField(_("照片"), upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    scope = ScopeSpec(unit="appeal__unit", enterprise="appeal__enterprise")  # as its appeal's

    class Meta:
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")

    def __str__(self):
        return self.file.name


class AppealTask(Versioned, CaseTask):
    """One unit's share of an appeal (派单): signed, handled, answered, finished — or sent back (回退)
    when mis-routed. `unit` is the assigned unit: a community sees its own tasks only."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="tasks")
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="appeal_tasks"
    )
    answer_due_at = models.DateTimeField(_("答复时限"), null=True, blank=True)
    answer = EncryptedTextField(_("答复内容"), mask="text")

    scope = ScopeSpec(unit="unit", enterprise="appeal__enterprise")

    class Meta:
        verbose_name = _("诉求任务")
        verbose_name_plural = _("诉求任务")
        ordering = ["due_at", "pk"]

    def __str__(self):
        return f"{self.appeal.number or self.appeal_id} → {self.unit}"


class AppealEvent(CaseEvent):
    """One step of the loop, who did it and when. `public_text` is what the worker sees (empty = staff only)."""

    appeal = models.ForeignKey(
        Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events"
    )
    task = models.ForeignKey(
        AppealTask,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("环节"), max_length=16, choices=EventKind.choices)
    public = models.BooleanField(_("从业人员可见"), default=False)
    public_text = models.TextField(_("对从业人员显示"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    scope = ScopeSpec(unit="appeal__unit")

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class AppealReminder(models.Model):
    """A reminder written by `xinye tick` for a unit: overdue (催办), escalation to the superior (督办), or
    a return visit that is due. `key` makes tick idempotent: one reminder per task/appeal and kind."""

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    appeal = models.ForeignKey(
        Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="reminders"
    )
    task = models.ForeignKey(
        AppealTask,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("提醒单位"), on_delete=models.CASCADE, related_name="appeal_reminders"
    )
    message = models.CharField(_("内容"), max_length=255)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读"), null=True, blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("催办督办提醒")
        verbose_name_plural = _("催办督办提醒")
        ordering = ["-created_at"]

    def __str__(self):
        return self.message

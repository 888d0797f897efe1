"""Precise services to enterprises (精准服务企业): an enterprise's needs, assigned to handling units and tracked
on the appeals' task loop (tasks, deadlines on the working-day calendar, reminders by `xinye tick`); the
policy catalogue and which enterprise was told of or took up which policy; 银企/保险对接 — institutions
and their products, matchmaking events and one-to-one matches with their outcome."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.appeals.cases import CaseEvent, CaseTask
from xinye.appeals.choices import EventKind, ReminderKind
from xinye.core.scope import ScopeSpec
from xinye.support.choices import (
    OPEN_NEED_STATES,
    InstitutionKind,
    MatchStatus,
    NeedKind,
    NeedStatus,
    ProductKind,
    ReachKind,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class EnterpriseNeed(models.Model):
    """An enterprise's need (企业诉求), not a worker's appeal: financing, rider insurance, premises,
    recruitment, a policy question, compliance. Owned by the enterprise's county 行业党建办 (`unit`, the
    enterprise's), so that county sees it; the work is split into NeedTasks, one per handling unit, which
    see their own tasks only. About a business, not a person: stored in clear."""

    enterprise = models.ForeignKey(
        "ledger.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="needs"
    )
    kind = models.CharField(_("需求类别"), max_length=16, choices=NeedKind.choices, db_index=True)
    title = models.CharField(_("需求"), max_length=128)
    details = models.TextField(_("具体情况"), blank=True)
    amount = models.DecimalField(
        _("涉及金额（元）"), **MONEY, null=True, blank=True, help_text=_("融资需求的金额等，可不填")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("属地单位"), on_delete=models.PROTECT, related_name="enterprise_needs"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.SUBMITTED, db_index=True
    )
    contact = models.CharField(_("企业联系人"), max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提出时间"), default=timezone.now, db_index=True)
    answer_due_at = models.DateTimeField(_("答复时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True)
    answer = models.TextField(_("答复企业"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolved = models.BooleanField(_("需求已解决"), null=True, blank=True)
    reject_reason = models.CharField(_("不予受理理由"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="enterprise__industry", enterprise="enterprise")

    class Meta:
        verbose_name = _("企业需求")
        verbose_name_plural = _("企业需求")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.number} · {self.title}"

    @property
    def number(self) -> str:
        return f"QX{self.pk:05d}" if self.pk else "QX"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NEED_STATES

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_at and self.is_open and timezone.now() > self.due_at)

    @property
    def on_time(self) -> bool | None:
        """Finished by its deadline: True/False once closed, None while open (or rejected)."""
        if self.status != NeedStatus.CLOSED or self.closed_at is None:
            return None
        return self.due_at is None or self.closed_at <= self.due_at


class NeedTask(CaseTask):
    """One handling unit's share of a need (派单), on the appeals' task loop: 签收, 答复, 办结 or 回退.
    `unit` is the handling unit: it sees its own tasks (and through them the need's text)."""

    need = models.ForeignKey(
        EnterpriseNeed, verbose_name=_("企业需求"), on_delete=models.CASCADE, related_name="tasks"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="need_tasks"
    )
    answer = models.TextField(_("办理结果"), blank=True)

    scope = ScopeSpec(unit="unit", industry="need__enterprise__industry", enterprise="need__enterprise")

    class Meta:
        verbose_name = _("企业需求任务")
        verbose_name_plural = _("企业需求任务")
        ordering = ["due_at", "pk"]

    def __str__(self):
        return f"{self.need.number} → {self.unit}"


class NeedEvent(CaseEvent):
    """One step of a need's loop, who did it and when (the appeals' event, for a need)."""

    need = models.ForeignKey(
        EnterpriseNeed, verbose_name=_("企业需求"), on_delete=models.CASCADE, related_name="events"
    )
    task = models.ForeignKey(
        NeedTask,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("环节"), max_length=16, choices=EventKind.choices)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    scope = ScopeSpec(unit="need__unit", enterprise="need__enterprise")

    class Meta:
        verbose_name = _("需求办理记录")
        verbose_name_plural = _("需求办理记录")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class NeedReminder(models.Model):
    """A reminder `xinye tick` wrote for a unit about a need's task: 催办 the day after its deadline, 督办 to
    the superior unit later. `key` makes tick idempotent (core.loops.reminder_key)."""

    key = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    task = models.ForeignKey(
        NeedTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reminders"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("提醒单位"), on_delete=models.CASCADE, related_name="need_reminders"
    )
    message = models.CharField(_("内容"), max_length=255)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读"), null=True, blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("企业需求催办督办")
        verbose_name_plural = _("企业需求催办督办")
        ordering = ["-created_at"]

    def __str__(self):
        return self.message


class Policy(models.Model):
    """A policy in the catalogue (惠企政策): what it is, who issued it, whom it applies to, the documents an
    enterprise hands in, when it is in force. Owned by the unit that publishes it in the catalogue (the
    city's 两新工委 for the whole city, a county's for its own)."""

    title = models.CharField(_("政策名称"), max_length=160)
    issuer = models.CharField(_("发文单位"), max_length=128)
    document_no = models.CharField(_("文号"), max_length=64, blank=True)
    applies_to = models.CharField(_("适用对象"), max_length=255, help_text=_("如 外卖、快递平台站点及其骑手"))
    industries = models.CharField(
        _("适用行业"), max_length=128, blank=True, help_text=_("行业代码，逗号分隔；空 = 不限行业")
    )
    summary = models.TextField(_("政策要点"), blank=True)
    documents = models.TextField(_("申报材料"), blank=True, help_text=_("每行一项"))
    url = models.URLField(_("原文链接"), blank=True)
    effective_from = models.DateField(_("施行日期"))
    effective_until = models.DateField(_("有效期至"), null=True, blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="policies"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("适用地区"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("惠企政策")
        verbose_name_plural = _("惠企政策")
        ordering = ["-effective_from", "title"]

    def __str__(self):
        return self.title

    def in_force(self, day) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)


class PolicyReach(models.Model):
    """That an enterprise was told of a policy (已告知) or took it up (已享受), when, by whom: policy reach.
    Scoped by the enterprise: its county records and sees it."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="reach")
    enterprise = models.ForeignKey(
        "ledger.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="policy_reach"
    )
    kind = models.CharField(_("落实情况"), max_length=16, choices=ReachKind.choices)
    date = models.DateField(_("日期"), default=timezone.localdate)
    benefit = models.DecimalField(_("享受金额（元）"), **MONEY, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope = ScopeSpec(unit="enterprise__unit", industry="enterprise__industry", enterprise="enterprise")

    class Meta:
        verbose_name = _("政策落实记录")
        verbose_name_plural = _("政策落实记录")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise", "kind"], name="support_reach_once")
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.policy} · {self.get_kind_display()}"


class Institution(models.Model):
    """A financial or insurance institution (a bank's branch, an insurer) that takes part in 银企/保险对接,
    kept by the unit that works with it."""

    name = models.CharField(_("机构名称"), max_length=128)
    kind = models.CharField(_("机构类别"), max_length=16, choices=InstitutionKind.choices)
    contact = models.CharField(_("对接人"), max_length=32, blank=True)
    phone = models.CharField(_("对接电话"), max_length=32, blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("联系单位"), on_delete=models.PROTECT, related_name="institutions"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("合作中"), default=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("金融保险机构")
        verbose_name_plural = _("金融保险机构")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Product(models.Model):
    """A product an institution offers enterprises: a loan (创业贷、经营贷), rider accident insurance,
    occupational-injury cover."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("机构"), on_delete=models.CASCADE, related_name="products"
    )
    name = models.CharField(_("产品名称"), max_length=128)
    kind = models.CharField(_("产品类别"), max_length=24, choices=ProductKind.choices)
    terms = models.TextField(_("产品要点"), blank=True, help_text=_("额度、利率或保费、期限、条件"))
    max_amount = models.DecimalField(_("最高额度/保额（元）"), **MONEY, null=True, blank=True)
    is_active = models.BooleanField(_("在售"), default=True)

    scope = ScopeSpec(unit="institution__unit")

    class Meta:
        verbose_name = _("金融保险产品")
        verbose_name_plural = _("金融保险产品")
        ordering = ["institution", "kind", "name"]

    def __str__(self):
        return f"{self.institution} · {self.name}"


class MatchEvent(models.Model):
    """A matchmaking event (银企对接会、保险对接会): when, where, who organised it, which institutions came."""

    title = models.CharField(_("活动名称"), max_length=160)
    held_on = models.DateField(_("举办日期"))
    place = models.CharField(_("地点"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="match_events"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    institutions = models.ManyToManyField(
        Institution, verbose_name=_("参加机构"), blank=True, related_name="events"
    )
    notes = models.TextField(_("活动情况"), blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("银企对接活动")
        verbose_name_plural = _("银企对接活动")
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class Match(models.Model):
    """One enterprise matched with one institution (at an event or one to one), and the outcome: the loan
    or the sum insured, and how many of the enterprise's workers the cover reaches. Scoped by the
    enterprise: its county sees it. May answer one of the enterprise's needs."""

    event = models.ForeignKey(
        MatchEvent,
        verbose_name=_("对接活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matches",
    )
    enterprise = models.ForeignKey(
        "ledger.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="finance_matches"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="matches"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("产品"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    need = models.ForeignKey(
        EnterpriseNeed,
        verbose_name=_("对应需求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matches",
    )
    kind = models.CharField(_("对接类别"), max_length=24, choices=ProductKind.choices)
    status = models.CharField(
        _("结果"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.PROPOSED, db_index=True
    )
    amount = models.DecimalField(_("贷款/保额（元）"), **MONEY, null=True, blank=True)
    workers_covered = models.PositiveIntegerField(_("覆盖从业人员数"), default=0)
    concluded_on = models.DateField(_("达成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    scope = ScopeSpec(unit="enterprise__unit", industry="enterprise__industry", enterprise="enterprise")

    class Meta:
        verbose_name = _("对接结果")
        verbose_name_plural = _("对接结果")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.enterprise} ↔ {self.institution}"

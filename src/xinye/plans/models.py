"""Work plans (工作方案) with annual goals, the monthly tasks sent down to the 53 行业党建办 and their reports,
the notices of the task loop (reminders, escalation, 督办 with a reply required), the ranking's rule table
and the stored monthly rankings, and drives (专项行动) whose progress is read from the data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.core.fields import DocumentField
from xinye.core.scope import ScopeSpec
from xinye.plans.choices import Indicator, NoticeKind, ReportKind, ScoreKey, TaskStatus


class Plan(models.Model):
    """One unit's work plan for a year (the city 两新工委, a 行业党委, a county 两新工委): one per owner and year."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    owner = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("方案名称"), max_length=128)
    summary = models.TextField(_("主要内容"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="owner")

    class Meta:
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")
        ordering = ["-year", "owner__path"]
        constraints = [models.UniqueConstraint(fields=["year", "owner"], name="plans_plan_once_a_year")]

    def __str__(self):
        return f"{self.year} {self.title}"


class Goal(models.Model):
    """An annual goal with an indicator and a target. A live indicator's actual value is read from the data
    (plans.indicators); a reported one is typed in with evidence (a note or a file)."""

    plan = models.ForeignKey(Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("目标"), max_length=128)
    indicator = models.CharField(_("指标"), max_length=24, choices=Indicator.choices)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    unit_label = models.CharField(_("计量单位"), max_length=8, blank=True)
    reported_value = models.DecimalField(_("填报值"), max_digits=12, decimal_places=2, null=True, blank=True)
    evidence = models.TextField(_("佐证说明"), blank=True)
    evidence_file = DocumentField(_("佐证材料"), upload_to="plans/evidence/%Y/%m/", blank=True)
    reported_at = models.DateTimeField(_("填报时间"), null=True, blank=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    scope = ScopeSpec(unit="plan__owner")

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["plan", "sort", "pk"]

    def __str__(self):
        return self.title

    @property
    def is_live(self) -> bool:
        return self.indicator != Indicator.REPORTED


class PlanTask(models.Model):
    """A monthly task sent down to one 行业党建办 (`office`): 下达 → 签收 → 进展/月报 → 完成, due on a working
    day; open after `due_date` it is overdue (逾期), and tick reminds and escalates."""

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("工作方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    month = models.DateField(_("月份"), db_index=True, help_text=_("任务所属月份（当月 1 日）"))
    title = models.CharField(_("任务"), max_length=128)
    details = models.TextField(_("任务要求"), blank=True)
    issuer = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("下达单位"), on_delete=models.PROTECT, related_name="issued_plan_tasks"
    )
    office = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="plan_tasks"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.ISSUED, db_index=True
    )
    issued_at = models.DateTimeField(_("下达时间"), default=timezone.now)
    sign_due = models.DateField(_("签收时限"))
    due_date = models.DateField(_("完成时限"), db_index=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    finished_on = models.DateField(_("完成日期"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("已上报督办"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="office")

    class Meta:
        verbose_name = _("月度任务")
        verbose_name_plural = _("月度任务")
        ordering = ["-month", "due_date", "office__path"]
        indexes = [models.Index(fields=["office", "due_date"])]

    def __str__(self):
        return f"{self.title} · {self.office}"

    @property
    def is_open(self) -> bool:
        return self.status != TaskStatus.DONE

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date < today

    @property
    def finished_late(self) -> bool:
        return self.finished_on is not None and self.finished_on > self.due_date


class TaskReport(models.Model):
    """A progress note, monthly report or final report of a task, with an optional attachment."""

    task = models.ForeignKey(
        PlanTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ReportKind.choices, default=ReportKind.PROGRESS)
    text = models.TextField(_("内容"))
    attachment = DocumentField(_("附件"), upload_to="plans/reports/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    scope = ScopeSpec(unit="task__office")

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.task}"


class PlanNotice(models.Model):
    """A notice to a unit: reminders and escalations written by `xinye tick` (keyed, so written once), and
    督办 notices staff send to an office, which require a reply by `reply_due`."""

    key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=NoticeKind.choices, db_index=True)
    task = models.ForeignKey(
        PlanTask,
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("接收单位"), on_delete=models.CASCADE, related_name="plan_notices"
    )
    sender = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("督办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("内容"))
    reply_required = models.BooleanField(_("需回复"), default=False)
    reply_due = models.DateField(_("回复时限"), null=True, blank=True)
    reply = models.TextField(_("回复"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读"), null=True, blank=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("督办提醒")
        verbose_name_plural = _("督办提醒")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.message[:60]


class ScoreRule(models.Model):
    """One row of the ranking's rule table: a part of the monthly score, its weight and its parameter.
    Owned by the city 两新工委, so only the city edits it."""

    key = models.CharField(_("评分项"), max_length=16, choices=ScoreKey.choices, unique=True)
    owner = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    weight = models.DecimalField(_("权重（%）"), max_digits=5, decimal_places=2)
    param = models.DecimalField(
        _("参数"),
        max_digits=6,
        decimal_places=2,
        default=0,
        help_text=_("任务按期：逾期完成按几成计分（0.5 = 五成）；覆盖提升：本月提升多少个百分点得满分"),
    )
    description = models.TextField(_("计分办法"), blank=True)

    scope = ScopeSpec(unit="owner")

    class Meta:
        verbose_name = _("排名计分规则")
        verbose_name_plural = _("排名计分规则")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_key_display()} {self.weight}%"


class OfficeScore(models.Model):
    """A published monthly ranking row of one 行业党建办: its score, rank and parts (explained line by line)."""

    month = models.DateField(_("月份"), db_index=True)
    office = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("行业党建办"), on_delete=models.CASCADE, related_name="plan_scores"
    )
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"))
    parts = models.JSONField(_("得分明细"), default=list)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    scope = ScopeSpec(unit="office")

    class Meta:
        verbose_name = _("月度排名")
        verbose_name_plural = _("月度排名")
        ordering = ["-month", "rank"]
        constraints = [models.UniqueConstraint(fields=["month", "office"], name="plans_score_once_a_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.office} 第{self.rank}名"


class Drive(models.Model):
    """A drive (专项行动: a sprint such as the 50-day 摸排–组建–选派): start, deadline and targets; its daily
    progress per county is read from the data (import batches, organisations formed, instructors)."""

    title = models.CharField(_("名称"), max_length=128)
    owner = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="drives"
    )
    start = models.DateField(_("开始日期"))
    deadline = models.DateField(_("截止日期"))
    description = models.TextField(_("工作要求"), blank=True)
    target_surveyed = models.PositiveIntegerField(_("摸排企业目标"), default=0)
    target_formed = models.PositiveIntegerField(_("组建党组织目标"), default=0)
    target_instructors = models.PositiveIntegerField(_("选派指导员目标"), default=0)

    scope = ScopeSpec(unit="owner")

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-start"]

    def __str__(self):
        return self.title

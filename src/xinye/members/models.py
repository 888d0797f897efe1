"""Party members' development, transfers and 流动党员, dues and learning (domain.md pillars 3 and 5).

Rows belong to a party organisation OrgUnit (`unit`), so a secretary sees only their own organisation.
The rule tables (development steps, intervals, dues bands) are reference data with no unit.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.crypto import keyed_hash
from xinye.core.fields import DocumentField, EncryptedTextField
from xinye.core.scope import ScopeSpec
from xinye.members.choices import (
    CaseStatus,
    CourseKind,
    CourseMode,
    Direction,
    DuesBasis,
    FlowStatus,
    StudySource,
    TransferStatus,
)
from xinye.members.rules import stage_of, transfer_valid_until

# --- member development (中国共产党发展党员工作细则, 2014) ---


class DevelopmentStep(models.Model):
    """One of the 25 steps in 5 stages of the 细则. Seeded by migration; the text is the city's to refine."""

    number = models.PositiveSmallIntegerField(_("步骤"), unique=True)
    stage = models.PositiveSmallIntegerField(_("阶段"))
    stage_name = models.CharField(_("阶段名称"), max_length=64)
    name = models.CharField(_("步骤名称"), max_length=64)
    actors = models.CharField(_("责任主体/参与人"), max_length=255, blank=True)
    documents = models.CharField(_("形成材料"), max_length=255, blank=True)
    source = models.CharField(_("依据"), max_length=128, blank=True)
    repeatable = models.BooleanField(_("可多次记录（如半年考察）"), default=False)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("发展党员步骤")
        verbose_name_plural = _("发展党员25个步骤")
        ordering = ["number"]

    def __str__(self):
        return _("第%(number)s步 %(name)s") % {"number": self.number, "name": self.name}


class StepInterval(models.Model):
    """A minimum (and optionally maximum) number of days between two steps, with the rule it encodes.

    laomd-2/partybuilding keeps these as rows so a city can tighten them without a code change.
    """

    from_step = models.ForeignKey(
        DevelopmentStep, verbose_name=_("起算步骤"), on_delete=models.CASCADE, related_name="intervals_from"
    )
    to_step = models.ForeignKey(
        DevelopmentStep, verbose_name=_("目标步骤"), on_delete=models.CASCADE, related_name="intervals_to"
    )
    min_days = models.PositiveIntegerField(_("最少间隔（天）"), default=0)
    max_days = models.PositiveIntegerField(_("最长间隔（天）"), null=True, blank=True)
    rule = models.CharField(_("规则说明"), max_length=255)
    source = models.CharField(_("依据"), max_length=128)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("步骤间隔规则")
        verbose_name_plural = _("步骤间隔规则")
        ordering = ["to_step__number", "from_step__number"]
        constraints = [models.UniqueConstraint(fields=["from_step", "to_step"], name="members_interval_pair")]

    def __str__(self):
        return _("第%(from)s步 → 第%(to)s步") % {"from": self.from_step.number, "to": self.to_step.number}


class DevelopmentCase(models.Model):
    """One person's path from application to full member, in one party organisation (`unit`).

    Steps are added only through `members.services.record_step`, which enforces order and intervals.
    """

    practitioner = models.ForeignKey(
        "ledger.Practitioner",
        verbose_name=_("发展对象（从业人员）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="development_cases",
    )
    current_step = models.PositiveSmallIntegerField(_("当前步骤"), default=0, db_index=True)
    current_step_on = models.DateField(_("当前步骤日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    probation_extended_months = models.PositiveSmallIntegerField(_("延长预备期（月）"), default=0)
    probation_extended_on = models.DateField(_("延长预备期决定日期"), null=True, blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    close_reason = models.TextField(_("结束原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", enterprise="practitioner__enterprise")

    class Meta:
        verbose_name = _("发展党员档案")
        verbose_name_plural = _("发展党员")
        ordering = ["unit_id", "-updated_at"]

    def __str__(self):
        return _("%(name)s（第%(number)s步）") % {"name": self.practitioner.name, "number": self.current_step}

    @property
    def stage(self) -> int:
        return stage_of(self.current_step)


class DevelopmentRecord(models.Model):
    """One recorded step of a case: its date, the members who acted (联系人, 介绍人), documents, a note."""

    case = models.ForeignKey(
        DevelopmentCase, verbose_name=_("发展党员档案"), on_delete=models.CASCADE, related_name="records"
    )
    step = models.ForeignKey(
        DevelopmentStep, verbose_name=_("步骤"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("日期"))
    actors = models.ManyToManyField(
        "ledger.PartyMember", verbose_name=_("培养联系人/入党介绍人"), related_name="+", blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    late_reason = models.TextField(_("超期原因"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope = ScopeSpec(unit="case__unit", enterprise="case__practitioner__enterprise")

    class Meta:
        verbose_name = _("发展步骤记录")
        verbose_name_plural = _("发展步骤记录")
        ordering = ["case_id", "step__number", "date", "id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.step}"


class DevelopmentDocument(models.Model):
    """A document uploaded for a step (申请书, 志愿书, 政审材料, 公示, 批复…)."""

    record = models.ForeignKey(
        DevelopmentRecord, verbose_name=_("步骤记录"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("材料名称"), max_length=128)
    file = DocumentField(_("文件"), upload_to="members/development/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope = ScopeSpec(unit="record__case__unit", enterprise="record__case__practitioner__enterprise")

    class Meta:
        verbose_name = _("发展材料")
        verbose_name_plural = _("发展材料")

    def __str__(self):
        return self.title


# --- transfers and 流动党员 ---


class TransferLetter(models.Model):
    """A 党组织关系介绍信, outgoing or incoming. Valid 3 months (6 across provinces); the sending
    organisation stays responsible until the 回执 returns."""

    direction = models.CharField(_("方向"), max_length=16, choices=Direction.choices)
    letter_no = models.CharField(_("介绍信编号"), max_length=64, blank=True)
    member = models.ForeignKey(
        "ledger.PartyMember",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_letters",
    )
    member_name = models.CharField(_("党员姓名"), max_length=32)
    is_probationary = models.BooleanField(_("预备党员"), default=False)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("本方党组织"),
        on_delete=models.PROTECT,
        related_name="transfer_letters",
    )
    other_organisation = models.CharField(_("对方党组织"), max_length=128)
    other_region = models.CharField(_("对方所在地"), max_length=64, blank=True)
    cross_province = models.BooleanField(_("跨省（区、市）"), default=False)
    issued_on = models.DateField(_("开具日期"))
    valid_until = models.DateField(_("有效期至"), editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=TransferStatus.choices, default=TransferStatus.ISSUED, db_index=True
    )
    receipt_on = models.DateField(_("回执/报到日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", enterprise="member__enterprise")

    class Meta:
        verbose_name = _("组织关系介绍信")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return _("%(direction)s：%(name)s（%(other)s）") % {
            "direction": self.get_direction_display(),
            "name": self.member_name,
            "other": self.other_organisation,
        }

    def save(self, *args, **kwargs):
        self.valid_until = transfer_valid_until(self.issued_on, self.cross_province)
        super().save(*args, **kwargs)

    def is_expired(self, as_of) -> bool:
        return self.status == TransferStatus.ISSUED and as_of > self.valid_until


class FlowingMember(models.Model):
    """A 流动党员: membership held elsewhere (e.g. 赤峰), registered where they work and taking part in
    local life through the local organisation (`unit`)."""

    member = models.OneToOneField(
        "ledger.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="flowing"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("流入地党组织"),
        on_delete=models.PROTECT,
        related_name="flowing_members",
    )
    home_organisation = models.CharField(_("组织关系所在党组织"), max_length=128)
    home_region = models.CharField(_("流出地"), max_length=64)
    home_contact = models.CharField(_("流出地党组织联系人"), max_length=32, blank=True)
    home_contact_phone = EncryptedTextField(_("流出地联系电话"), mask="phone")
    home_contact_phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    certificate_no = models.CharField(_("流动党员活动证编号"), max_length=64, blank=True)
    registered_on = models.DateField(_("登记日期"))
    period_until = models.DateField(_("预计在本地至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=FlowStatus.choices, default=FlowStatus.ACTIVE)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", enterprise="member__enterprise")

    class Meta:
        verbose_name = _("流动党员")
        verbose_name_plural = _("流动党员")
        ordering = ["unit_id", "-registered_on"]

    def __str__(self):
        return _("%(member)s（%(region)s）") % {"member": self.member, "region": self.home_region}

    def save(self, *args, **kwargs):
        self.home_contact_phone_hash = keyed_hash(self.home_contact_phone)
        super().save(*args, **kwargs)


# --- dues (中组部《关于中国共产党党费收缴、使用和管理的规定》) ---


class DuesBand(models.Model):
    """One row of the dues rate table: monthly after-tax income in (lower, upper] pays `rate` per cent."""

    lower = models.DecimalField(
        _("月收入下限（不含，元）"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    upper = models.DecimalField(
        _("月收入上限（含，元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    rate = models.DecimalField(_("比例（%）"), max_digits=5, decimal_places=2)
    source = models.CharField(_("依据"), max_length=128)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("党费比例档")
        verbose_name_plural = _("党费比例表")
        ordering = ["lower"]

    def __str__(self):
        upper = _("%(amount)s 元") % {"amount": self.upper} if self.upper is not None else _("以上")
        return _("%(lower)s–%(upper)s：%(rate)s%%") % {"lower": self.lower, "upper": upper, "rate": self.rate}


class IncomeDeclaration(models.Model):
    """A member's declared monthly after-tax income (or, for gig workers, that month's net income).

    A fixed-wage declaration holds until the next one; gig workers declare each month and pay on the
    previous quarter's average.
    """

    member = models.ForeignKey(
        "ledger.PartyMember",
        verbose_name=_("党员"),
        on_delete=models.CASCADE,
        related_name="income_declarations",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份（每月1日）"))
    basis = models.CharField(_("计算依据"), max_length=16, choices=DuesBasis.choices, default=DuesBasis.WAGE)
    net_income = models.DecimalField(
        _("税后月收入（元）"), max_digits=10, decimal_places=2, default=Decimal("0")
    )
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", enterprise="member__enterprise")

    class Meta:
        verbose_name = _("收入申报")
        verbose_name_plural = _("党费收入申报")
        ordering = ["member_id", "-month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="members_income_month")]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m}"


class DuesPayment(models.Model):
    """A dues payment covering the months month_from..month_to (inclusive)."""

    member = models.ForeignKey(
        "ledger.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="dues_payments"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="+"
    )
    month_from = models.DateField(_("起始月份"))
    month_to = models.DateField(_("截止月份"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("交纳日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", enterprise="member__enterprise")

    class Meta:
        verbose_name = _("党费交纳")
        verbose_name_plural = _("党费交纳")
        ordering = ["-paid_on", "-id"]

    def __str__(self):
        return _("%(member)s %(start)s–%(end)s %(amount)s 元") % {
            "member": self.member,
            "start": f"{self.month_from:%Y-%m}",
            "end": f"{self.month_to:%Y-%m}",
            "amount": self.amount,
        }


# --- learning ---


class Course(models.Model):
    """A course or training (online or offline) with its 学时."""

    title = models.CharField(_("课程/培训名称"), max_length=128)
    mode = models.CharField(_("形式"), max_length=16, choices=CourseMode.choices, default=CourseMode.OFFLINE)
    kind = models.CharField(_("类别"), max_length=32, choices=CourseKind.choices, default=CourseKind.THEORY)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, default=Decimal("1"))
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("举办日期"), null=True, blank=True)
    provider = models.CharField(_("授课人/平台"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("学习课程")
        ordering = ["-held_on", "title"]

    def __str__(self):
        return self.title


class StudyRecord(models.Model):
    """One person's study: a course here, or a record imported from another platform (学习强国…)."""

    practitioner = models.ForeignKey(
        "ledger.Practitioner", verbose_name=_("学员"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(
        Course,
        verbose_name=_("课程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )
    kind = models.CharField(_("类别"), max_length=32, choices=CourseKind.choices, default=CourseKind.THEORY)
    title = models.CharField(_("学习内容"), max_length=128, blank=True)
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, default=Decimal("0"))
    points = models.PositiveIntegerField(_("积分"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=StudySource.choices, default=StudySource.HERE)
    platform = models.CharField(_("来源平台"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", enterprise="practitioner__enterprise")

    class Meta:
        verbose_name = _("学习记录")
        verbose_name_plural = _("学习记录")
        ordering = ["-date", "id"]
        indexes = [models.Index(fields=["practitioner", "kind"])]

    def __str__(self):
        return f"{self.practitioner} {self.date:%Y-%m-%d} {self.title or self.course}"

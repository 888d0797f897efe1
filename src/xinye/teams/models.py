"""The three teams (三支队伍) of each party organisation: its 书记, committee members (委员) and 党务工作者, one
row per person and post over a period (the history), with 双向进入、交叉任职 (the person's post in the
enterprise's management); the reserve pool (后备人选); yearly training plans; incentives and the yearly
assessment; 党员先锋岗 / 亮身份.

Every row hangs from a ledger party organisation and carries its unit, county and industry (copied from the
organisation by the services) so `restrict` scopes it like the organisation itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.scope import ScopeSpec
from xinye.guidance.models import YearlyAssessment
from xinye.ledger.choices import Education
from xinye.teams.choices import (
    IncentiveKind,
    ManagementLevel,
    Post,
    ReserveStatus,
    Source,
    VanguardKind,
)


class OrganisationRow(models.Model):
    """The placement every row of this app shares: its organisation's unit, county and industry."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("所在旗县区"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    industry = models.CharField(
        _("行业"), max_length=16, choices=Industry.choices, blank=True, editable=False
    )

    class Meta:
        abstract = True

    def place_in(self, organisation) -> None:
        """Copy the organisation's unit, county and industry (the services call it before every save)."""
        self.unit_id = organisation.unit_id
        self.region_id = organisation.region_id
        self.industry = organisation.industry or ""


class PartyWorker(OrganisationRow):
    """One person in one post of one party organisation from `since` to `until` (open while serving).
    Appointed and removed only through `teams.services.appoint` / `remove`; ended rows are the history.

    A 内部培养 person is a full member of the organisation (`member`); a 外部选派 one is named here with the
    unit that dispatched them, and may not be in the ledger at all (then birth year and education are kept
    here, for the age and education structure — nothing more)."""

    organisation = models.ForeignKey(
        "ledger.PartyOrganisation",
        verbose_name=_("党组织"),
        on_delete=models.CASCADE,
        related_name="team_posts",
    )
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices, db_index=True)
    member = models.ForeignKey(
        "ledger.PartyMember",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_posts",
    )
    name = models.CharField(_("姓名"), max_length=32)
    source = models.CharField(_("产生方式"), max_length=16, choices=Source.choices, default=Source.INTERNAL)
    dispatched_from = models.CharField(_("选派单位"), max_length=128, blank=True)
    full_time = models.BooleanField(_("专职"), default=False)
    management_level = models.CharField(
        _("企业管理层级"), max_length=8, choices=ManagementLevel.choices, blank=True
    )
    enterprise_post = models.CharField(
        _("企业职务"), max_length=64, blank=True, help_text=_("交叉任职：在企业管理层担任的职务，如 副总经理")
    )
    birth_year = models.PositiveSmallIntegerField(_("出生年份（外派人员）"), null=True, blank=True)
    education = models.CharField(_("学历（外派人员）"), max_length=16, choices=Education.choices, blank=True)
    since = models.DateField(_("任职日期"))
    term_ends_on = models.DateField(_("任期届满"), null=True, blank=True)
    until = models.DateField(_("离任日期"), null=True, blank=True, editable=False)
    end_reason = models.CharField(_("离任原因"), max_length=128, blank=True, editable=False)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="organisation__enterprises")

    class Meta:
        verbose_name = _("三支队伍任职")
        verbose_name_plural = _("三支队伍（书记、委员、党务工作者）")
        ordering = ["unit__path", "post", "-since"]
        indexes = [models.Index(fields=["post", "until"]), models.Index(fields=["term_ends_on"])]

    def __str__(self):
        return f"{self.name}（{self.get_post_display()}）"

    @property
    def is_current(self) -> bool:
        return self.until is None

    @property
    def cross_appointed(self) -> bool:
        """双向进入、交叉任职: holds a senior or middle management post in the enterprise."""
        return bool(self.management_level)


class ReserveCandidate(OrganisationRow):
    """A 后备人选 of an organisation for a post: a member kept in the pool until appointed or withdrawn."""

    organisation = models.ForeignKey(
        "ledger.PartyOrganisation", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        "ledger.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="+"
    )
    post = models.CharField(_("拟任职务"), max_length=20, choices=Post.choices, default=Post.SECRETARY)
    note = models.CharField(_("培养说明"), max_length=255, blank=True)
    added_on = models.DateField(_("入库日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ReserveStatus.choices, default=ReserveStatus.ACTIVE, editable=False
    )

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="organisation__enterprises")

    class Meta:
        verbose_name = _("后备人选")
        verbose_name_plural = _("后备人选")
        ordering = ["unit__path", "post", "-added_on"]

    def __str__(self):
        return f"{self.member}（后备{self.get_post_display()}）"


class TrainingPlan(models.Model):
    """A yearly training plan of a county and/or industry: the courses (from the learning records) that
    the three teams of the organisations under `unit` take. Owned by a 两新工委, 行业党委 or 行业党建办."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("制定单位"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("旗县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    industry = models.CharField(
        _("行业"), max_length=16, choices=Industry.choices, blank=True, editable=False
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=128)
    courses = models.ManyToManyField(
        "members.Course", verbose_name=_("培训课程"), related_name="+", blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", industry="industry")

    class Meta:
        verbose_name = _("年度培训计划")
        verbose_name_plural = _("年度培训计划")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="teams_plan_unit_year")]

    def __str__(self):
        return f"{self.year} {self.title}"


class Incentive(OrganisationRow):
    """An incentive to a person of the three teams: a 补贴 (amount in yuan) or a 表彰 (title)."""

    worker = models.ForeignKey(
        PartyWorker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="incentives"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=IncentiveKind.choices)
    title = models.CharField(
        _("名称"), max_length=128, help_text=_("如 2026 年度党务工作者岗位补贴、优秀党务工作者")
    )
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    granted_on = models.DateField(_("日期"))
    granted_by = models.CharField(_("授予单位"), max_length=128, blank=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="worker__organisation__enterprises")

    class Meta:
        verbose_name = _("激励")
        verbose_name_plural = _("激励（补贴、表彰）")
        ordering = ["-granted_on", "pk"]

    def __str__(self):
        return f"{self.worker.name} {self.title}"


class TeamAssessment(OrganisationRow, YearlyAssessment):
    """The yearly assessment of a secretary or party worker: the instructors' shape (guidance's
    YearlyAssessment: year, one of the four grades of rules.md, comment, who and when), for a person of the
    three teams, with the training evidence beside it."""

    worker = models.ForeignKey(
        PartyWorker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="assessments"
    )

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="worker__organisation__enterprises")

    class Meta:
        verbose_name = _("书记和党务工作者年度考核")
        verbose_name_plural = _("书记和党务工作者年度考核")
        ordering = ["-year", "worker__name"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "year"], name="teams_assessment_worker_year")
        ]

    def __str__(self):
        return f"{self.worker.name} {self.year} 年度：{self.get_grade_display()}"


class VanguardPost(OrganisationRow):
    """党员先锋岗 / 示范岗 / 亮身份: a member of the organisation who shows their membership at work, at an
    enterprise the organisation covers or at a service station, from a date."""

    organisation = models.ForeignKey(
        "ledger.PartyOrganisation", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        "ledger.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        _("类别"), max_length=12, choices=VanguardKind.choices, default=VanguardKind.VANGUARD
    )
    title = models.CharField(_("岗位名称"), max_length=64, help_text=_("如 外卖配送党员先锋岗"))
    enterprise = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name=_("所在企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("所在服务站"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    since = models.DateField(_("设岗日期"))
    until = models.DateField(_("撤岗日期"), null=True, blank=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="organisation__enterprises")

    class Meta:
        verbose_name = _("党员先锋岗")
        verbose_name_plural = _("党员先锋岗（亮身份）")
        ordering = ["unit__path", "-since"]

    def __str__(self):
        return f"{self.title}：{self.member}"


class TermReminder(OrganisationRow):
    """`xinye tick` reminded once that this person's term ends within the notice period (one per term end)."""

    worker = models.ForeignKey(
        PartyWorker, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="+"
    )
    term_ends_on = models.DateField(_("任期届满"))
    message = models.CharField(_("提醒内容"), max_length=255)
    created_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", industry="industry")

    class Meta:
        verbose_name = _("任期届满提醒")
        verbose_name_plural = _("任期届满提醒")
        ordering = ["term_ends_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "term_ends_on"], name="teams_term_reminder_once")
        ]

    def __str__(self):
        return self.message

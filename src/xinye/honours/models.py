"""The 最美 campaigns (最美司机、最美骑手、最美快递员、最美家庭、巾帼建功标兵 …) with their dated stages
推荐 → 审核 → 公众投票 → 公示 → 结果, the nominees, the public votes (one phone, a daily limit, anomalies
flagged), the objections raised while the result is publicised, the practitioners' negative records that
make a nominee ineligible, and the library of models (先进典型) the winners enter."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.fields import PhotoField
from xinye.core.scope import ScopeSpec
from xinye.core.uploads import check_image
from xinye.honours.choices import (
    STAGE_ENDS,
    CampaignKind,
    NominationSource,
    NomineeStatus,
    ObjectionStatus,
    RecordKind,
    Stage,
)


def validate_photo(file) -> None:
    """A photo is a JPEG, PNG or WebP image (by its bytes, not its name) within the upload limits; the one
    check is core.uploads.check_image (kept under this name: the migrations refer to it)."""
    check_image(file)


class Campaign(models.Model):
    """A campaign run by its organiser unit (a 行业党委, the 妇联, the 工会 …) for an industry or a group, with
    a quota of winners and the last day of each stage; `stage` moves forward only (choices.NEXT_STAGE), by
    the tick when a stage's last day has passed or by the organiser."""

    kind = models.CharField(_("评选类别"), max_length=24, choices=CampaignKind.choices)
    title = models.CharField(_("名称"), max_length=128)
    year = models.PositiveIntegerField(_("年度"))
    industry = models.CharField(
        _("行业"), max_length=16, choices=Industry.choices, blank=True, help_text=_("面向一个行业时填写")
    )
    group = models.CharField(
        _("面向群体"), max_length=64, blank=True, help_text=_("如 女性从业人员、从业人员家庭")
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="campaigns"
    )
    quota = models.PositiveIntegerField(_("评选名额"), default=10)
    description = models.TextField(_("评选说明"), blank=True)
    nominate_until = models.DateField(_("推荐截止"))
    review_until = models.DateField(_("审核截止"))
    vote_until = models.DateField(_("投票截止"))
    publicise_until = models.DateField(_("公示截止"), help_text=_("公示期内可提出异议"))
    votes_per_day = models.PositiveIntegerField(
        _("每个手机号每日票数"),
        default=1,
        help_text=_("同一手机号每天在本评选中可投的票数；每位候选人每天至多一票"),
    )
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, default=Stage.NOMINATING)
    stage_changed_at = models.DateTimeField(_("进入本阶段时间"), default=timezone.now)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", industry="industry")

    class Meta:
        verbose_name = _("最美评选")
        verbose_name_plural = _("最美评选")
        ordering = ["-year", "nominate_until", "pk"]

    def __str__(self):
        return self.title

    def ends_on(self) -> datetime.date | None:
        """The last day of the current stage (None once closed)."""
        field = STAGE_ENDS.get(self.stage)
        return getattr(self, field) if field else None


class Nominee(models.Model):
    """A practitioner (from the ledger) nominated to a campaign by a unit in the console or by a signed-in
    worker on the portal (self or peer); reviewed for eligibility with the reviewer's reason; `votes` is
    the stored tally, kept in step with the votes in the same transaction as each vote."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="nominees"
    )
    practitioner = models.ForeignKey(
        "ledger.Practitioner", verbose_name=_("从业人员"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("候选人（公开名称）"), max_length=64, help_text=_("如 张三、张三家庭"))
    enterprise_name = models.CharField(_("所在企业"), max_length=128, blank=True)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    story = models.TextField(_("主要事迹"))
    source = models.CharField(_("推荐方式"), max_length=8, choices=NominationSource.choices)
    nominated_by_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("推荐单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    nominated_by_worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("推荐人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=NomineeStatus.choices, default=NomineeStatus.PENDING, db_index=True
    )
    review_reason = models.CharField(_("审核意见"), max_length=255, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    votes = models.PositiveIntegerField(_("得票"), default=0)
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    # the recommending unit follows its nominations (status, result) in a campaign run above it: view only
    scope = ScopeSpec(unit="campaign__unit", industry="campaign__industry", reader="nominated_by_unit")

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["campaign_id", "-votes", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "practitioner"], name="honours_nominee_once")
        ]
        indexes = [models.Index(fields=["campaign", "status", "-votes"])]

    def __str__(self):
        return f"{self.name}（{self.campaign}）"


class Vote(models.Model):
    """One phone's vote (the signed-in worker, whose sign-in verified the phone) for a nominee on a day:
    at most one per nominee and day, and the campaign's `votes_per_day` in all. A burst from one address is
    flagged for the organiser (`flag`), counted until the organiser voids it — never silently dropped."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="+")
    nominee = models.ForeignKey(Nominee, verbose_name=_("候选人"), on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(
        "workers.Worker", verbose_name=_("投票手机号"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("投票日"))
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("投票时间"), default=timezone.now)
    flag = models.CharField(_("异常标记"), max_length=128, blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.CharField(_("作废原因"), max_length=255, blank=True)

    scope = ScopeSpec(unit="campaign__unit", industry="campaign__industry")
    audit_exclude = True  # a vote is itself the record; its voiding is logged on the nominee's tally

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["nominee", "worker", "day"], name="honours_vote_once_a_day")
        ]
        indexes = [
            models.Index(fields=["campaign", "worker", "day"]),
            models.Index(fields=["campaign", "ip", "created_at"]),
        ]

    def __str__(self):
        return f"{self.nominee.name} · {self.day:%Y-%m-%d}"


class Objection(models.Model):
    """An objection to a shortlisted nominee while the result is publicised (公示), raised by a signed-in
    worker on the portal or recorded by staff; handled with a recorded outcome. An upheld objection takes
    the nominee off the list."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("评选"), on_delete=models.CASCADE, related_name="+")
    nominee = models.ForeignKey(
        Nominee, verbose_name=_("候选人"), on_delete=models.CASCADE, related_name="objections"
    )
    reason = models.TextField(_("异议内容"))
    raised_by_worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_by_name = models.CharField(_("提出人（来信来电）"), max_length=64, blank=True)
    status = models.CharField(
        _("处理结果"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    outcome = models.TextField(_("核查情况"), blank=True)
    handled_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)

    scope = ScopeSpec(unit="campaign__unit", industry="campaign__industry")

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-created_at"]

    def __str__(self):
        return f"对 {self.nominee.name} 的异议"


class NegativeRecord(models.Model):
    """A negative record of a practitioner (a valid complaint, a traffic offence …); while open (not
    closed) the practitioner is not eligible for a campaign. Owned like the practitioner."""

    practitioner = models.ForeignKey(
        "ledger.Practitioner", verbose_name=_("从业人员"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=RecordKind.choices)
    note = models.CharField(_("情况"), max_length=255)
    recorded_on = models.DateField(_("记录日期"), default=timezone.localdate)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主管单位"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="practitioner__enterprise")

    class Meta:
        verbose_name = _("不良记录")
        verbose_name_plural = _("不良记录")
        ordering = ["-recorded_on", "pk"]

    def __str__(self):
        return f"{self.practitioner} · {self.get_kind_display()}"


class Exemplar(models.Model):
    """A model (先进典型) in the library: a campaign's winner enters it when the campaign closes, or staff add
    one; story, photos, industry and county, shown on the portal (/m/models/) while published."""

    name = models.CharField(_("姓名（公开名称）"), max_length=64)
    honour = models.CharField(_("荣誉"), max_length=128, help_text=_("如 2026年度通辽市最美骑手"))
    year = models.PositiveIntegerField(_("年度"))
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("评选"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exemplars",
    )
    nominee = models.OneToOneField(
        Nominee,
        verbose_name=_("候选人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exemplar",
    )
    enterprise_name = models.CharField(_("所在企业"), max_length=128, blank=True)
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="exemplars"
    )
    story = models.TextField(_("事迹"))
    is_published = models.BooleanField(_("公开展示"), default=True)
    created_at = models.DateTimeField(_("入库时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", industry="industry")

    class Meta:
        verbose_name = _("先进典型")
        verbose_name_plural = _("先进典型库")
        ordering = ["-year", "region_id", "name"]

    def __str__(self):
        return f"{self.name}（{self.honour}）"


class ExemplarPhoto(models.Model):
    """A photo of a model, public with the model (console.views.PUBLIC_FILES)."""

    exemplar = models.ForeignKey(
        Exemplar, verbose_name=_("先进典型"), on_delete=models.CASCADE, related_name="photos"
    )
    image = PhotoField(_("照片"), upload_to="honours/%Y/%m/", validators=[validate_photo])
    caption = models.CharField(_("说明"), max_length=64, blank=True)
    sort = models.IntegerField(_("排序"), default=0)

    scope = ScopeSpec(unit="exemplar__unit", industry="exemplar__industry")

    class Meta:
        verbose_name = _("典型照片")
        verbose_name_plural = _("典型照片")
        ordering = ["sort", "pk"]

    def __str__(self):
        return self.caption or str(self.exemplar)

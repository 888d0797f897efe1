"""结对共建: a party organisation of a 机关, 国企, 事业单位 or 社区 paired with an enterprise's party organisation
(or an enterprise without one) for a period; its yearly plan, the activities either side logs under the 六联
model with their evidence, and the yearly review.

Both sides reach a pair: `unit` is the host party organisation (the pair's owner for `restrict`) and
`partner_unit` the enterprise side — its party organisation, or for an enterprise without one the
行业党建办 that owns it — which the scope honours through `ScopeSpec.partner`. Every child row scopes
through its pair the same way."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.fields import DocumentField
from xinye.core.scope import ScopeSpec
from xinye.pairing.choices import EvidenceKind, HostSector, Link, Rating, Side


def _through_pair(prefix: str) -> ScopeSpec:
    return ScopeSpec(
        unit=f"{prefix}unit",
        partner=f"{prefix}partner_unit",
        industry=f"{prefix}industry",
        enterprise=f"{prefix}enterprise",
    )


class Pairing(models.Model):
    """One pair (结对): the host party organisation (`unit`) and the enterprise side — `partner_org`, an
    enterprise's party organisation, or `enterprise`, an enterprise without one (exactly one of them) — from
    `starts_on` to `ends_on`. `partner_unit`, `region` and `industry` follow the enterprise side."""

    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("结对党组织"),
        on_delete=models.PROTECT,
        related_name="pairings_hosted",
        help_text=_("机关、国企、事业单位或社区的党组织"),
    )
    host_sector = models.CharField(_("结对单位类别"), max_length=16, choices=HostSector.choices)
    partner_org = models.ForeignKey(
        "ledger.PartyOrganisation",
        verbose_name=_("企业党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    enterprise = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name=_("未建党组织的企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    partner_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("企业方单位"),
        on_delete=models.PROTECT,
        related_name="pairings_joined",
        editable=False,
    )
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("企业所在旗县区"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    industry = models.CharField(
        _("行业"), max_length=16, choices=Industry.choices, blank=True, editable=False
    )
    starts_on = models.DateField(_("结对起始日期"))
    ends_on = models.DateField(_("结对截止日期"))
    goals = models.TextField(_("结对目标与协议要点"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", partner="partner_unit", industry="industry", enterprise="enterprise")

    class Meta:
        verbose_name = _("结对共建")
        verbose_name_plural = _("结对共建")
        ordering = ["-starts_on", "id"]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(partner_org__isnull=False, enterprise__isnull=True)
                | models.Q(partner_org__isnull=True, enterprise__isnull=False),
                name="pairing_one_enterprise_side",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="pairing_period"
            ),
        ]

    def __str__(self):
        return f"{self.unit.name} ⇄ {self.partner_name}"

    @property
    def partner_name(self) -> str:
        if self.partner_org_id:
            return self.partner_org.unit.name
        return self.enterprise.name if self.enterprise_id else ""

    def is_active_on(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class PairingPlan(models.Model):
    """The pair's plan for one year (年度共建计划): its text and the activities it plans (`items`)."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    content = models.TextField(_("计划内容"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = _through_pair("pairing__")

    class Meta:
        verbose_name = _("年度共建计划")
        verbose_name_plural = _("年度共建计划")
        ordering = ["-year", "pairing_id"]
        constraints = [models.UniqueConstraint(fields=["pairing", "year"], name="pairing_plan_one_per_year")]

    def __str__(self):
        return _("%(pair)s %(year)s 年计划") % {"pair": self.pairing, "year": self.year}


class PlanItem(models.Model):
    """An activity a yearly plan foresees: what, in which month, under which of the 六联."""

    plan = models.ForeignKey(
        PairingPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="items"
    )
    month = models.PositiveSmallIntegerField(_("计划月份"))
    title = models.CharField(_("计划活动"), max_length=128)
    links = models.JSONField(_("六联"), default=list)

    scope = _through_pair("plan__pairing__")

    class Meta:
        verbose_name = _("计划活动")
        verbose_name_plural = _("计划活动")
        ordering = ["plan_id", "month", "id"]

    def __str__(self):
        return _("%(month)s 月：%(title)s") % {"month": self.month, "title": self.title}

    def link_labels(self) -> list[str]:
        return link_labels(self.links)


class PairingActivity(models.Model):
    """An activity the pair held, logged by either side (`side`), tagged with one or more of the 六联."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对"), on_delete=models.PROTECT, related_name="activities"
    )
    held_on = models.DateField(_("活动日期"), db_index=True)
    title = models.CharField(_("活动名称"), max_length=128)
    links = models.JSONField(
        _("六联"),
        default=list,
        help_text=_("组织联建、阵地联用、活动联搞、信息联享、服务联抓、队伍联带，可多选"),
    )
    participants = models.PositiveIntegerField(_("参加人数"))
    place = models.CharField(_("地点"), max_length=128, blank=True)
    summary = models.TextField(_("活动内容"), blank=True)
    side = models.CharField(_("记录方"), max_length=8, choices=Side.choices, default=Side.HOST)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    scope = _through_pair("pairing__")

    class Meta:
        verbose_name = _("共建活动")
        verbose_name_plural = _("共建活动")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def link_labels(self) -> list[str]:
        return link_labels(self.links)


class ActivityEvidence(models.Model):
    """A photo or document that shows an activity took place (活动佐证)."""

    activity = models.ForeignKey(
        PairingActivity, verbose_name=_("共建活动"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=EvidenceKind.choices)
    file = DocumentField(_("文件"), upload_to="pairing/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=128, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope = _through_pair("activity__pairing__")

    class Meta:
        verbose_name = _("活动佐证")
        verbose_name_plural = _("活动佐证")
        ordering = ["activity_id", "id"]

    def __str__(self):
        return self.caption or self.file.name.rsplit("/", 1)[-1]


class PairingReview(models.Model):
    """The yearly review of a pair (年度评估): a rating and what went well or not."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对"), on_delete=models.CASCADE, related_name="reviews"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rating = models.CharField(_("评价等次"), max_length=16, choices=Rating.choices)
    text = models.TextField(_("评价意见"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("评价时间"), auto_now=True)

    scope = _through_pair("pairing__")

    class Meta:
        verbose_name = _("年度评估")
        verbose_name_plural = _("年度评估")
        ordering = ["-year", "pairing_id"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "year"], name="pairing_review_one_per_year")
        ]

    def __str__(self):
        return _("%(pair)s %(year)s 年评估") % {"pair": self.pairing, "year": self.year}


def link_labels(links) -> list[str]:
    labels = dict(Link.choices)
    return [str(labels.get(link, link)) for link in links]

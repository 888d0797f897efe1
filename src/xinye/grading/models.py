"""The grading of enterprises and party organisations: 空白点 → 实心点 → 闪光点.

- `GradeRule`: the readable rule table (one row per subject × grade above 空白), edited by the city;
- `OrganisationStanding`: each organisation's health score (orglife's) and its distinctions, refreshed by
  the tick — a cache the counts join, so grade counts never rerun the health check;
- `GradeSnapshot`: the history, one row per enterprise or organisation per month.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.scope import ScopeSpec
from xinye.grading.choices import CoverageNeed, Grade, Subject


class GradeRule(models.Model):
    """What an enterprise or organisation needs for 实心点 or 闪光点. Grades are tried from 闪光 down; what
    meets neither row is 空白点. City-wide: read by every admin, written by the city."""

    subject = models.CharField(_("对象"), max_length=16, choices=Subject.choices)
    grade = models.CharField(
        _("等次"), max_length=16, choices=[c for c in Grade.choices if c[0] != Grade.BLANK]
    )
    coverage = models.CharField(
        _("覆盖要求（企业）"), max_length=16, choices=CoverageNeed.choices, default=CoverageNeed.COVERED
    )
    min_score = models.PositiveSmallIntegerField(
        _("党组织健康分不低于"), help_text=_("组织生活健康分 0–100；70 为“正常运转”")
    )
    min_distinctions = models.PositiveSmallIntegerField(
        _("亮点不少于（项）"), default=0, help_text=_("志愿服务时长、发展党员等亮点")
    )
    note = models.CharField(_("说明"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("评定规则")
        verbose_name_plural = _("评定规则")
        ordering = ["subject", "grade"]
        constraints = [models.UniqueConstraint(fields=["subject", "grade"], name="grading_rule_unique")]

    def __str__(self):
        return f"{self.get_subject_display()} · {self.get_grade_display()}"


class OrganisationStanding(models.Model):
    """An organisation's health score and distinctions as of its last assessment (derived; rebuilt by
    `grading.services.refresh`)."""

    organisation = models.OneToOneField(
        "ledger.PartyOrganisation",
        verbose_name=_("党组织"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="grading_standing",
    )
    score = models.PositiveSmallIntegerField(_("健康分"), default=0)
    normal = models.BooleanField(_("正常运转"), default=False)
    distinctions = models.JSONField(_("亮点"), default=list, blank=True)
    distinction_count = models.PositiveSmallIntegerField(_("亮点数"), default=0)
    period = models.CharField(_("考核期"), max_length=16, blank=True)
    assessed_on = models.DateField(_("评定日期"))

    scope = ScopeSpec(
        unit="organisation__unit", industry="organisation__industry", enterprise="organisation__enterprises"
    )
    audit_exclude = True

    class Meta:
        verbose_name = _("党组织评定依据")
        verbose_name_plural = _("党组织评定依据")

    def __str__(self):
        return f"{self.organisation_id} · {self.score}"


class GradeSnapshot(models.Model):
    """One enterprise's or organisation's grade in one month, with why, in words."""

    month = models.DateField(_("月份"), db_index=True)
    subject = models.CharField(_("对象"), max_length=16, choices=Subject.choices)
    enterprise = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "ledger.PartyOrganisation",
        verbose_name=_("党组织"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(_("名称"), max_length=128)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属单位"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.CASCADE, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices, db_index=True)
    reason = models.TextField(_("评定说明"), blank=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="enterprise")
    audit_exclude = True

    class Meta:
        verbose_name = _("等次记录")
        verbose_name_plural = _("等次记录（按月）")
        ordering = ["-month", "subject", "name"]
        indexes = [models.Index(fields=["month", "subject", "grade"])]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.name} · {self.get_grade_display()}"

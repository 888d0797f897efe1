"""The work of instructors (党建指导员) and enterprise liaisons (驻企联络员), the field agents of 工作覆盖:
their visits, the problems found and their yearly assessments. The agents themselves are `orgs.Agent`
(beside the responsibility matrix that names them; issue 12, item 4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.fields import PhotoField
from xinye.core.scope import ScopeSpec
from xinye.guidance.choices import AssessmentGrade, ProblemStatus
from xinye.orgs.models import Agent


class Visit(models.Model):
    """A visit (走访对接) by an instructor or liaison to an enterprise, or to a site noted in words.

    Owned by the enterprise's 行业党建办 (or, for a site without an enterprise, the agent's unit), so the
    enterprise's owners see it; instructors and liaisons see the visits of their assigned enterprises.
    """

    date = models.DateField(_("走访日期"), db_index=True)
    agent = models.ForeignKey(
        Agent, verbose_name=_("走访人"), on_delete=models.PROTECT, related_name="visits"
    )
    enterprise = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name=_("走访企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    site_note = models.CharField(_("站点/场所（无企业时）"), max_length=128, blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+", editable=False
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
    people_met = models.CharField(_("见面人员"), max_length=255, blank=True)
    topics = models.JSONField(_("走访内容"), default=list, blank=True)
    summary = models.TextField(_("情况记录"), blank=True)
    is_heart_to_heart = models.BooleanField(_("谈心谈话"), default=False)
    is_care_visit = models.BooleanField(_("走访慰问"), default=False)
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

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="enterprise")

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["agent", "date"]), models.Index(fields=["enterprise", "date"])]

    def __str__(self):
        where = self.enterprise.name if self.enterprise_id else self.site_note
        return _("%(date)s %(agent)s 走访 %(where)s") % {
            "date": f"{self.date:%Y-%m-%d}",
            "agent": self.agent.name,
            "where": where,
        }

    def save(self, *args, **kwargs):
        self.fill_owner()
        super().save(*args, **kwargs)

    def fill_owner(self) -> "Visit":
        """Owner unit, region and industry follow the enterprise (or the agent when there is none)."""
        if self.enterprise_id:
            ent = self.enterprise
            self.unit_id, self.region_id, self.industry = ent.unit_id, ent.region_id, ent.industry
        elif self.agent_id:
            self.unit_id, self.region_id, self.industry = (
                self.agent.unit_id,
                self.agent.region_id,
                self.agent.industry,
            )
        return self

    @property
    def topic_labels(self) -> list[str]:
        from xinye.guidance.choices import VisitTopic

        labels = dict(VisitTopic.choices)
        return [str(labels.get(t, t)) for t in self.topics or []]


class VisitPhoto(models.Model):
    """A photo taken on a visit (走访留痕): the site, the meeting, the notice board. Type and size checked
    by the same rules as the portal's photos; served only within the visit's scope (console.views.media)."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos"
    )
    file = PhotoField(_("照片"), upload_to="visits/%Y/%m/")
    content_type = models.CharField(max_length=32)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope = ScopeSpec(unit="visit__unit", industry="visit__industry", enterprise="visit__enterprise")

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["visit_id", "id"]

    def __str__(self):
        return f"{self.visit} 照片 {self.pk}"


class VisitPair(models.Model):
    """One (agent, enterprise) pair of the responsibility matrix with what its quarterly-visit status needs:
    the latest assignment date, the date of the agent's last visit to the enterprise, whether the agent is
    active. Derived (guidance/pairs.py keeps it from the model signals of responsibilities, visits and
    agents), so the 工作台's 季度走访逾期 card counts one table instead of grouping every responsibility
    joined to the agents, the enterprises and the visits (issue 17: 116,667 pairs at province scale)."""

    agent = models.ForeignKey(
        Agent, verbose_name=_("指导员/联络员"), on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        "ledger.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    since = models.DateField(_("分配日期"), null=True, blank=True)
    last_visit = models.DateField(_("上次走访日期"), null=True, blank=True)
    agent_active = models.BooleanField(_("在岗"), default=True)

    scope = ScopeSpec(unit="enterprise__unit", industry="enterprise__industry", enterprise="enterprise")
    audit_exclude = True  # derived; the assignments and visits behind it are logged where they are written

    class Meta:
        verbose_name = _("走访对象状态")
        verbose_name_plural = _("走访对象状态")
        constraints = [
            models.UniqueConstraint(fields=["agent", "enterprise"], name="guidance_visitpair_unique")
        ]

    def __str__(self):
        return f"{self.agent_id} → {self.enterprise_id}"


class VisitProblem(models.Model):
    """A problem found on a visit, tracked to resolution; it may become an appeal in the appeals loop."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="problems"
    )
    description = models.TextField(_("问题描述"))
    category = models.CharField(_("问题类别"), max_length=32, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN, db_index=True
    )
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    resolution = models.TextField(_("解决情况"), blank=True)
    appeal_id = models.PositiveBigIntegerField(_("转为诉求编号"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="visit__unit", industry="visit__industry", enterprise="visit__enterprise")

    class Meta:
        verbose_name = _("走访发现的问题")
        verbose_name_plural = _("走访发现的问题")
        ordering = ["status", "-id"]

    def __str__(self):
        return self.description[:40]


class YearlyAssessment(models.Model):
    """The shape of a yearly assessment in the four grades of rules.md: the year, the grade, a comment, who
    assessed and when. Instructors' (below) and the three teams' (teams.TeamAssessment) share it."""

    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.CharField(_("考核等次"), max_length=16, choices=AssessmentGrade.choices)
    comment = models.TextField(_("评语"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("考核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    assessed_on = models.DateField(_("考核日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        abstract = True


class InstructorAssessment(YearlyAssessment):
    """The yearly assessment of an instructor (or liaison) in the four grades of rules.md."""

    agent = models.ForeignKey(
        Agent, verbose_name=_("指导员/联络员"), on_delete=models.PROTECT, related_name="assessments"
    )

    scope = ScopeSpec(unit="agent__unit", industry="agent__industry", own="agent__user")

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("指导员年度考核")
        ordering = ["-year", "agent__name"]
        constraints = [models.UniqueConstraint(fields=["agent", "year"], name="assessment_agent_year")]

    def __str__(self):
        return _("%(agent)s %(year)s 年度：%(grade)s") % {
            "agent": self.agent.name,
            "year": self.year,
            "grade": self.get_grade_display(),
        }

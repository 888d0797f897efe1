"""Organisational life (组织生活): meetings and activities with attendance, online party groups, and the
meeting rules (frequencies as data) that the health check reads."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.fields import PhotoField
from xinye.core.scope import ScopeSpec
from xinye.orglife.choices import AttendanceStatus, MeetingKind, Period, RuleCondition


class MeetingRule(models.Model):
    """How often a kind of meeting must be held (支部工作条例 art. 11–13). Data, so a city can tighten it."""

    kind = models.CharField(_("会议类型"), max_length=32, choices=MeetingKind.choices, unique=True)
    period = models.CharField(_("周期"), max_length=16, choices=Period.choices)
    min_count = models.PositiveSmallIntegerField(_("每周期至少次数"), default=1)
    condition = models.CharField(
        _("适用范围"), max_length=16, choices=RuleCondition.choices, default=RuleCondition.ALWAYS
    )
    source = models.CharField(_("依据"), max_length=255, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("会议频次规则")
        verbose_name_plural = _("会议频次规则")
        ordering = ["id"]

    def __str__(self):
        return _("%(kind)s：%(period)s至少 %(count)s 次") % {
            "kind": self.get_kind_display(),
            "period": self.get_period_display(),
            "count": self.min_count,
        }


class OnlineGroup(models.Model):
    """A 网络党小组: members of a party organisation (often riders, couriers, drivers on the move) linked online."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属党组织"), on_delete=models.CASCADE, related_name="online_groups"
    )
    industry = models.CharField(
        _("行业"), max_length=16, choices=Industry.choices, blank=True, editable=False
    )
    name = models.CharField(_("名称"), max_length=128)
    platform = models.CharField(
        _("平台"), max_length=32, blank=True, help_text=_("如 微信群、钉钉、学习强国")
    )
    link = models.CharField(_("入群方式/链接"), max_length=255, blank=True)
    leader = models.ForeignKey(
        "ledger.PartyMember",
        verbose_name=_("党小组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    members = models.ManyToManyField(
        "ledger.PartyMember", verbose_name=_("成员"), related_name="online_groups", blank=True
    )
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", industry="industry")

    class Meta:
        verbose_name = _("网络党小组")
        verbose_name_plural = _("网络党小组")
        ordering = ["unit_id", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.industry = self.unit.industry
        super().save(*args, **kwargs)


class Meeting(models.Model):
    """A meeting or activity of a party organisation (`unit`, an OrgUnit of a party kind), held in a place or
    online (virtual branch / online group). Quorum is checked from the attendance (rules.md)."""

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="meetings"
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
    kind = models.CharField(_("类型"), max_length=32, choices=MeetingKind.choices, db_index=True)
    date = models.DateField(_("日期"), db_index=True)
    place = models.CharField(_("地点"), max_length=128, blank=True)
    is_online = models.BooleanField(_("线上召开"), default=False)
    online_group = models.ForeignKey(
        OnlineGroup,
        verbose_name=_("网络党小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    online_link = models.CharField(_("线上会议链接"), max_length=255, blank=True)
    topic = models.CharField(_("主题"), max_length=255)
    minutes = models.TextField(_("会议记录"), blank=True)
    # Filled from the attendance by orglife.services.check_quorum.
    expected = models.PositiveSmallIntegerField(_("应到人数"), default=0, editable=False)
    present = models.PositiveSmallIntegerField(_("实到人数"), default=0, editable=False)
    quorum_met = models.BooleanField(_("达到法定人数"), null=True, blank=True, editable=False)
    quorum_note = models.CharField(_("法定人数核验"), max_length=255, blank=True, editable=False)
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
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry")

    class Meta:
        verbose_name = _("会议与活动")
        verbose_name_plural = _("会议与活动")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "kind", "date"])]

    def __str__(self):
        return _("%(date)s %(kind)s：%(topic)s") % {
            "date": f"{self.date:%Y-%m-%d}",
            "kind": self.get_kind_display(),
            "topic": self.topic,
        }

    def save(self, *args, **kwargs):
        if self.unit_id:
            self.region_id, self.industry = self.unit.region_id, self.unit.industry
        if self.online_group_id:
            self.is_online = True
        super().save(*args, **kwargs)


class MeetingPhoto(models.Model):
    """A photo (or scanned sign-in sheet) of a meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="photos"
    )
    file = PhotoField(_("照片"), upload_to="orglife/meetings/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=128, blank=True)

    scope = ScopeSpec(unit="meeting__unit", industry="meeting__industry")

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")

    def __str__(self):
        return self.caption or self.file.name


class Attendance(models.Model):
    """One member at one meeting: present, on leave (请假) or absent, with the reason."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        "ledger.PartyMember", verbose_name=_("党员"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(
        _("出席情况"), max_length=16, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    reason = models.CharField(_("缺席/请假原因"), max_length=128, blank=True)
    online = models.BooleanField(_("线上参加"), default=False)

    scope = ScopeSpec(unit="meeting__unit", industry="meeting__industry")

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]

    def __str__(self):
        return f"{self.member} · {self.get_status_display()}"


class OrgHealth(models.Model):
    """An organisation's health in the current quarter as last computed (derived from its meetings, members,
    dues and committee by `orglife.health`; one row per party organisation).

    A cache, like coverage's aggregates: `services.refresh_health` rebuilds the rows (`xinye tick` daily,
    in batches), the writes behind a result mark its row stale (signals.py) and the next read recomputes
    stale and missing rows. Excluded from the change log: the meetings, attendance, members and dues it is
    computed from are logged where they are written."""

    organisation = models.OneToOneField(
        "ledger.PartyOrganisation",
        verbose_name=_("党组织"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="stored_health",
    )
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.CASCADE, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    name = models.CharField(_("名称"), max_length=255)
    period = models.CharField(_("考核期"), max_length=16)
    as_of = models.DateField(_("评估日期"))
    computed_at = models.DateTimeField(_("计算时间"))
    normal = models.BooleanField(_("正常运转"), default=False)
    score = models.PositiveSmallIntegerField(_("得分"), default=0)
    alarms = models.PositiveIntegerField(_("告警党员数"), default=0)
    stale = models.BooleanField(_("待重算"), default=False, db_index=True)
    # every mark adds one (signals.mark_stale); a refresh that sees it change while it computed marks the row
    # stale again, so a write during a refresh is never covered by a result computed before it
    marks = models.PositiveBigIntegerField(_("变更标记次数"), default=0)

    scope = ScopeSpec(unit="unit", industry="industry")
    audit_exclude = True  # derived figures; the changes behind them are logged where they happen

    class Meta:
        verbose_name = _("党组织运转情况（存储）")
        verbose_name_plural = _("党组织运转情况（存储）")
        indexes = [models.Index(fields=["normal", "score", "name"], name="orglife_health_order")]

    def __str__(self):
        return f"{self.organisation_id} · {self.period} · {self.score}"

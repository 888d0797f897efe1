"""Volunteering: profiles (from 备案), activities published by stations/communities/organisations,
sign-ups, attendance confirmed by staff, and the hours ledger."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.core.scope import ScopeSpec
from xinye.volunteers.choices import ActivityCategory, ActivityStatus, SignupStatus


class VolunteerProfile(models.Model):
    """A worker who registered as a volunteer; `unit` is the community they registered with."""

    worker = models.OneToOneField(
        "workers.Worker",
        verbose_name=_("从业人员"),
        on_delete=models.CASCADE,
        related_name="volunteer_profile",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="volunteers"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, blank=True, db_index=True)
    skills = models.CharField(_("特长"), max_length=255, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    joined_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["-joined_at"]

    def __str__(self):
        return _("志愿者 %(worker)s") % {"worker": self.worker}


class VolunteerActivity(models.Model):
    """An activity a station, community or organisation publishes for volunteers to sign up to."""

    title = models.CharField(_("活动名称"), max_length=128)
    category = models.CharField(_("类别"), max_length=16, choices=ActivityCategory.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("发布单位"),
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("服务站"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.CharField(_("地点"), max_length=255)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"), default=20)
    hours = models.DecimalField(
        _("计入时长（小时）"), max_digits=5, decimal_places=2, default=Decimal("2.00")
    )
    description = models.TextField(_("内容"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PUBLISHED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("志愿活动")
        verbose_name_plural = _("志愿活动")
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title

    @property
    def taken(self) -> int:
        return self.signups.exclude(status=SignupStatus.CANCELLED).count()


class VolunteerSignup(models.Model):
    """A volunteer's sign-up to an activity; one per volunteer and activity (idempotent)."""

    activity = models.ForeignKey(
        VolunteerActivity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signups"
    )
    profile = models.ForeignKey(
        VolunteerProfile, verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="signups"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP
    )
    signed_up_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    scope = ScopeSpec(unit="activity__unit")

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [models.UniqueConstraint(fields=["activity", "profile"], name="signup_once")]

    def __str__(self):
        return f"{self.profile} · {self.activity}"


class VolunteerHours(models.Model):
    """The hours ledger: one row per attendance confirmed by staff (corrections are new rows)."""

    profile = models.ForeignKey(
        VolunteerProfile, verbose_name=_("志愿者"), on_delete=models.CASCADE, related_name="hours"
    )
    activity = models.ForeignKey(
        VolunteerActivity,
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signup = models.OneToOneField(
        VolunteerSignup,
        verbose_name=_("报名"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit",
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("记录单位"), on_delete=models.PROTECT, related_name="+"
    )
    hours = models.DecimalField(_("时长（小时）"), max_digits=6, decimal_places=2)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    scope = ScopeSpec(unit="profile__unit")

    class Meta:
        verbose_name = _("志愿时长")
        verbose_name_plural = _("志愿时长")
        ordering = ["-recorded_at"]

    def __str__(self):
        return _("%(volunteer)s %(hours)s 小时") % {"volunteer": self.profile, "hours": self.hours}

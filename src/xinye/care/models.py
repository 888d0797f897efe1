"""Personal services (个性化暖心服务) for workers: the catalogue per county and station — 红色教育 sites and
their sessions, 子女入学 contacts and rules, 法律援助 points and on-duty times, 心理辅导 counsellors and
hotlines, 就业招聘 postings and job fairs — and workers' sign-ups to sessions."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.care.choices import ServiceKind, SignupStatus
from xinye.core.scope import ScopeSpec


class ServiceOffer(models.Model):
    """One service in the catalogue, owned by the unit that provides it (a county office, community or mass
    organisation), in that unit's county, optionally at one station. Public: the portal shows it to anyone
    while it is active and within its valid dates."""

    kind = models.CharField(_("服务类别"), max_length=16, choices=ServiceKind.choices, db_index=True)
    title = models.CharField(_("名称"), max_length=128)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("提供单位"), on_delete=models.PROTECT, related_name="service_offers"
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
        related_name="service_offers",
    )
    contact = models.CharField(_("联系人"), max_length=64, blank=True)
    phone = models.CharField(_("服务电话"), max_length=32, blank=True, help_text=_("公开的服务电话或热线"))
    address = models.CharField(_("地址"), max_length=255, blank=True)
    latitude = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    longitude = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    hours = models.CharField(
        _("服务时间"), max_length=128, blank=True, help_text=_("如 工作日 9:00-17:00 值班")
    )
    details = models.TextField(_("服务内容"), blank=True)
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    is_active = models.BooleanField(_("发布中"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("暖心服务")
        verbose_name_plural = _("暖心服务")
        ordering = ["region_id", "kind", "title"]

    def __str__(self):
        return self.title

    def point(self) -> tuple[float, float] | None:
        """Where the service is: its own coordinates, else its station's."""
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        if self.station_id:
            return self.station.latitude, self.station.longitude
        return None


class ServiceSession(models.Model):
    """A dated session of an offer that workers sign up for: a 红色教育 visit, a 招聘会."""

    offer = models.ForeignKey(
        ServiceOffer, verbose_name=_("服务"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=255, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), default=30)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    is_cancelled = models.BooleanField(_("已取消"), default=False)

    scope = ScopeSpec(unit="offer__unit")

    class Meta:
        verbose_name = _("服务场次")
        verbose_name_plural = _("服务场次")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.offer} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def taken(self) -> int:
        return self.signups.filter(status=SignupStatus.SIGNED_UP).count()


class ServiceSignup(models.Model):
    """A signed-in worker's sign-up to a session; one per worker and session."""

    session = models.ForeignKey(
        ServiceSession, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="signups"
    )
    worker = models.ForeignKey(
        "workers.Worker", verbose_name=_("从业人员"), on_delete=models.CASCADE, related_name="service_signups"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP
    )
    signed_up_at = models.DateTimeField(_("报名时间"), default=timezone.now)

    scope = ScopeSpec(unit="session__offer__unit")

    class Meta:
        verbose_name = _("服务报名")
        verbose_name_plural = _("服务报名")
        ordering = ["-signed_up_at"]
        constraints = [models.UniqueConstraint(fields=["session", "worker"], name="care_signup_once")]

    def __str__(self):
        return f"{self.worker} · {self.session}"

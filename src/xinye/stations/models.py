"""Service stations (新业态党建服务站/驿站) and the check-ins workers make at them."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from xinye.core.crypto import keyed_hash
from xinye.core.fields import EncryptedTextField, PhotoField
from xinye.core.scope import ScopeSpec
from xinye.core.uploads import check_image
from xinye.ledger.choices import CoordSystem
from xinye.stations.choices import WEEKDAYS, Amenity, HostKind, StationStatus, amenity_labels

HOURS_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")


def open_now(hours, open_24h: bool, at=None) -> bool:
    """Whether a station with these weekly hours (周一…周日, "08:00-20:00" or empty) is open at `at` (local
    time, default now). Hours past midnight are not written (the pattern ends at 24:00)."""
    if open_24h:
        return True
    from django.utils import timezone

    at = timezone.localtime(at) if at is not None else timezone.localtime()
    hours = list(hours or [])
    today = hours[at.weekday()] if at.weekday() < len(hours) else ""
    if not today or not HOURS_PATTERN.match(today):
        return False
    start, end = today.split("-")
    now = f"{at:%H:%M}"
    return start <= now < end


def validate_photo(file) -> None:
    """A photo is a JPEG, PNG or WebP image (by its bytes, not its name) within the upload limits; the one
    check is core.uploads.check_image (kept under this name: the migrations refer to it)."""
    check_image(file)


def default_hours() -> list[str]:
    return ["08:00-20:00"] * 7


class Station(models.Model):
    """A station where workers rest, drink, charge and get help. Owned by its host community (`unit`),
    which runs it (兜底); the host may be an enterprise, business district or building. Coordinates are
    stored in WGS-84 only, with the system they were captured in recorded in `coord_source`."""

    code = models.SlugField(
        _("站点编码"), max_length=16, unique=True, help_text=_("二维码地址 /m/s/<编码>/ 使用")
    )
    name = models.CharField(_("站点名称"), max_length=128)
    host_kind = models.CharField(
        _("依托类型"), max_length=16, choices=HostKind.choices, default=HostKind.COMMUNITY
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所属社区"), on_delete=models.PROTECT, related_name="stations"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    host_enterprise = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name=_("依托企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stations",
    )
    host_name = models.CharField(_("依托单位（商圈/楼宇名称）"), max_length=128, blank=True)
    address = models.CharField(_("地址"), max_length=255)
    latitude = models.FloatField(_("纬度（WGS-84）"))
    longitude = models.FloatField(_("经度（WGS-84）"))
    coord_source = models.CharField(
        _("坐标采集来源"), max_length=8, choices=CoordSystem.choices, default=CoordSystem.WGS84
    )
    amenities = models.JSONField(_("服务项目"), default=list, blank=True)
    hours = models.JSONField(
        _("每周开放时间"),
        default=default_hours,
        blank=True,
        help_text=_("周一至周日，如 08:00-20:00，空为不开放"),
    )
    open_24h = models.BooleanField(_("24小时开放"), default=False)
    holiday_note = models.CharField(_("节假日安排"), max_length=255, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = EncryptedTextField(_("联系电话"), mask="phone")
    contact_phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=StationStatus.choices, default=StationStatus.OPEN, db_index=True
    )
    green_channel = models.BooleanField(_("小哥绿色通道"), default=False)
    description = models.TextField(_("简介"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("服务站")
        verbose_name_plural = _("服务站")
        ordering = ["region_id", "code"]
        indexes = [
            # nearest search: bbox prefilter on open stations only (a partial, covering index)
            models.Index(
                fields=["latitude", "longitude"],
                name="station_open_latlng",
                condition=models.Q(status="open"),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.contact_phone_hash = keyed_hash(self.contact_phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"/m/s/{self.code}/"

    def clean(self):
        errors = {}
        if not (-90 <= (self.latitude or 0) <= 90) or not (-180 <= (self.longitude or 0) <= 180):
            errors["latitude"] = _("坐标超出范围")
        bad = [a for a in (self.amenities or []) if a not in Amenity.values]
        if bad:
            errors["amenities"] = _("未知的服务项目：%(items)s") % {"items": "、".join(map(str, bad))}
        hours = self.hours or []
        if len(hours) != 7 or any(h and not HOURS_PATTERN.match(h) for h in hours):
            errors["hours"] = _("开放时间应为 7 项（周一至周日），每项形如 08:00-20:00 或留空")
        if self.unit_id and self.region_id and self.unit.region_id != self.region_id:
            errors["region"] = _("所在旗县区应与所属社区一致")
        if errors:
            raise ValidationError(errors)

    @property
    def public_url(self) -> str:
        """The absolute URL printed in the QR code."""
        base = getattr(settings, "XINYE_PUBLIC_BASE_URL", "").rstrip("/")
        return f"{base}{self.get_absolute_url()}" if base else self.get_absolute_url()

    # amenity_labels and hours_rows feed the worker portal and the printed poster, which are Chinese by design
    # (and the portal caches station pages for every visitor), so they are rendered in the default language.

    def amenity_labels(self) -> list[str]:
        return amenity_labels(self.amenities or [], settings.LANGUAGE_CODE)

    def open_now(self, at=None) -> bool:
        return open_now(self.hours, self.open_24h, at)

    def hours_rows(self) -> list[tuple[str, str]]:
        """Weekly hours as (days, hours) rows, consecutive equal days merged: [("周一至周五", "08:00-20:00")]."""
        with translation.override(settings.LANGUAGE_CODE):
            if self.open_24h:
                return [(str(_("每天")), str(_("24小时开放")))]
            hours = list(self.hours or []) + [""] * (7 - len(self.hours or []))
            rows, start = [], 0
            for i in range(1, 8):
                if i == 7 or hours[i] != hours[start]:
                    first, last = str(WEEKDAYS[start]), str(WEEKDAYS[i - 1])
                    days = (
                        first if i - 1 == start else _("%(first)s至%(last)s") % {"first": first, "last": last}
                    )
                    rows.append((days, hours[start] or str(_("不开放"))))
                    start = i
            return rows


class StationPhoto(models.Model):
    """A photo of a station (door, inside), shown on its page."""

    station = models.ForeignKey(
        Station, verbose_name=_("服务站"), on_delete=models.CASCADE, related_name="photos"
    )
    image = PhotoField(_("照片"), upload_to="stations/%Y/%m/", validators=[validate_photo])
    caption = models.CharField(_("说明"), max_length=64, blank=True)
    sort = models.IntegerField(_("排序"), default=0)

    scope = ScopeSpec(unit="station__unit")

    class Meta:
        verbose_name = _("服务站照片")
        verbose_name_plural = _("服务站照片")
        ordering = ["sort", "pk"]

    def __str__(self):
        return self.caption or _("照片%(pk)s") % {"pk": self.pk}


class StationCheckIn(models.Model):
    """A worker's visit to a station, at most one per station and day (counted per station and day).
    The worker link is cleared when the worker deletes their data; the count stays."""

    station = models.ForeignKey(
        Station, verbose_name=_("服务站"), on_delete=models.CASCADE, related_name="checkins"
    )
    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("从业人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checkins",
    )
    day = models.DateField(_("日期"), db_index=True)
    created_at = models.DateTimeField(_("签到时间"), auto_now_add=True)

    scope = ScopeSpec(unit="station__unit")
    audit_exclude = True  # a visit is not a change of business data; counted, not audited

    class Meta:
        verbose_name = _("签到")
        verbose_name_plural = _("签到记录")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["station", "worker", "day"], name="checkin_once_per_day"),
        ]

    def __str__(self):
        return f"{self.station} · {self.day.isoformat()}"


class StationRegistration(models.Model):
    """The station a worker registered (备案) at, when they registered at one (the QR code on its door)
    rather than choosing a community. One row per worker, replaced when they register again; it goes with
    the worker's row when they delete their data. Held here, beside the check-ins, so that the worker
    identity (floor 4) names no station. Seen by the station's community, as the worker is."""

    worker = models.OneToOneField(
        "workers.Worker",
        verbose_name=_("从业人员"),
        on_delete=models.CASCADE,
        related_name="station_registration",
    )
    station = models.ForeignKey(
        Station, verbose_name=_("备案服务站"), on_delete=models.CASCADE, related_name="registrations"
    )
    registered_at = models.DateTimeField(_("备案时间"))

    scope = ScopeSpec(unit="station__unit")

    class Meta:
        verbose_name = _("备案服务站")  # a worker's station of registration (one per worker)
        verbose_name_plural = _("备案服务站")
        ordering = ["-registered_at"]

    def __str__(self):
        return str(self.station)

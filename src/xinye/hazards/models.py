"""Hazard reports (随手拍/移动探头): a public problem at a place, routed to a community or department."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinye.appeals.cases import CaseEvent, PublicCase
from xinye.core.fields import PhotoField
from xinye.core.scope import ScopeSpec
from xinye.hazards.choices import (
    OPEN_STATES,
    CloseReason,
    CoordSystem,
    HazardCategory,
    HazardSource,
    HazardStatus,
)


class HazardReport(PublicCase):
    """A report about a place. Stored in WGS-84 with the system the reporter's device used recorded.
    `unit` is the community (by location) or the department (by category) that handles it."""

    worker = models.ForeignKey(
        "workers.Worker",
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazard_reports",
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=HazardSource.choices, default=HazardSource.PORTAL
    )
    category = models.CharField(_("类别"), max_length=20, choices=HazardCategory.choices)
    description = models.TextField(_("情况描述"))
    latitude = models.FloatField(_("纬度（WGS-84）"))
    longitude = models.FloatField(_("经度（WGS-84）"))
    coord_source = models.CharField(
        _("原始坐标系"), max_length=8, choices=CoordSystem.choices, default=CoordSystem.WGS84
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    photo = PhotoField(_("照片"), upload_to="hazards/%Y/%m/", blank=True)
    media_url = models.URLField(_("图片链接（Open311）"), blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("处理单位"), on_delete=models.PROTECT, related_name="hazard_reports"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=HazardStatus.choices, default=HazardStatus.OPEN, db_index=True
    )
    close_reason = models.CharField(_("关闭原因"), max_length=16, choices=CloseReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重复于"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    client_label = models.CharField(_("接入方"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("上报时间"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("随手拍")
        verbose_name_plural = _("随手拍")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["category", "status", "latitude", "longitude"], name="hazard_near")]

    def __str__(self):
        return f"#{self.pk} {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class HazardEvent(CaseEvent):
    """A step on a report (status change or note); `public_text` is shown to the reporter."""

    report = models.ForeignKey(
        HazardReport, verbose_name=_("随手拍"), on_delete=models.CASCADE, related_name="events"
    )
    status = models.CharField(_("状态"), max_length=16, choices=HazardStatus.choices, blank=True)
    public = models.BooleanField(_("上报人可见"), default=False)
    public_text = models.TextField(_("对上报人显示"), blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    scope = ScopeSpec(unit="report__unit")

    class Meta:
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")
        ordering = ["created_at", "pk"]

    def __str__(self):
        status = self.get_status_display() or _("备注")
        return f"{status} {self.created_at:%Y-%m-%d %H:%M}"

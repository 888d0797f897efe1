"""随手拍 / 移动探头: categories of public hazards (about places, never about tracking a person) and states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardCategory(models.TextChoices):
    ROAD_DAMAGE = "road_damage", _("道路破损")
    MANHOLE = "manhole", _("井盖缺失")
    FIRE = "fire", _("消防隐患")
    LIGHTS = "lights", _("路灯损坏")
    PERSON_IN_NEED = "person_in_need", _("需要帮助的人")
    EPIDEMIC = "epidemic", _("疫情防控")
    SANITATION = "sanitation", _("环境卫生")
    OTHER = "other", _("其他")


class HazardStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    IN_PROGRESS = "in_progress", _("处理中")
    CLOSED = "closed", _("已关闭")


OPEN_STATES = (HazardStatus.OPEN, HazardStatus.ACKNOWLEDGED, HazardStatus.IN_PROGRESS)


class CloseReason(models.TextChoices):
    FIXED = "fixed", _("已处理")
    NOT_RESPONSIBLE = "not_responsible", _("不属于本单位职责")
    DUPLICATE = "duplicate", _("重复上报")


class CoordSystem(models.TextChoices):
    WGS84 = "wgs84", _("WGS-84（手机定位）")
    GCJ02 = "gcj02", _("GCJ-02（高德/腾讯/微信）")
    BD09 = "bd09", _("BD-09（百度）")


class HazardSource(models.TextChoices):
    PORTAL = "portal", _("从业人员随手拍")
    OPEN311 = "open311", _("Open311 接口")
    STAFF = "staff", _("工作人员录入")

"""随手拍 / 移动探头: categories of public hazards (about places, never about tracking a person) and states."""

from django.db import models


class HazardCategory(models.TextChoices):
    ROAD_DAMAGE = "road_damage", "道路破损"
    MANHOLE = "manhole", "井盖缺失"
    FIRE = "fire", "消防隐患"
    LIGHTS = "lights", "路灯损坏"
    PERSON_IN_NEED = "person_in_need", "需要帮助的人"
    EPIDEMIC = "epidemic", "疫情防控"
    SANITATION = "sanitation", "环境卫生"
    OTHER = "other", "其他"


class HazardStatus(models.TextChoices):
    OPEN = "open", "待处理"
    ACKNOWLEDGED = "acknowledged", "已确认"
    IN_PROGRESS = "in_progress", "处理中"
    CLOSED = "closed", "已关闭"


OPEN_STATES = (HazardStatus.OPEN, HazardStatus.ACKNOWLEDGED, HazardStatus.IN_PROGRESS)


class CloseReason(models.TextChoices):
    FIXED = "fixed", "已处理"
    NOT_RESPONSIBLE = "not_responsible", "不属于本单位职责"
    DUPLICATE = "duplicate", "重复上报"


class CoordSystem(models.TextChoices):
    WGS84 = "wgs84", "WGS-84（手机定位）"
    GCJ02 = "gcj02", "GCJ-02（高德/腾讯/微信）"
    BD09 = "bd09", "BD-09（百度）"


class HazardSource(models.TextChoices):
    PORTAL = "portal", "从业人员随手拍"
    OPEN311 = "open311", "Open311 接口"
    STAFF = "staff", "工作人员录入"

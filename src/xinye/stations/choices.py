from django.db import models


class HostKind(models.TextChoices):
    COMMUNITY = "community", "社区"
    ENTERPRISE = "enterprise", "企业"
    BUSINESS_DISTRICT = "district", "商圈"
    BUILDING = "building", "楼宇"


class StationStatus(models.TextChoices):
    OPEN = "open", "开放"
    PAUSED = "paused", "暂停"
    CLOSED = "closed", "关闭"


class Amenity(models.TextChoices):
    """全国总工会 户外劳动者服务站点 standard services (first six) and the common extras (rules.md)."""

    REST_TOILET = "rest", "休息如厕"
    WATER_COOL = "water", "饮水纳凉"
    MEAL_HEATING = "meal", "餐食加热"
    SHELTER = "shelter", "驱寒避雨"
    CHARGING = "charging", "手机充电"
    READING = "reading", "读书阅览"
    MICROWAVE = "microwave", "微波炉"
    WIFI = "wifi", "WiFi"
    UMBRELLA = "umbrella", "雨具"
    FIRST_AID = "first_aid", "药箱"
    PARKING = "parking", "专属停车"
    LEGAL = "legal", "法律服务"
    OPEN_24H = "24h", "24小时"


AMENITY_LABELS = {a.value: a.label for a in Amenity}

STANDARD_AMENITIES = [
    Amenity.REST_TOILET,
    Amenity.WATER_COOL,
    Amenity.MEAL_HEATING,
    Amenity.SHELTER,
    Amenity.CHARGING,
    Amenity.READING,
]
EXTRA_AMENITIES = [a for a in Amenity if a not in STANDARD_AMENITIES]

WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]

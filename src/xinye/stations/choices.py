import functools

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class HostKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    ENTERPRISE = "enterprise", _("企业")
    BUSINESS_DISTRICT = "district", _("商圈")
    BUILDING = "building", _("楼宇")


class StationStatus(models.TextChoices):
    OPEN = "open", _("开放")
    PAUSED = "paused", _("暂停")
    CLOSED = "closed", _("关闭")


class Amenity(models.TextChoices):
    """全国总工会 户外劳动者服务站点 standard services (first six) and the common extras (rules.md)."""

    REST_TOILET = "rest", _("休息如厕")
    WATER_COOL = "water", _("饮水纳凉")
    MEAL_HEATING = "meal", _("餐食加热")
    SHELTER = "shelter", _("驱寒避雨")
    CHARGING = "charging", _("手机充电")
    READING = "reading", _("读书阅览")
    MICROWAVE = "microwave", _("微波炉")
    WIFI = "wifi", "WiFi"
    UMBRELLA = "umbrella", _("雨具")
    FIRST_AID = "first_aid", _("药箱")
    PARKING = "parking", _("专属停车")
    LEGAL = "legal", _("法律服务")
    OPEN_24H = "24h", _("24小时")


AMENITY_LABELS = {a.value: a.label for a in Amenity}


def amenity_labels(values, language: str | None = None) -> list[str]:
    """The labels of these amenity values (unknown ones left out) as plain strings in `language` (default:
    the active one): the nearest-stations API lists them on every answer, so each language's table is
    translated once per process rather than per label and request."""
    table = _label_table(language or translation.get_language() or settings.LANGUAGE_CODE)
    return [table[v] for v in values if v in table]


@functools.lru_cache(maxsize=16)
def _label_table(language: str) -> dict[str, str]:
    with translation.override(language):
        return {value: str(label) for value, label in AMENITY_LABELS.items()}


STANDARD_AMENITIES = [
    Amenity.REST_TOILET,
    Amenity.WATER_COOL,
    Amenity.MEAL_HEATING,
    Amenity.SHELTER,
    Amenity.CHARGING,
    Amenity.READING,
]
EXTRA_AMENITIES = [a for a in Amenity if a not in STANDARD_AMENITIES]

WEEKDAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]

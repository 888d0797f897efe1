"""What the ledger's services share: today in the rules' calendar, ages and anniversaries, the organisation
kinds, refusals by field."""

import datetime

from xinye.core.errors import Refused
from xinye.orgs.choices import UnitKind

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "local_today",
    "add_years",
    "age_on",
)


ORG_KINDS = (
    UnitKind.PARTY_COMMITTEE,
    UnitKind.GENERAL_BRANCH,
    UnitKind.BRANCH,
    UnitKind.JOINT_BRANCH,
    UnitKind.ONLINE_BRANCH,
)


def local_today() -> datetime.date:
    """Today in Asia/Shanghai (the calendar the rules count in)."""
    from django.utils import timezone

    return timezone.localdate()


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _raise(errors: dict) -> None:
    if errors:
        raise Refused(errors)


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _set(obj, fields: dict, allowed) -> None:
    for key, value in fields.items():
        name = key[:-3] if key.endswith("_id") else key
        if name not in allowed:
            raise Refused({name: f"未知字段：{key}"})
        setattr(obj, key, value)

"""Organisation tree and responsibility matrix: lookups and state changes."""

import csv
import io
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from xinye.orgs.choices import RegionLevel, ResponsibilityRole
from xinye.orgs.models import OrgUnit, Region, Responsibility


class RegionFileError(ValueError):
    """A region file that cannot be loaded; the message names the line and the reason in Chinese."""


def _level_for(code: str, parent_code: str) -> str:
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


@transaction.atomic
def load_regions(text: str) -> tuple[int, int]:
    """Load GB/T 2260 codes from CSV text with columns 代码/code, 名称/name, [上级/parent], [级别/level].

    All lines are checked first; any error loads nothing. Returns (created, updated).
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    aliases = {
        "代码": "code",
        "区划代码": "code",
        "名称": "name",
        "上级": "parent",
        "上级代码": "parent",
        "级别": "level",
        "功能区": "zone",
    }
    rows, errors = [], []
    for lineno, raw in enumerate(reader, start=2):
        row = {aliases.get((k or "").strip(), (k or "").strip()): (v or "").strip() for k, v in raw.items()}
        code, name = row.get("code", ""), row.get("name", "")
        if not code.isdigit() or len(code) not in (6, 9, 12):
            errors.append(f"第 {lineno} 行：区划代码“{code}”应为 6 位（或 9/12 位）数字")
            continue
        if not name:
            errors.append(f"第 {lineno} 行：名称为空")
            continue
        level = row.get("level") or _level_for(code, row.get("parent", ""))
        if level not in RegionLevel.values:
            errors.append(f"第 {lineno} 行：级别“{level}”无效，应为 {'/'.join(RegionLevel.values)}")
            continue
        rows.append((code, name, row.get("parent", ""), level, row.get("zone", "") in {"1", "true", "是"}))
    known = set(Region.objects.values_list("code", flat=True)) | {r[0] for r in rows}
    for code, _name, parent, _level, _zone in rows:
        if parent and parent not in known:
            errors.append(f"区划 {code}：上级代码 {parent} 不存在")
    if errors:
        raise RegionFileError("\n".join(errors))
    created = updated = 0
    # Parents first: shorter codes and codes ending in more zeros come first.
    for code, name, parent, level, zone in sorted(rows, key=lambda r: (r[2] != "", r[0])):
        _, was_created = Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "parent_id": parent or None,
                "level": level,
                "is_functional_zone": zone or level == RegionLevel.ZONE,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated


def city_region() -> Region:
    return Region.objects.get(code=settings.XINYE_CITY_REGION)


def county_regions():
    return Region.objects.filter(parent__code=settings.XINYE_CITY_REGION).order_by("code")


# --- responsibility matrix ---


@transaction.atomic
def assign_responsibility(
    obj,
    role: str,
    *,
    unit: OrgUnit | None = None,
    agent=None,
    since=None,
    note: str = "",
    replace: bool = False,
) -> Responsibility:
    """Record that `unit` (or `agent`) answers for `obj` in `role`. With replace, other holders of that role go."""
    if unit is None and agent is None:
        raise ValueError("责任关系必须指定责任单位或责任人")
    if role not in ResponsibilityRole.values:
        raise ValueError(f"未知的责任角色：{role}")
    ct = ContentType.objects.get_for_model(type(obj))
    if replace:
        for old in Responsibility.objects.filter(content_type=ct, object_id=obj.pk, role=role).exclude(
            unit=unit, agent=agent
        ):
            old.delete()
    resp, _ = Responsibility.objects.get_or_create(
        content_type=ct,
        object_id=obj.pk,
        role=role,
        unit=unit,
        agent=agent,
        defaults={"since": since, "note": note},
    )
    return resp


def owners_of(obj) -> dict[str, list[Responsibility]]:
    """Who answers for `obj`, by role (every role present, empty list where nobody does)."""
    ct = ContentType.objects.get_for_model(type(obj))
    result: dict[str, list[Responsibility]] = {role: [] for role in ResponsibilityRole.values}
    for resp in Responsibility.objects.filter(content_type=ct, object_id=obj.pk).select_related(
        "unit", "agent"
    ):
        result[resp.role].append(resp)
    return result


def required_roles(otype: str) -> list[str]:
    return list(settings.XINYE_REQUIRED_RESPONSIBILITIES.get(otype, []))


def holders_by_object(model, object_ids) -> dict[int, dict[str, list[str]]]:
    """For many objects at once: object id → role → holder names (one query)."""
    ct = ContentType.objects.get_for_model(model)
    out: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    rows = Responsibility.objects.filter(content_type=ct, object_id__in=list(object_ids)).select_related(
        "unit", "agent"
    )
    for resp in rows:
        out[resp.object_id][resp.role].append(resp.holder_name)
    return out


def gaps(queryset, roles: list[str] | None = None) -> list[tuple[object, list[str]]]:
    """Objects in `queryset` lacking an owner in any of `roles` (default: the required roles of their type),
    with the missing roles. Two queries regardless of size."""
    model = queryset.model
    otype = f"{model._meta.app_label}.{model._meta.model_name}"
    roles = roles if roles is not None else required_roles(otype)
    if not roles:
        return []
    ct = ContentType.objects.get_for_model(model)
    present = defaultdict(set)
    for object_id, role in Responsibility.objects.filter(content_type=ct, role__in=roles).values_list(
        "object_id", "role"
    ):
        present[object_id].add(role)
    out = []
    for obj in queryset:
        missing = [r for r in roles if r not in present.get(obj.pk, set())]
        if missing:
            out.append((obj, missing))
    return out


def responsible_types() -> list[tuple[str, object]]:
    """Object types that have required responsibilities and whose model is installed."""
    out = []
    for otype in settings.XINYE_REQUIRED_RESPONSIBILITIES:
        app_label, model_name = otype.split(".")
        try:
            out.append((otype, apps.get_model(app_label, model_name)))
        except LookupError:
            continue
    return out

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


# --- org units ---

UNIT_FIELDS = (
    "code",
    "name",
    "kind",
    "industry",
    "region_id",
    "parent_id",
    "answers_to_id",
    "sort",
    "is_active",
)


def _check_unit_scope(actor, action: str, anchor: OrgUnit | None, industry: str = "") -> None:
    from django.core.exceptions import PermissionDenied

    from xinye.accounts.permissions import unit_in_scope

    if actor is None:
        return  # system (CLI without --actor, demo, migrations)
    if anchor is None or not unit_in_scope(actor, action, OrgUnit, anchor, industry):
        raise PermissionDenied("上级单位不在您的管辖范围内")


def _validate_unit(unit: OrgUnit) -> None:
    from django.core.exceptions import ValidationError

    errors = {}
    if unit.parent_id and unit.pk and unit.parent.path.startswith(unit.path or "\0"):
        errors["parent"] = "上级单位不能是本单位或其下级"
    if unit.answers_to_id and unit.answers_to.kind != "industry_committee":
        errors["answers_to"] = "业务指导单位必须是行业党委"
    if unit.kind == "industry_office" and not unit.industry:
        errors["industry"] = "行业党建办必须指定行业"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_unit(*, actor=None, **fields) -> OrgUnit:
    """Create an org unit under `parent` (which must be in the actor's scope)."""
    unit = OrgUnit(**{k: v for k, v in fields.items() if k in UNIT_FIELDS})
    _check_unit_scope(actor, "add", unit.parent if unit.parent_id else None, unit.industry)
    unit.full_clean(exclude=["path", "depth"])
    _validate_unit(unit)
    unit.save()
    return unit


@transaction.atomic
def update_unit(unit: OrgUnit, *, actor=None, **fields) -> OrgUnit:
    _check_unit_scope(actor, "change", unit, unit.industry)
    for key, value in fields.items():
        if key in UNIT_FIELDS:
            setattr(unit, key, value)
    if "parent_id" in fields:
        _check_unit_scope(actor, "change", unit.parent, unit.industry)
    unit.full_clean(exclude=["path", "depth"])
    _validate_unit(unit)
    unit.save()
    return unit


@transaction.atomic
def delete_unit(unit: OrgUnit, *, actor=None) -> None:
    """Delete a unit that has no children and nothing attached (PROTECT relations refuse otherwise)."""
    from django.db.models import ProtectedError

    _check_unit_scope(actor, "delete", unit, unit.industry)
    if unit.children.exists():
        raise ValueError(f"“{unit.name}”还有下级单位，不能删除")
    try:
        unit.delete()
    except ProtectedError:
        raise ValueError(f"“{unit.name}”仍有关联的企业、人员或记录，不能删除，可改为停用")

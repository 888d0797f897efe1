"""Organisation tree and responsibility matrix: lookups and state changes.

Every write takes a required `actor` (a staff user or `system_actor(...)`), checks it with `require`
before writing and again on the saved row inside its transaction. Regions are reference data: only the
roles granted `change` on orgs.region (市级管理员, 系统管理员; see accounts/presets.py) write them.
"""

import csv
import io
from collections import defaultdict

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from xinye.accounts.permissions import grants_for, is_system, require, restrict
from xinye.core.errors import OutOfScope, Refused
from xinye.orgs.choices import RegionLevel, ResponsibilityRole, UnitKind
from xinye.orgs.models import OrgUnit, Region, Responsibility

READS = (
    "city_region",
    "county_regions",
    "owners_of",
    "required_roles",
    "holders_by_object",
    "gaps",
    "responsible_types",
    "region_within",
    "clean_unit",
)


class RegionFileError(Refused):
    """A region file that cannot be loaded; the message names the line and the reason in Chinese."""


def _level_for(code: str, parent_code: str) -> str:
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


@transaction.atomic
def load_regions(text: str, *, actor) -> tuple[int, int]:
    """Load GB/T 2260 codes from CSV text with columns 代码/code, 名称/name, [上级/parent], [级别/level].

    All lines are checked first; any error loads nothing. Returns (created, updated). Reference data:
    the actor needs add and change on regions (市级管理员, 系统管理员, the CLI's system actor).
    """
    require_citywide(actor=actor, action="add", model=Region)
    require_citywide(actor=actor, action="change", model=Region)
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
        _, was_created = save_region(
            code,
            actor=actor,
            name=name,
            parent_id=parent or None,
            level=level,
            is_functional_zone=zone or level == RegionLevel.ZONE,
        )
        created += was_created
        updated += not was_created
    return created, updated


@transaction.atomic
def save_region(
    code: str, *, actor, name: str, level: str, parent_id: str | None = None, is_functional_zone: bool = False
) -> tuple[Region, bool]:
    """Create or change the region `code` (GB/T 2260); returns (region, created). Regions are city-wide
    reference data: only roles granted add/change on orgs.region write them (leak 2 of the spine issue:
    a county admin renamed 开鲁县). A parent may not be the region itself or one of its descendants."""
    region = Region.objects.filter(code=code).first()
    created = region is None
    require_citywide(actor=actor, action="add" if created else "change", model=Region)
    if parent_id and region_within(parent_id, code):
        raise Refused({"parent": ["上级区划不能是本区划或其下级"]})
    region = region or Region(code=code)
    region.name, region.level, region.parent_id = name, level, parent_id or None
    region.is_functional_zone = is_functional_zone
    try:
        region.full_clean()
    except ValidationError as exc:
        raise Refused(exc.message_dict)
    region.save()
    require(actor, "add" if created else "change", region)
    return region, created


@transaction.atomic
def delete_region(region: Region, *, actor) -> None:
    """Delete a region no unit, station or person points at (city-wide reference data, as save_region)."""
    require_citywide(actor=actor, action="delete", model=Region)
    try:
        region.delete()
    except ProtectedError:
        raise Refused(f"“{region.name}”仍被组织单位、下级区划或其他记录引用，不能删除")


def require_citywide(*, actor, action: str, model) -> None:
    """City-wide reference data (regions, privacy notices) is written only under a grant bound at the root
    of the tree (市级管理员, 系统管理员) or by the system: a role bound lower — even one whose preset
    would allow it — reaches no further than its unit, and these rows hold for the whole city.
    Raises OutOfScope otherwise (the write door's refusal: not there for this actor)."""
    require(actor, action, model=model)
    if is_system(actor):
        return
    otype = f"{model._meta.app_label}.{model._meta.model_name}"
    bound = {g.unit_id for g in grants_for(actor) if g.allows(action, otype)}
    if not OrgUnit.objects.filter(pk__in=bound, parent__isnull=True).exists():
        raise OutOfScope()


def city_region() -> Region:
    return Region.objects.get(code=settings.XINYE_CITY_REGION)


def county_regions(user=None):
    """The city's county-level regions; given a user, only those holding a unit the user may see — a county
    admin's filter offers its own county, not nine counties of which eight show zeros (issue 17)."""
    counties = Region.objects.filter(parent__code=settings.XINYE_CITY_REGION).order_by("code")
    if user is None:
        return counties
    held = set(restrict(OrgUnit.objects.all(), user, "view").values_list("region_id", flat=True).distinct())
    above = set(Region.objects.filter(code__in=held).values_list("parent_id", flat=True))  # a street's county
    return counties.filter(code__in=held | above)


# --- responsibility matrix ---


@transaction.atomic
def assign_responsibility(
    obj,
    role: str,
    *,
    actor,
    unit: OrgUnit | None = None,
    agent=None,
    since=None,
    note: str = "",
    replace: bool = False,
) -> Responsibility:
    """Record that `unit` (or `agent`) answers for `obj` in `role`. With replace, other holders of that role go.
    Who answers for an object is part of that object: the actor must be able to change `obj` (the holder
    itself may sit outside the actor's subtree — a county's enterprise answers to the city's 行业党委)."""
    require(actor, "change", obj)
    if unit is None and agent is None:
        raise Refused("责任关系必须指定责任单位或责任人")
    if role not in ResponsibilityRole.values:
        raise Refused({"role": [f"未知的责任角色：{role}"]})
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


def region_within(region_code: str | None, ancestor_code: str | None) -> bool:
    """Whether region `region_code` is `ancestor_code` or lies under it (following Region.parent; one
    query per level climbed, none when they are equal)."""
    if not region_code or not ancestor_code:
        return False
    code, seen = region_code, set()
    while code and code not in seen:
        if code == ancestor_code:
            return True
        seen.add(code)
        code = Region.objects.filter(code=code).values_list("parent_id", flat=True).first()
    return False


def clean_unit(unit: OrgUnit) -> None:
    """The rules of the tree, on an unsaved or changed unit (no actor: the console's form runs them too).

    Raises Refused naming the field: no cycle; a 行业党建办 has an industry and answers to its own
    industry's 行业党委; a unit's 所在区划 lies within its parent's (leak 7 of the spine issue: a county
    admin labelled a community of its own street with another county's region, and appeal routing by
    region then sent that county's appeals to it).
    """
    errors = {}
    try:
        unit.full_clean(exclude=["path", "depth"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    parent = unit.parent if unit.parent_id else None
    if parent is not None and unit.pk and parent.path.startswith(unit.path or "\0"):
        errors["parent"] = ["上级单位不能是本单位或其下级"]
    if unit.answers_to_id and "answers_to" not in errors:  # full_clean named one that does not exist
        guide = unit.answers_to
        if guide.kind != UnitKind.INDUSTRY_COMMITTEE:
            errors["answers_to"] = ["业务指导单位必须是行业党委"]
        elif unit.industry and guide.industry and guide.industry != unit.industry:
            errors["answers_to"] = ["业务指导单位必须是本行业的行业党委"]
    if unit.kind == UnitKind.INDUSTRY_OFFICE and not unit.industry:
        errors["industry"] = ["行业党建办必须指定行业"]
    if parent is not None and unit.region_id and "region" not in errors:
        if not region_within(unit.region_id, parent.region_id):
            errors["region"] = [f"所在区划须在上级单位“{parent.name}”的区划（{parent.region_id}）之内"]
    if errors:
        raise Refused(errors)


def clean_unit_reach(unit: OrgUnit, *, actor, action: str) -> None:
    """The actor's side of a unit's placement: its 所在区划 lies within the region of a unit the actor's
    role is bound to (the system reaches everywhere). Refused naming 所在区划 otherwise."""
    if is_system(actor):
        return
    bound = [g.unit_id for g in grants_for(actor) if g.allows(action, "orgs.orgunit")]
    regions = set(OrgUnit.objects.filter(pk__in=bound).values_list("region_id", flat=True))
    if not any(region_within(unit.region_id, code) for code in regions):
        raise Refused({"region": ["所在区划不在您的管辖范围内"]})


def _write_unit(unit: OrgUnit, *, actor, action: str, placed: bool) -> OrgUnit:
    if placed:  # a new unit, or one moved to another parent: the parent must be inside the scope
        parent = unit.parent if unit.parent_id else None
        require(actor, action, None, model=OrgUnit, unit=parent, industry=unit.industry)
    clean_unit(unit)
    clean_unit_reach(unit, actor=actor, action=action)
    unit.save()
    require(actor, action, unit)  # the saved row is still inside the writer's scope, or all rolls back
    return unit


@transaction.atomic
def create_unit(*, actor, **fields) -> OrgUnit:
    """Create an org unit under `parent`, which must be inside the actor's scope; the root of the tree
    (no parent) is the system's to create."""
    unit = OrgUnit(**{k: v for k, v in fields.items() if k in UNIT_FIELDS})
    return _write_unit(unit, actor=actor, action="add", placed=True)


@transaction.atomic
def update_unit(unit: OrgUnit, *, actor, **fields) -> OrgUnit:
    """Change a unit inside the actor's scope (never one above the actor's own unit: those are outside
    it); a new parent must be inside the scope too, and the moved unit is checked again after saving."""
    stored = OrgUnit.objects.filter(pk=unit.pk).first()
    if stored is None:
        raise OutOfScope()
    require(actor, "change", stored)
    for key, value in fields.items():
        if key in UNIT_FIELDS:
            setattr(unit, key, value)
    return _write_unit(unit, actor=actor, action="change", placed=unit.parent_id != stored.parent_id)


@transaction.atomic
def delete_unit(unit: OrgUnit, *, actor) -> None:
    """Delete a unit that has no children and nothing attached (PROTECT relations refuse otherwise)."""
    require(actor, "delete", unit)
    if unit.children.exists():
        raise Refused(f"“{unit.name}”还有下级单位，不能删除")
    # A unit still answering for something (or answered for) would silently drop out of the responsibility
    # matrix with its rows (issue 18 item 10: it ended in a 500): the responsibilities move first.
    answered_for = Responsibility.objects.filter(
        content_type=ContentType.objects.get_for_model(OrgUnit), object_id=unit.pk
    )
    if unit.responsibilities.exists() or answered_for.exists():
        raise Refused(f"“{unit.name}”仍承担或对应责任关系，不能删除；请先在责任矩阵中移交，或改为停用")
    try:
        unit.delete()
    except ProtectedError:
        raise Refused(f"“{unit.name}”仍有关联的企业、人员或记录，不能删除，可改为停用")

"""Enterprises: their owning 行业党建办, coordinates, create, update and delete."""

from django.db import transaction

from xinye.accounts.permissions import in_scope, require
from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.core.validators import clean_mobile, clean_uscc
from xinye.core.versioning import bump
from xinye.ledger import signals
from xinye.ledger.choices import (
    EnterpriseType,
)
from xinye.ledger.models import (
    Enterprise,
    PartyMember,
    Practitioner,
)
from xinye.ledger.services.common import _raise, _set
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "office_for",
    "office_table",
    "coordinate_errors",
    "clean_enterprise",
)


ENTERPRISE_FIELDS = (
    "name",
    "uscc",
    "industry",
    "enterprise_type",
    "region",
    "unit",
    "address",
    "latitude",
    "longitude",
    "coord_source",
    "staff_count",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "in_survey_scope",
    "is_active",
)


def _offices():
    """The county 行业党建办s in the order that decides which answers for a county and industry: the first."""
    return OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE).order_by("sort", "code")


def office_for(region, industry: str) -> OrgUnit | None:
    """The county 行业党建办 of `industry` in `region` (the main one where a county has area offices)."""
    return _offices().filter(region=region, industry=industry).first()


def office_table() -> dict[tuple[str, str], OrgUnit]:
    """`office_for` of every (region code, industry) at once, for the import: one query for a whole sheet."""
    table: dict[tuple[str, str], OrgUnit] = {}
    for unit in _offices():
        table.setdefault((unit.region_id, unit.industry), unit)
    return table


def coordinate_errors(latitude, longitude) -> dict[str, str]:
    """WGS-84 range of a point (either may be missing) as {field: reason}, without the field's label."""
    errors = {}
    if latitude is not None and not (-90 <= latitude <= 90):
        errors["latitude"] = "应在 -90 到 90 之间"
    if longitude is not None and not (-180 <= longitude <= 180):
        errors["longitude"] = "应在 -180 到 180 之间"
    return errors


def clean_enterprise(ent: Enterprise, *, actor) -> None:
    """Normalise and validate an enterprise in place; fills the owning office. Raises Refused. A duplicate
    credit code names the other enterprise only when `actor` may see it."""
    errors = {}
    ent.name = (ent.name or "").strip()
    if not ent.name:
        errors["name"] = "企业名称：不能为空"
    if ent.uscc:
        try:
            ent.uscc = clean_uscc(ent.uscc)
        except ValueError as exc:
            errors["uscc"] = f"统一社会信用代码：{exc}"
        else:
            dup = Enterprise.objects.filter(uscc=ent.uscc).exclude(pk=ent.pk).first()
            if dup is not None:
                errors["uscc"] = (
                    f"统一社会信用代码：已被“{dup.name}”使用"
                    if in_scope(actor, "view", dup)
                    else "统一社会信用代码：已被您管辖范围以外的企业使用"
                )
    else:
        ent.uscc = None
    if ent.industry not in Industry.values:
        errors["industry"] = f"行业：应为 {'、'.join(map(str, Industry.labels))} 之一"
    if ent.enterprise_type not in EnterpriseType.values:
        errors["enterprise_type"] = "类型：无效"
    if not ent.region_id:
        errors["region"] = "所在旗县区：不能为空"
    if ent.contact_phone:
        try:
            ent.contact_phone = clean_mobile(ent.contact_phone)
        except ValueError as exc:
            errors["contact_phone"] = f"联系电话：{exc}"
    labels = {"latitude": "纬度", "longitude": "经度"}
    for key, reason in coordinate_errors(ent.latitude, ent.longitude).items():
        errors[key] = f"{labels[key]}：{reason}"
    if ent.staff_count is not None and ent.staff_count < 0:
        errors["staff_count"] = "从业人员数：不能为负数"
    if not errors and not ent.unit_id:
        office = office_for(ent.region, ent.industry)
        if office is None:
            errors["unit"] = "主管行业党建办：该旗县区没有此行业的行业党建办"
        else:
            ent.unit = office
    if not errors and ent.unit.kind != UnitKind.INDUSTRY_OFFICE:
        errors["unit"] = "主管行业党建办：必须是行业党建办"
    if not errors and ent.unit.region_id != ent.region_id:
        errors["unit"] = "主管行业党建办：应与企业在同一旗县区"
    _raise(errors)


@transaction.atomic
def create_enterprise(*, actor, **fields) -> Enterprise:
    """Add an enterprise to the survey ledger; the owning 行业党建办 defaults to its county's office."""
    ent = Enterprise()
    _set(ent, fields, ENTERPRISE_FIELDS)
    clean_enterprise(ent, actor=actor)
    require(actor, "add", ent)
    ent.save()
    require(actor, "add", ent)
    signals.send([ent.pk])
    return ent


@transaction.atomic
def update_enterprise(ent: Enterprise, *, actor, **fields) -> Enterprise:
    """Change an enterprise's fields; a new county or industry moves it to that county's office, and the
    denormalised copies on its people follow."""
    require(actor, "change", ent)
    _set(ent, fields, ENTERPRISE_FIELDS)
    if "region" in fields or "region_id" in fields or "industry" in fields:
        if "unit" not in fields and "unit_id" not in fields:
            ent.unit = None
            ent.unit_id = None
    clean_enterprise(ent, actor=actor)
    require(actor, "change", None, model=Enterprise, unit=ent.unit, industry=ent.industry)
    ent.save()
    require(actor, "change", ent)
    # Denormalised copies follow the enterprise (scope filters rely on them).
    Practitioner.objects.filter(enterprise=ent).exclude(
        unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry
    ).update(unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry, version=bump())
    PartyMember.objects.filter(enterprise=ent).exclude(region_id=ent.region_id, industry=ent.industry).update(
        region_id=ent.region_id, industry=ent.industry, version=bump()
    )
    # Unorganised members sit at the enterprise's office: they follow it to the new one.
    PartyMember.objects.filter(enterprise=ent, unit__kind=UnitKind.INDUSTRY_OFFICE).exclude(
        unit=ent.unit
    ).update(unit=ent.unit, version=bump())
    signals.send([ent.pk], ent.party_organisations.values_list("pk", flat=True))
    return ent


@transaction.atomic
def delete_enterprise(ent: Enterprise, *, actor) -> None:
    """Remove an enterprise from the ledger; refused while people are registered in it."""
    require(actor, "delete", ent)
    if ent.practitioners.exists():
        raise Refused("该企业仍有登记的从业人员，请先将其转出或删除")
    orgs = list(ent.party_organisations.values_list("pk", flat=True))
    pk = ent.pk
    ent.delete()
    signals.send([pk], orgs)

"""Practitioners: the row values an import or a form gives, the party status kept in step with the member
record, create, update and delete."""

from django.db import transaction

from xinye.accounts.permissions import in_scope, require
from xinye.core.errors import Refused
from xinye.core.validators import clean_id_number, clean_mobile, normalise
from xinye.ledger import signals
from xinye.ledger.choices import (
    PARTY_STATUSES,
    Education,
    Occupation,
    PoliticalStatus,
)
from xinye.ledger.models import (
    Enterprise,
    PartyMember,
    PartyOrganisation,
    Practitioner,
)
from xinye.ledger.services.common import _raise
from xinye.orgs.models import OrgUnit

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "practitioner_row_values",
    "member_unit_ids",
    "duplicate_id_message",
    "check_practitioner",
)


PRACTITIONER_FIELDS = (
    "name",
    "id_number",
    "phone",
    "ethnicity",
    "education",
    "occupation",
    "political_status",
    "enterprise",
)


def practitioner_row_values(
    *, name, id_number, phone="", enterprise: Enterprise, ethnicity="", education="", occupation="", **extra
) -> dict:
    """Validated, normalised field values of one practitioner row, with everything derived (hashes, gender,
    birth date, unit/region/industry). Raises Refused naming the field. For bulk writers: the values
    are exactly what `Practitioner.save()` would store (the model's `fill_derived` is the one definition)."""
    errors = {}
    name = normalise(name)
    if not name:
        errors["name"] = "姓名：不能为空"
    try:
        number = clean_id_number(id_number).number
    except ValueError as exc:
        errors["id_number"] = f"公民身份号码：{exc}"
        number = ""
    if phone:
        try:
            phone = clean_mobile(phone)
        except ValueError as exc:
            errors["phone"] = f"手机号：{exc}"
    if education and education not in Education.values:
        errors["education"] = f"学历：应为 {'、'.join(map(str, Education.labels))} 之一"
    occupation = occupation or Occupation.OTHER
    if occupation not in Occupation.values:
        errors["occupation"] = f"职业：应为 {'、'.join(map(str, Occupation.labels))} 之一"
    status = extra.get("political_status") or PoliticalStatus.MASSES
    if status not in PoliticalStatus.values:
        errors["political_status"] = f"政治面貌：应为 {'、'.join(map(str, PoliticalStatus.labels))} 之一"
    _raise(errors)
    p = Practitioner(
        name=name,
        id_number=number,
        phone=phone or "",
        ethnicity=normalise(ethnicity),
        education=education or "",
        occupation=occupation,
        political_status=status,
        enterprise=enterprise,
    ).fill_derived(enterprise)
    return {f.attname: getattr(p, f.attname) for f in Practitioner._meta.concrete_fields if f.attname != "id"}


def member_unit_ids(enterprise_ids=None) -> dict[int, int]:
    """{enterprise id: the unit where its members belong} for the enterprises (all, or `enterprise_ids`) that
    have a party organisation — by unit kind, then the oldest; a member of any other enterprise belongs to
    its 行业党建办. One query: `_member_unit` asks it for one enterprise, bulk writers (the import) for all."""
    links = PartyOrganisation.enterprises.through.objects.order_by(
        "partyorganisation__unit__kind", "partyorganisation_id"
    )
    if enterprise_ids is not None:
        links = links.filter(enterprise_id__in=list(enterprise_ids))
    out: dict[int, int] = {}
    for enterprise_id, unit_id in links.values_list("enterprise_id", "partyorganisation__unit_id"):
        out.setdefault(enterprise_id, unit_id)
    return out


def _member_unit(enterprise: Enterprise) -> OrgUnit:
    """Where a member of `enterprise` belongs: the enterprise's organisation, else its 行业党建办."""
    unit_id = member_unit_ids([enterprise.pk]).get(enterprise.pk)
    return enterprise.unit if unit_id is None else OrgUnit.objects.get(pk=unit_id)


def _sync_party_status(p: Practitioner) -> None:
    """政治面貌 and the party-member ledger say the same thing: a (probationary) member has a PartyMember row.
    Called by the practitioner services inside their transaction (their actor was checked there)."""
    member = PartyMember.objects.filter(practitioner=p).first()
    if p.political_status in PARTY_STATUSES:
        is_full = p.political_status == PoliticalStatus.FULL
        if member is None:
            PartyMember.objects.create(
                practitioner=p,
                unit=_member_unit(p.enterprise),
                region_id=p.region_id,
                industry=p.industry,
                enterprise=p.enterprise,
                is_full=is_full,
            )
        else:
            changed = member.is_full != is_full or member.enterprise_id != p.enterprise_id
            member.is_full = is_full
            if member.enterprise_id != p.enterprise_id:
                member.enterprise = p.enterprise
                member.unit = _member_unit(p.enterprise)
            member.region_id, member.industry = p.region_id, p.industry
            if changed or member.region_id != p.region_id:
                member.save()
    elif member is not None:
        raise Refused(
            {
                "political_status": "政治面貌：该人员在党员台账中，请先办理党员减少（转出、除名等）再修改政治面貌"
            }
        )


def check_practitioner(actor, p: Practitioner) -> dict:
    """The practitioner rules in one place, for the services and the console's form: valid fields (see
    `practitioner_row_values`), an ID not registered twice, and 政治面貌 that agrees with the party-member
    ledger. Returns the row's values; raises Refused naming the field."""
    values = practitioner_row_values(
        enterprise=p.enterprise,
        **{name: getattr(p, name) for name in PRACTITIONER_FIELDS if name != "enterprise"},
    )
    message = duplicate_id_message(actor, values["id_hash"], exclude_pk=p.pk)
    if message:
        raise Refused({"id_number": message})
    if (
        p.pk
        and values["political_status"] not in PARTY_STATUSES
        and PartyMember.objects.filter(practitioner_id=p.pk).exists()
    ):
        raise Refused(
            {
                "political_status": "政治面貌：该人员在党员台账中，请先办理党员减少（转出、除名等）再修改政治面貌"
            }
        )
    return values


def duplicate_id_message(actor, id_hash: str, exclude_pk=None) -> str | None:
    """Why an ID number cannot be registered again, or None. Names the enterprise only when the actor may
    see it: naming one outside their scope would tell them where this person works."""
    dup = (
        Practitioner.objects.filter(id_hash=id_hash)
        .exclude(pk=exclude_pk)
        .select_related("enterprise")
        .first()
    )
    if dup is None:
        return None
    if in_scope(actor, "view", dup.enterprise):
        return f"公民身份号码：该人员已登记在“{dup.enterprise.name}”"
    return "公民身份号码：该人员已登记在您管辖范围以外的单位"


@transaction.atomic
def create_practitioner(*, actor, enterprise: Enterprise, **fields) -> Practitioner:
    """Register a practitioner; gender and birth date come from the ID; a member gets a party-member row."""
    require(actor, "view", enterprise)
    require(actor, "add", None, model=Practitioner, unit=enterprise.unit, industry=enterprise.industry)
    values = practitioner_row_values(enterprise=enterprise, **fields)
    message = duplicate_id_message(actor, values["id_hash"])
    if message:
        raise Refused({"id_number": message})
    p = Practitioner(**values)
    p.save()
    require(actor, "add", p)
    _sync_party_status(p)
    signals.send([p.enterprise_id])
    return p


@transaction.atomic
def update_practitioner(p: Practitioner, *, actor, **fields) -> Practitioner:
    """Change a practitioner (moving them to another enterprise moves their membership row too)."""
    require(actor, "change", p)
    old_enterprise = Practitioner.objects.filter(pk=p.pk).values_list("enterprise_id", flat=True).first()
    current = {name: getattr(p, name) for name in PRACTITIONER_FIELDS}
    current.update(fields)
    enterprise = current.pop("enterprise")
    if enterprise.pk != old_enterprise:
        require(actor, "view", enterprise)
        require(actor, "change", None, model=Practitioner, unit=enterprise.unit, industry=enterprise.industry)
    values = practitioner_row_values(enterprise=enterprise, **current)
    message = duplicate_id_message(actor, values["id_hash"], exclude_pk=p.pk)
    if message:
        raise Refused({"id_number": message})
    for key, value in values.items():
        if key not in ("created_at", "updated_at"):
            setattr(p, key, value)
    p.save()
    require(actor, "change", p)
    _sync_party_status(p)
    signals.send([old_enterprise, p.enterprise_id])
    return p


@transaction.atomic
def delete_practitioner(p: Practitioner, *, actor) -> None:
    """Remove a practitioner from the ledger; a party member leaves through 党员减少 first."""
    require(actor, "delete", p)
    if PartyMember.objects.filter(practitioner=p).exists():
        raise Refused("该人员在党员台账中，请先办理党员减少（转出、除名等）再删除")
    enterprise_id = p.enterprise_id
    p.delete()
    signals.send([enterprise_id])

"""Ledger state changes: enterprises, practitioners, party members, party organisations, formation cases.

Every writing function takes a required keyword `actor` (a staff user, or `system_actor(...)` for the CLI,
the demo and imports run by the system), runs in one transaction, calls `require(actor, action, …)` before
it writes and again on the saved row (so a write that lands outside the actor's scope rolls back), refuses
bad input with `Refused` naming the field in Chinese, and tells the rest of the platform which enterprises
changed (`ledger.signals.enterprises_changed`; coverage listens). The change log is written by the audit
signals on save. The pure rules and queries are listed in `READS`.
"""

import datetime

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce

from xinye.accounts.permissions import actor_user, has_action, in_scope, is_system, require
from xinye.accounts.writes import expect_version
from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.core.validators import clean_id_number, clean_mobile, clean_uscc, normalise
from xinye.core.versioning import bump
from xinye.ledger import rules, signals
from xinye.ledger.choices import (
    OWN_ORGANISATION_KINDS,
    PARTY_STATUSES,
    CoverageStatus,
    Education,
    EnterpriseType,
    FormationState,
    Occupation,
    PoliticalStatus,
)
from xinye.ledger.imports.check import member_errors
from xinye.ledger.models import (
    ChoiceAlias,
    Enterprise,
    FormationCase,
    FormationStep,
    PartyMember,
    PartyOrganisation,
    Practitioner,
)
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit
from xinye.rulebook.services import with_citation

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "clean_choice_alias",
    "committee_errors",
    "local_today",
    "add_years",
    "age_on",
    "office_for",
    "office_table",
    "coordinate_errors",
    "clean_enterprise",
    "practitioner_row_values",
    "member_unit_ids",
    "duplicate_id_message",
    "check_practitioner",
    "clean_member",
    "default_org_name",
    "due_for_election",
    "annotate_coverage_status",
    "coverage_status",
    "filter_by_status",
    "allowed_transitions",
    "organisation_errors",
    "formation_errors",
    "check_document",
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


# --- enterprises ---

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


def _set(obj, fields: dict, allowed) -> None:
    for key, value in fields.items():
        name = key[:-3] if key.endswith("_id") else key
        if name not in allowed:
            raise Refused({name: f"未知字段：{key}"})
        setattr(obj, key, value)


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


# --- practitioners ---

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


# --- party members ---

MEMBER_FIELDS = ("is_full", "joined_on", "full_member_on", "membership_held", "home_organisation", "unit")


MEMBER_LABELS = {
    "joined_on": "入党日期",
    "full_member_on": "转正日期",
    "membership_held": "组织关系",
    "home_organisation": "组织关系所在党组织",
}


def clean_member(m: PartyMember) -> None:
    """Validate a member's party details (dates, age at joining, 流动党员's home organisation)."""
    reasons = member_errors(
        joined_on=m.joined_on,
        full_member_on=m.full_member_on,
        is_full=m.is_full,
        membership_held=m.membership_held,
        home_organisation=m.home_organisation,
        birth_date=m.practitioner.birth_date,
        today=local_today(),
        min_join_age=rules.rule("min_join_age"),
    )
    errors = {key: f"{MEMBER_LABELS[key]}：{reason}" for key, reason in reasons.items()}
    if m.unit_id and m.unit.kind not in (*ORG_KINDS, UnitKind.PARTY_GROUP, UnitKind.INDUSTRY_OFFICE):
        errors["unit"] = "所在党组织：应为党组织（或尚未组建时的行业党建办）"
    _raise(errors)


@transaction.atomic
def save_party_member(
    practitioner: Practitioner, *, actor, version: int | None = None, **fields
) -> PartyMember:
    """Create or update the party details of a practitioner; keeps 政治面貌 in step (预备/正式党员).
    `version`: the version of the member row the writer edited — a row changed since is refused (Stale)."""
    member = PartyMember.objects.filter(practitioner=practitioner).first()
    if member is not None:
        expect_version(member, version)
    if member is None:
        require(actor, "view", practitioner)
        member = PartyMember(
            practitioner=practitioner,
            enterprise=practitioner.enterprise,
            unit=_member_unit(practitioner.enterprise),
        )
        action = "add"
    else:
        require(actor, "change", member)
        action = "change"
    old_enterprise = member.enterprise_id
    _set(member, fields, MEMBER_FIELDS)
    member.region_id, member.industry = practitioner.region_id, practitioner.industry
    clean_member(member)
    require(actor, action, None, model=PartyMember, unit=member.unit, industry=member.industry)
    member.save()
    require(actor, action, member)
    status = PoliticalStatus.FULL if member.is_full else PoliticalStatus.PROBATIONARY
    if practitioner.political_status != status:
        practitioner.political_status = status
        practitioner.save(update_fields=["political_status", "updated_at"])
    signals.send([old_enterprise, member.enterprise_id])
    return member


@transaction.atomic
def delete_party_member(member: PartyMember, *, actor) -> None:
    """Remove a member's party details (党员减少); 政治面貌 goes back to 群众 unless told otherwise."""
    require(actor, "delete", member)
    practitioner, enterprise_id = member.practitioner, member.enterprise_id
    member.delete()
    if practitioner.political_status in PARTY_STATUSES:
        practitioner.political_status = PoliticalStatus.MASSES
        practitioner.save(update_fields=["political_status", "updated_at"])
    signals.send([enterprise_id])


# --- party organisations ---


def _unit_code(kind: str, enterprise: Enterprise) -> str:
    base = f"po-{enterprise.pk}-{kind}"
    code, n = base, 1
    while OrgUnit.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def default_org_name(kind: str, enterprises) -> str:
    label = UnitKind(kind).label
    first = enterprises[0]
    if kind == UnitKind.JOINT_BRANCH:
        return f"{first.name}等{len(enterprises)}家企业{label}"
    return f"中共{first.name}{'委员会' if kind == UnitKind.PARTY_COMMITTEE else label.removeprefix('党')}"


@transaction.atomic
def create_party_organisation(
    *,
    actor,
    kind: str,
    enterprises,
    name: str = "",
    founded_on: datetime.date | None = None,
    is_online: bool | None = None,
    secretary_user=None,
) -> PartyOrganisation:
    """Form a party organisation: its OrgUnit (of the party kind) under the lead enterprise's 行业党建办 and
    the ledger record, with the term (党支部/党总支 3 years, 基层党委 5 — rules.md) and next election date.
    Unorganised members of the covered enterprises move into it."""
    enterprises = list(enterprises)
    for ent in enterprises:  # scope first: a rule's message must not describe what the actor cannot see
        require(actor, "view", ent)
    errors = organisation_errors(kind, enterprises)
    if founded_on and founded_on > local_today():
        errors["founded_on"] = "成立日期：不能晚于今天"
    _raise(errors)
    lead = enterprises[0]
    office = lead.unit
    require(actor, "add", None, model=PartyOrganisation, unit=office, industry=lead.industry)
    name = (name or "").strip() or default_org_name(kind, enterprises)
    unit = OrgUnit(
        code=_unit_code(kind, lead),
        name=name,
        kind=kind,
        parent=office,
        region_id=lead.region_id,
        industry=lead.industry,
    )
    unit.save()
    founded_on = founded_on or local_today()
    term = rules.term_years(kind)
    org = PartyOrganisation.objects.create(
        unit=unit,
        region_id=lead.region_id,
        industry=lead.industry,
        founded_on=founded_on,
        term_years=term,
        next_election_on=add_years(founded_on, term),
        is_online=kind == UnitKind.ONLINE_BRANCH if is_online is None else is_online,
        secretary_user=secretary_user,
    )
    org.enterprises.set(enterprises)
    for member in PartyMember.objects.filter(
        enterprise__in=enterprises, unit__kind=UnitKind.INDUSTRY_OFFICE
    ).select_related("practitioner"):
        member.unit = unit
        member.save(update_fields=["unit", "updated_at"])
    require(actor, "add", org)
    signals.send([e.pk for e in enterprises], [org.pk])
    return org


ORGANISATION_FIELDS = ("founded_on", "term_years", "next_election_on", "is_online", "secretary_user")


@transaction.atomic
def update_party_organisation(
    org: PartyOrganisation, *, actor, enterprises=None, secretary=..., **fields
) -> PartyOrganisation:
    """Change an organisation's record: dates and term, the enterprises it covers (same county; a 联合党支部
    at least two), its 书记 (through `set_secretary`'s rules). Its 委员 are the teams roster's."""
    require(actor, "change", org)
    before = set(org.enterprises.values_list("pk", flat=True))
    _set(org, fields, ORGANISATION_FIELDS)
    errors = {}
    if org.founded_on and org.founded_on > local_today():
        errors["founded_on"] = "成立日期：不能晚于今天"
    if enterprises is not None:
        enterprises = list(enterprises)
        for ent in enterprises:
            if ent.pk not in before:
                require(actor, "view", ent)
        errors.update(organisation_errors(org.unit.kind, enterprises))
    _raise(errors)
    org.save()
    if enterprises is not None:
        org.enterprises.set(enterprises)
    if secretary is not ...:
        set_secretary(org, secretary, actor=actor)
    require(actor, "change", org)
    signals.send(before | set(org.enterprises.values_list("pk", flat=True)), [org.pk])
    return org


@transaction.atomic
def delete_party_organisation(org: PartyOrganisation, *, actor) -> None:
    """Dissolve an organisation (撤销): its members go back to their enterprises' offices, its unit goes."""
    require(actor, "delete", org)
    enterprises = list(org.enterprises.all())
    for member in PartyMember.objects.filter(unit=org.unit).select_related("enterprise__unit"):
        member.unit = member.enterprise.unit
        member.save(update_fields=["unit", "updated_at"])
    pk, unit = org.pk, org.unit
    org.delete()
    # The unit stays for the history hanging from it (meetings, the change log); it is closed, not deleted.
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    signals.send([e.pk for e in enterprises], [pk])


@transaction.atomic
def set_secretary(org: PartyOrganisation, member: PartyMember | None, *, actor, user=None, dispatched=False):
    """Record the 书记 (a full member of the organisation; with `dispatched`, one sent from outside, who may
    belong elsewhere or not be in the ledger at all — then `member` is None); optionally link the
    secretary's account. Appointment and removal are the teams app's steps (`teams.services.appoint` /
    `remove`, with the history): they keep this field in step; the console shows it read-only."""
    require(actor, "change", org)
    if member is not None:
        if (
            not dispatched
            and member.unit_id != org.unit_id
            and not org.enterprises.filter(pk=member.enterprise_id).exists()
        ):
            raise Refused({"secretary": "书记：应为本组织的党员"})
        if not member.is_full:
            raise Refused({"secretary": "书记：应由正式党员担任"})
    org.secretary = member
    if user is not None:
        org.secretary_user = user
    org.save()
    require(actor, "change", org)
    return org


def committee_errors(org: PartyOrganisation, size: int) -> dict:
    """支部工作条例: a branch with ≥ 7 full members elects a committee of 3–5 (≤ 7); below that a 书记 only.
    The teams roster checks it before a 委员 is appointed (`size`: the 委员 serving after it)."""
    full = PartyMember.objects.filter(unit=org.unit, is_full=True).count()
    need = rules.rule("committee_min_full_members")
    _low, high = rules.rule("committee_size")
    if full < need:
        return {
            "post": with_citation(
                f"职务：正式党员不足 {need} 人（现 {full} 人）的支部不设委员会，只设书记",
                "ledger.committee_size",
            )
        }
    if size > high:
        return {"post": with_citation(f"职务：支部委员会至多 {high} 人（已满）", "ledger.committee_size")}
    return {}


@transaction.atomic
def set_committee(org: PartyOrganisation, members, *, actor) -> PartyOrganisation:
    """Record the 委员 serving now. The roster is the source of truth: only the teams app's steps
    (`teams.services.appoint` / `remove`, with the history and `committee_errors`) call this, to keep the
    field in step — as `set_secretary` for the 书记; the console and the API show it, never edit it."""
    require(actor, "change", org)
    org.committee.set(list(members))
    return org


@transaction.atomic
def record_election(org: PartyOrganisation, held_on: datetime.date, *, actor) -> PartyOrganisation:
    """换届: the election held on `held_on` starts a new term."""
    require(actor, "change", org)
    if held_on > local_today():
        raise Refused({"next_election_on": "换届日期：不能晚于今天"})
    org.next_election_on = add_years(held_on, org.term_years)
    org.save()
    require(actor, "change", org)
    return org


def due_for_election(queryset=None, *, today: datetime.date | None = None, days: int | None = None):
    """Organisations whose term ends within `days` (default: the 90-day rule), overdue ones included."""
    today = today or local_today()
    days = rules.rule("election_notice_days") if days is None else days
    qs = queryset if queryset is not None else PartyOrganisation.objects.all()
    return qs.filter(
        next_election_on__isnull=False, next_election_on__lte=today + datetime.timedelta(days=days)
    )


# --- coverage status ---
# The coverage rule (rules.md §Coverage, 中办发〔2012〕11号) is defined once, in the coverage engine
# (`xinye.coverage.engine.classify`). Its result for every enterprise is stored by the coverage app, which
# keeps it current by listening to `signals.enterprises_changed`; the ledger's lists read that stored status
# through the reverse relation `coverage`, so a list filtered by status shows exactly what the statistics count.
OWN_KINDS = tuple(sorted(OWN_ORGANISATION_KINDS))


def annotate_coverage_status(queryset):
    """Adds `coverage_status` (CoverageStatus value) to an Enterprise queryset, in the same query."""
    return queryset.annotate(
        coverage_status=Coalesce(F("coverage__status"), Value(CoverageStatus.BLANK.value))
    )


def coverage_status(enterprise: Enterprise) -> str:
    """单独组建 / 联合组建 / 工作覆盖 / 空白 (a CoverageStatus value) for one enterprise."""
    return annotate_coverage_status(Enterprise.objects.filter(pk=enterprise.pk)).values_list(
        "coverage_status", flat=True
    )[0]


def filter_by_status(queryset, status: str):
    """Filter enterprises by coverage status, given as a code (independent…) or its label (单独组建…)."""
    by_label = {str(label): value for value, label in CoverageStatus.choices}
    value = by_label.get(status, status)
    if value not in CoverageStatus.values:
        raise Refused(f"覆盖状态应为 {'、'.join(map(str, CoverageStatus.labels))} 之一")
    return annotate_coverage_status(queryset).filter(coverage_status=value)


# --- formation workflow (规范组建流程) ---

S = FormationState
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PROPOSAL: (S.APPLICATION, S.WITHDRAWN),
    S.APPLICATION: (S.SUPERIOR_APPROVED, S.REJECTED, S.WITHDRAWN),
    S.SUPERIOR_APPROVED: (S.MEMBERS_MEETING_ELECTED, S.WITHDRAWN),
    S.MEMBERS_MEETING_ELECTED: (S.ESTABLISHMENT_APPROVED, S.REJECTED, S.WITHDRAWN),
    S.ESTABLISHMENT_APPROVED: (S.REGISTERED,),
    S.REGISTERED: (),
    S.REJECTED: (),
    S.WITHDRAWN: (),
}
# Steps that are a superior's decision need the approve permission; the others need change.
APPROVAL_STEPS = {S.SUPERIOR_APPROVED, S.ESTABLISHMENT_APPROVED, S.REJECTED}


def allowed_transitions(case: FormationCase, user=None) -> list[str]:
    """Next states the case may move to (and, given a user, that this user may apply)."""
    nexts = list(TRANSITIONS.get(case.state, ()))
    if user is None:
        return nexts
    return [
        s for s in nexts if has_action(user, "approve" if s in APPROVAL_STEPS else "change", FormationCase)
    ]


def _full_members(enterprises) -> int:
    return PartyMember.objects.filter(enterprise__in=enterprises, is_full=True).count()


def _actor_name(actor) -> str:
    if is_system(actor):
        return f"系统（{actor.label}）"
    return getattr(actor, "display_name", "") or actor.get_username()


def organisation_errors(kind: str, enterprises) -> dict:
    """Which enterprises an organisation of `kind` may cover (field → Chinese message): at least one; several
    only for a 联合党支部 (2 to joint_branch_max_units, 支部工作条例) or a 网络党支部; all in one county."""
    errors = {}
    if kind not in ORG_KINDS:
        errors["kind"] = "组织类型：应为党委、党总支、党支部、联合党支部或网络（虚拟）党支部"
    if not enterprises:
        errors["enterprises"] = "覆盖企业：至少选择一家企业"
    elif kind == UnitKind.JOINT_BRANCH and len(enterprises) < 2:
        errors["enterprises"] = "覆盖企业：联合党支部应覆盖两家及以上企业"
    elif kind == UnitKind.JOINT_BRANCH and len(enterprises) > rules.joint_branch_max_units():
        errors["enterprises"] = with_citation(
            f"覆盖企业：联合党支部一般不超过 {rules.joint_branch_max_units()} 家企业",
            "ledger.joint_branch_units",
        )
    elif kind != UnitKind.JOINT_BRANCH and len(enterprises) > 1 and kind != UnitKind.ONLINE_BRANCH:
        errors["enterprises"] = "覆盖企业：多家企业联合组建请选择“联合党支部”"
    elif len({e.region_id for e in enterprises}) > 1:
        errors["enterprises"] = "覆盖企业：应为同一旗县区、地域相邻的企业"
    return errors


def formation_errors(enterprises, kind: str, date: datetime.date | None = None) -> dict:
    """Why these enterprises cannot start forming an organisation of `kind` (field → Chinese message): the
    organisation's own rules (`organisation_errors`), enough full members, no organisation of their own yet."""
    errors = organisation_errors(kind, enterprises)
    if not errors:
        need = rules.branch_min_full_members()
        full = _full_members(enterprises)
        taken = PartyOrganisation.objects.filter(enterprises__in=enterprises, unit__kind__in=OWN_KINDS)
        if full < need:
            errors["enterprises"] = with_citation(
                f"覆盖企业：正式党员合计 {full} 人，不足 {need} 人，暂不具备组建条件", "ledger.branch_size"
            )
        elif kind != UnitKind.JOINT_BRANCH and taken.exists():
            errors["enterprises"] = "覆盖企业：该企业已有本单位党组织"
    if date and date > local_today():
        errors["date"] = "日期：不能晚于今天"
    return errors


@transaction.atomic
def start_formation(
    *,
    actor,
    enterprises,
    kind: str = UnitKind.BRANCH,
    name: str = "",
    date: datetime.date | None = None,
    note: str = "",
    document=None,
) -> FormationCase:
    """Open a formation case at the proposal step. 支部工作条例 ch. 2: the covered enterprises need ≥ 3 full
    members together; an enterprise that already has its own organisation cannot form another."""
    enterprises = list(enterprises)
    for ent in enterprises:  # scope first: a rule's message must not describe what the actor cannot see
        require(actor, "view", ent)
    date = date or local_today()
    _raise(formation_errors(enterprises, kind, date))
    check_document(document)
    lead = enterprises[0]
    require(actor, "add", None, model=FormationCase, unit=lead.unit, industry=lead.industry)
    case = FormationCase.objects.create(
        name=(name or "").strip() or default_org_name(kind, enterprises),
        kind=kind,
        enterprise=lead,
        unit=lead.unit,
        region_id=lead.region_id,
        industry=lead.industry,
        state=S.PROPOSAL,
        state_changed_on=date,
        note=note,
        created_by=actor_user(actor),
    )
    case.enterprises.set(enterprises)
    FormationStep.objects.create(
        case=case,
        from_state="",
        to_state=S.PROPOSAL,
        date=date,
        actor=actor_user(actor),
        actor_name=_actor_name(actor),
        document=document or "",
        note=note,
    )
    require(actor, "add", case)
    return case


def check_document(document) -> None:
    """A step's document must be of an accepted kind and size (rules: document_extensions, document_max_bytes)."""
    if not document:
        return
    import os

    ext = os.path.splitext(getattr(document, "name", "") or "")[1].lower()
    allowed = rules.rule("document_extensions")
    if ext not in allowed:
        raise Refused({"document": f"文件：只接受 {'、'.join(allowed)} 格式"})
    limit = rules.rule("document_max_bytes")
    if (getattr(document, "size", 0) or 0) > limit:
        raise Refused({"document": f"文件：不能超过 {limit // (1024 * 1024)} MB"})


@transaction.atomic
def apply_formation_transition(
    case: FormationCase,
    to_state: str,
    *,
    actor,
    date: datetime.date | None = None,
    note: str = "",
    document=None,
    secretary_user=None,
) -> FormationCase:
    """Move a case one step along the transition table, recording date, actor, document and note.

    The final step (录入台账) creates the PartyOrganisation through `create_party_organisation`, founded on
    the date the superior approved its establishment."""
    case = FormationCase.objects.select_for_update().get(pk=case.pk)
    require(actor, "change", case)
    if to_state not in S.values:
        raise Refused({"state": f"环节：未知的环节“{to_state}”"})
    if to_state not in TRANSITIONS.get(case.state, ()):
        allowed = "、".join(str(S(s).label) for s in TRANSITIONS.get(case.state, ())) or "无（流程已结束）"
        raise Refused(
            {
                "state": f"环节：当前为“{case.get_state_display()}”，不能直接进入“{S(to_state).label}”；"
                f"可进入：{allowed}"
            }
        )
    if to_state in APPROVAL_STEPS and not has_action(actor, "approve", FormationCase):
        raise Refused({"state": "环节：此环节需要上级党组织审批权限"})
    date = date or local_today()
    if date > local_today():
        raise Refused({"date": "日期：不能晚于今天"})
    if case.state_changed_on and date < case.state_changed_on:
        raise Refused({"date": f"日期：不能早于上一环节日期 {case.state_changed_on:%Y-%m-%d}"})
    if to_state in (S.REJECTED, S.WITHDRAWN) and not note.strip():
        raise Refused({"note": "说明：不批准或撤回时须写明理由"})
    check_document(document)
    if to_state == S.REGISTERED:
        established = case.steps.filter(to_state=S.ESTABLISHMENT_APPROVED).order_by("-date").first()
        case.organisation = create_party_organisation(
            actor=actor,
            kind=case.kind,
            enterprises=[case.enterprise, *case.enterprises.exclude(pk=case.enterprise_id).order_by("pk")],
            name=case.name,
            founded_on=established.date if established else date,
            secretary_user=secretary_user,
        )
    FormationStep.objects.create(
        case=case,
        from_state=case.state,
        to_state=to_state,
        date=date,
        actor=actor_user(actor),
        actor_name=_actor_name(actor),
        document=document or "",
        note=note,
    )
    case.state = to_state
    case.state_changed_on = date
    case.save()
    require(actor, "change", case)
    if to_state == S.REGISTERED:
        signals.formation_completed.send(sender="ledger", case=case, actor=actor)
    return case


def clean_choice_alias(*, column: str, alias: str, value: str) -> dict[str, str]:
    """The faults of a city word for a survey-sheet choice (导入词语对照) as {field: reason}: the column must
    be a choice column, the value one of its choices, the word not empty."""
    errors = {}
    choices = ChoiceAlias.COLUMNS.get(column)
    if choices is None:
        errors["column"] = "不是可对照的选择列"
    elif value not in choices.values:
        labels = "、".join(f"{v}（{label}）" for v, label in choices.choices)
        errors["value"] = f"应为该列的选项之一：{labels}"
    if not (alias or "").strip():
        errors["alias"] = "不能为空"
    return errors

"""Ledger state changes: enterprises, practitioners, party members, party organisations, formation cases.

Every function runs in one transaction, checks the actor's scope when an actor is given (None = system:
CLI without --actor, demo, migrations) and refuses bad input with a Chinese ValidationError naming the field.
The change log is written by the audit signals on save.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When

from xinye.core.choices import Industry
from xinye.core.validators import clean_id_number, clean_mobile, clean_uscc, normalise
from xinye.ledger import rules
from xinye.ledger.choices import (
    PARTY_STATUSES,
    CoverageStatus,
    Education,
    EnterpriseType,
    FormationState,
    MembershipHeld,
    Occupation,
    PoliticalStatus,
)
from xinye.ledger.models import (
    Enterprise,
    FormationCase,
    FormationStep,
    PartyMember,
    PartyOrganisation,
    Practitioner,
)
from xinye.orgs.choices import ResponsibilityRole, UnitKind
from xinye.orgs.models import OrgUnit, Responsibility

JOINT_KINDS = (UnitKind.JOINT_BRANCH,)
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


def _check_new(actor, model, unit, industry: str = "", action: str = "add") -> None:
    from xinye.accounts.permissions import unit_in_scope

    if actor is None:
        return
    if unit is None or not unit_in_scope(actor, action, model, unit, industry):
        raise PermissionDenied("所选单位不在您的管辖范围内")


def _check_obj(actor, obj, action: str = "change") -> None:
    from xinye.accounts.permissions import in_scope

    if actor is None:
        return
    if not in_scope(actor, action, obj):
        raise PermissionDenied("对象不存在或不在您的管辖范围内")


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


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


def office_for(region, industry: str) -> OrgUnit | None:
    """The county 行业党建办 of `industry` in `region` (the main one where a county has area offices)."""
    return (
        OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE, region=region, industry=industry)
        .order_by("sort", "code")
        .first()
    )


def clean_enterprise(ent: Enterprise) -> None:
    """Normalise and validate an enterprise in place; fills the owning office. Raises ValidationError."""
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
                errors["uscc"] = f"统一社会信用代码：已被“{dup.name}”使用"
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
    if ent.latitude is not None and not (-90 <= ent.latitude <= 90):
        errors["latitude"] = "纬度：应在 -90 到 90 之间"
    if ent.longitude is not None and not (-180 <= ent.longitude <= 180):
        errors["longitude"] = "经度：应在 -180 到 180 之间"
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
            raise ValidationError({name: f"未知字段：{key}"})
        setattr(obj, key, value)


@transaction.atomic
def create_enterprise(*, actor=None, **fields) -> Enterprise:
    """Add an enterprise to the survey ledger; the owning 行业党建办 defaults to its county's office."""
    ent = Enterprise()
    _set(ent, fields, ENTERPRISE_FIELDS)
    clean_enterprise(ent)
    _check_new(actor, Enterprise, ent.unit, ent.industry)
    ent.save()
    return ent


@transaction.atomic
def update_enterprise(ent: Enterprise, *, actor=None, **fields) -> Enterprise:
    _check_obj(actor, ent)
    _set(ent, fields, ENTERPRISE_FIELDS)
    if "region" in fields or "region_id" in fields or "industry" in fields:
        if "unit" not in fields and "unit_id" not in fields:
            ent.unit = None
            ent.unit_id = None
    clean_enterprise(ent)
    _check_new(actor, Enterprise, ent.unit, ent.industry, action="change")
    ent.save()
    # Denormalised copies follow the enterprise (scope filters rely on them).
    Practitioner.objects.filter(enterprise=ent).exclude(
        unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry
    ).update(unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry)
    PartyMember.objects.filter(enterprise=ent).exclude(region_id=ent.region_id, industry=ent.industry).update(
        region_id=ent.region_id, industry=ent.industry
    )
    # Unorganised members sit at the enterprise's office: they follow it to the new one.
    PartyMember.objects.filter(enterprise=ent, unit__kind=UnitKind.INDUSTRY_OFFICE).exclude(
        unit=ent.unit
    ).update(unit=ent.unit)
    return ent


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
    birth date, unit/region/industry). Raises ValidationError naming the field. For bulk writers: the values
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


def _member_unit(enterprise: Enterprise) -> OrgUnit:
    """Where a member of `enterprise` belongs: the enterprise's organisation, else its 行业党建办."""
    org = (
        PartyOrganisation.objects.filter(enterprises=enterprise)
        .select_related("unit")
        .order_by("unit__kind", "pk")
        .first()
    )
    return org.unit if org is not None else enterprise.unit


def sync_party_status(p: Practitioner, *, actor=None) -> None:
    """政治面貌 and the party-member ledger say the same thing: a (probationary) member has a PartyMember row."""
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
        raise ValidationError(
            {
                "political_status": "政治面貌：该人员在党员台账中，请先办理党员减少（转出、除名等）再修改政治面貌"
            }
        )


@transaction.atomic
def create_practitioner(*, actor=None, enterprise: Enterprise, **fields) -> Practitioner:
    """Register a practitioner; gender and birth date come from the ID; a member gets a party-member row."""
    values = practitioner_row_values(enterprise=enterprise, **fields)
    _check_new(actor, Practitioner, enterprise.unit, enterprise.industry)
    if actor is not None:
        _check_obj(actor, enterprise, "view")
    dup = Practitioner.objects.filter(id_hash=values["id_hash"]).select_related("enterprise").first()
    if dup is not None:
        from xinye.accounts.permissions import in_scope

        if actor is None or in_scope(actor, "view", dup.enterprise):
            raise ValidationError({"id_number": f"公民身份号码：该人员已登记在“{dup.enterprise.name}”"})
        # Naming an enterprise outside the actor's scope would tell them where this person works.
        raise ValidationError({"id_number": "公民身份号码：该人员已登记在您管辖范围以外的单位"})
    p = Practitioner(**values)
    p.save()
    sync_party_status(p, actor=actor)
    return p


@transaction.atomic
def update_practitioner(p: Practitioner, *, actor=None, **fields) -> Practitioner:
    _check_obj(actor, p)
    current = {name: getattr(p, name) for name in PRACTITIONER_FIELDS}
    current.update(fields)
    enterprise = current.pop("enterprise")
    if enterprise.pk != p.enterprise_id:
        _check_new(actor, Practitioner, enterprise.unit, enterprise.industry, action="change")
    values = practitioner_row_values(enterprise=enterprise, **current)
    dup = Practitioner.objects.filter(id_hash=values["id_hash"]).exclude(pk=p.pk).first()
    if dup is not None:
        raise ValidationError({"id_number": "公民身份号码：与另一条登记重复"})
    for key, value in values.items():
        if key not in ("created_at", "updated_at"):
            setattr(p, key, value)
    p.save()
    sync_party_status(p, actor=actor)
    return p


# --- party members ---

MEMBER_FIELDS = ("is_full", "joined_on", "full_member_on", "membership_held", "home_organisation", "unit")


def clean_member(m: PartyMember) -> None:
    """Validate a member's party details (dates, age at joining, 流动党员's home organisation)."""
    errors = {}
    birth = m.practitioner.birth_date
    if m.joined_on and m.joined_on > local_today():
        errors["joined_on"] = "入党日期：不能晚于今天"
    if m.joined_on and birth and age_on(birth, m.joined_on) < rules.rule("min_join_age"):
        errors["joined_on"] = f"入党日期：入党时应年满 {rules.rule('min_join_age')} 周岁"
    if m.full_member_on and m.joined_on and m.full_member_on < m.joined_on:
        errors["full_member_on"] = "转正日期：不能早于入党日期"
    if m.full_member_on and not m.is_full:
        errors["full_member_on"] = "转正日期：预备党员不应有转正日期"
    if m.membership_held not in MembershipHeld.values:
        errors["membership_held"] = "组织关系：无效"
    if m.membership_held == MembershipHeld.ELSEWHERE and not (m.home_organisation or "").strip():
        errors["home_organisation"] = "组织关系所在党组织：流动党员须填写组织关系所在党组织"
    if m.unit_id and m.unit.kind not in (*ORG_KINDS, UnitKind.PARTY_GROUP, UnitKind.INDUSTRY_OFFICE):
        errors["unit"] = "所在党组织：应为党组织（或尚未组建时的行业党建办）"
    _raise(errors)


@transaction.atomic
def save_party_member(practitioner: Practitioner, *, actor=None, **fields) -> PartyMember:
    """Create or update the party details of a practitioner; keeps 政治面貌 in step (预备/正式党员)."""
    member = PartyMember.objects.filter(practitioner=practitioner).first()
    if member is None:
        _check_new(actor, PartyMember, practitioner.unit, practitioner.industry)
        member = PartyMember(
            practitioner=practitioner,
            enterprise=practitioner.enterprise,
            unit=_member_unit(practitioner.enterprise),
        )
    else:
        _check_obj(actor, member)
    _set(member, fields, MEMBER_FIELDS)
    member.region_id, member.industry = practitioner.region_id, practitioner.industry
    clean_member(member)
    member.save()
    status = PoliticalStatus.FULL if member.is_full else PoliticalStatus.PROBATIONARY
    if practitioner.political_status != status:
        practitioner.political_status = status
        practitioner.save(update_fields=["political_status", "updated_at"])
    return member


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
    actor=None,
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
    errors = {}
    if kind not in ORG_KINDS:
        errors["kind"] = "组织类型：应为党委、党总支、党支部、联合党支部或网络（虚拟）党支部"
    if not enterprises:
        errors["enterprises"] = "覆盖企业：至少选择一家企业"
    elif kind == UnitKind.JOINT_BRANCH:
        if len(enterprises) < 2:
            errors["enterprises"] = "覆盖企业：联合党支部应覆盖两家及以上企业"
        elif len(enterprises) > rules.joint_branch_max_units():
            errors["enterprises"] = f"覆盖企业：联合党支部一般不超过 {rules.joint_branch_max_units()} 家企业"
        elif len({e.region_id for e in enterprises}) > 1:
            errors["enterprises"] = "覆盖企业：联合党支部应由同一旗县区、地域相邻的企业组成"
    elif len(enterprises) > 1 and kind != UnitKind.ONLINE_BRANCH:
        errors["enterprises"] = "覆盖企业：多家企业联合组建请选择“联合党支部”"
    if founded_on and founded_on > local_today():
        errors["founded_on"] = "成立日期：不能晚于今天"
    _raise(errors)
    lead = enterprises[0]
    office = lead.unit
    _check_new(actor, PartyOrganisation, office, lead.industry)
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
    return org


@transaction.atomic
def set_secretary(org: PartyOrganisation, member: PartyMember | None, *, actor=None, user=None):
    """Appoint the 书记 (a full member of the organisation); optionally link the secretary's account."""
    _check_obj(actor, org)
    if member is not None:
        if member.unit_id != org.unit_id and not org.enterprises.filter(pk=member.enterprise_id).exists():
            raise ValidationError({"secretary": "书记：应为本组织的党员"})
        if not member.is_full:
            raise ValidationError({"secretary": "书记：应由正式党员担任"})
    org.secretary = member
    if user is not None:
        org.secretary_user = user
    org.save()
    return org


@transaction.atomic
def set_committee(org: PartyOrganisation, members, *, actor=None) -> PartyOrganisation:
    """支部工作条例: a branch with ≥ 7 full members elects a committee of 3–5 (≤ 7); below that a 书记 only."""
    _check_obj(actor, org)
    members = list(members)
    if members:
        full = PartyMember.objects.filter(unit=org.unit, is_full=True).count()
        need = rules.rule("committee_min_full_members")
        low, high = rules.rule("committee_size")
        if full < need:
            raise ValidationError(
                {"committee": f"委员：正式党员不足 {need} 人（现 {full} 人）的支部不设委员会，只设书记"}
            )
        if not low <= len(members) <= high:
            raise ValidationError({"committee": f"委员：支部委员会应为 {low}–{high} 人"})
        foreign = PartyMember.objects.filter(pk__in=[m.pk for m in members]).exclude(unit=org.unit).first()
        if foreign is not None:
            raise ValidationError({"committee": f"委员：{foreign} 不是本组织的党员"})
    org.committee.set(members)
    return org


@transaction.atomic
def record_election(org: PartyOrganisation, held_on: datetime.date, *, actor=None) -> PartyOrganisation:
    """换届: the election held on `held_on` starts a new term."""
    _check_obj(actor, org)
    if held_on > local_today():
        raise ValidationError({"next_election_on": "换届日期：不能晚于今天"})
    org.next_election_on = add_years(held_on, org.term_years)
    org.save()
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
# rules.md §Coverage (中办发〔2012〕11号), as the coverage engine (xinye.coverage.engine) defines it:
# 单独组建 = an organisation (党委/党总支/党支部/网络党支部) covering this enterprise and no other;
# 联合组建 = a 联合党支部 or any organisation covering several; 工作覆盖 = an active instructor or liaison;
# a 党小组 gives no organisation coverage; the strongest status wins.
OWN_KINDS = (UnitKind.PARTY_COMMITTEE, UnitKind.GENERAL_BRANCH, UnitKind.BRANCH, UnitKind.ONLINE_BRANCH)


def annotate_coverage_status(queryset):
    """Adds `coverage_status` (CoverageStatus value) to an Enterprise queryset, in one query."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    sized = PartyOrganisation.objects.annotate(n_covered=Count("enterprises", distinct=True))
    own = sized.filter(n_covered=1, unit__kind__in=OWN_KINDS).filter(enterprises=OuterRef("pk"))
    joint = sized.filter(Q(unit__kind__in=JOINT_KINDS) | Q(n_covered__gt=1, unit__kind__in=OWN_KINDS)).filter(
        enterprises=OuterRef("pk")
    )
    ct = ContentType.objects.get_for_model(Enterprise)
    work = Responsibility.objects.filter(
        content_type=ct,
        object_id=OuterRef("pk"),
        role__in=[ResponsibilityRole.INSTRUCTOR, ResponsibilityRole.LIAISON],
        agent__is_active=True,
    )
    return queryset.annotate(
        coverage_status=Case(
            When(Exists(own), then=Value(CoverageStatus.INDEPENDENT.value)),
            When(Exists(joint), then=Value(CoverageStatus.JOINT.value)),
            When(Exists(work), then=Value(CoverageStatus.WORK.value)),
            default=Value(CoverageStatus.BLANK.value),
        )
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
        raise ValueError(f"覆盖状态应为 {'、'.join(map(str, CoverageStatus.labels))} 之一")
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
    from xinye.accounts.permissions import has_action

    nexts = list(TRANSITIONS.get(case.state, ()))
    if user is None:
        return nexts
    return [
        s for s in nexts if has_action(user, "approve" if s in APPROVAL_STEPS else "change", FormationCase)
    ]


def _full_members(enterprises) -> int:
    return PartyMember.objects.filter(enterprise__in=enterprises, is_full=True).count()


def _actor_name(actor) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "display_name", "") or actor.get_username()


def formation_errors(enterprises, kind: str, date: datetime.date | None = None) -> dict:
    """Why these enterprises cannot start forming an organisation of `kind` (field → Chinese message)."""
    errors = {}
    if kind not in ORG_KINDS:
        errors["kind"] = "组织类型：应为党委、党总支、党支部、联合党支部或网络（虚拟）党支部"
    if not enterprises:
        errors["enterprises"] = "覆盖企业：至少选择一家企业"
    if errors:
        return errors
    if kind == UnitKind.JOINT_BRANCH and len(enterprises) < 2:
        errors["enterprises"] = "覆盖企业：联合党支部应覆盖两家及以上企业"
    elif kind == UnitKind.JOINT_BRANCH and len(enterprises) > rules.joint_branch_max_units():
        errors["enterprises"] = f"覆盖企业：联合党支部一般不超过 {rules.joint_branch_max_units()} 家企业"
    elif kind != UnitKind.JOINT_BRANCH and len(enterprises) > 1 and kind != UnitKind.ONLINE_BRANCH:
        errors["enterprises"] = "覆盖企业：多家企业联合组建请选择“联合党支部”"
    elif len({e.region_id for e in enterprises}) > 1:
        errors["enterprises"] = "覆盖企业：应为同一旗县区的企业"
    else:
        need = rules.branch_min_full_members()
        full = _full_members(enterprises)
        taken = PartyOrganisation.objects.filter(enterprises__in=enterprises, unit__kind__in=OWN_KINDS)
        if full < need:
            errors["enterprises"] = f"覆盖企业：正式党员合计 {full} 人，不足 {need} 人，暂不具备组建条件"
        elif kind != UnitKind.JOINT_BRANCH and taken.exists():
            errors["enterprises"] = "覆盖企业：该企业已有本单位党组织"
    if date and date > local_today():
        errors["date"] = "日期：不能晚于今天"
    return errors


@transaction.atomic
def start_formation(
    *,
    actor=None,
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
    date = date or local_today()
    _raise(formation_errors(enterprises, kind, date))
    check_document(document)
    lead = enterprises[0]
    _check_new(actor, FormationCase, lead.unit, lead.industry)
    for ent in enterprises:
        _check_obj(actor, ent, "view")
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
        created_by=actor,
    )
    case.enterprises.set(enterprises)
    FormationStep.objects.create(
        case=case,
        from_state="",
        to_state=S.PROPOSAL,
        date=date,
        actor=actor,
        actor_name=_actor_name(actor),
        document=document or "",
        note=note,
    )
    return case


def check_document(document) -> None:
    """A step's document must be of an accepted kind and size (rules: document_extensions, document_max_bytes)."""
    if not document:
        return
    import os

    ext = os.path.splitext(getattr(document, "name", "") or "")[1].lower()
    allowed = rules.rule("document_extensions")
    if ext not in allowed:
        raise ValidationError({"document": f"文件：只接受 {'、'.join(allowed)} 格式"})
    limit = rules.rule("document_max_bytes")
    if (getattr(document, "size", 0) or 0) > limit:
        raise ValidationError({"document": f"文件：不能超过 {limit // (1024 * 1024)} MB"})


@transaction.atomic
def apply_formation_transition(
    case: FormationCase,
    to_state: str,
    *,
    actor=None,
    date: datetime.date | None = None,
    note: str = "",
    document=None,
    secretary_user=None,
) -> FormationCase:
    """Move a case one step along the transition table, recording date, actor, document and note.

    The final step (录入台账) creates the PartyOrganisation through `create_party_organisation`, founded on
    the date the superior approved its establishment."""
    from xinye.accounts.permissions import has_action

    case = FormationCase.objects.select_for_update().get(pk=case.pk)
    _check_obj(actor, case)
    if to_state not in S.values:
        raise ValidationError({"state": f"环节：未知的环节“{to_state}”"})
    if to_state not in TRANSITIONS.get(case.state, ()):
        allowed = "、".join(str(S(s).label) for s in TRANSITIONS.get(case.state, ())) or "无（流程已结束）"
        raise ValidationError(
            {
                "state": f"环节：当前为“{case.get_state_display()}”，不能直接进入“{S(to_state).label}”；"
                f"可进入：{allowed}"
            }
        )
    if actor is not None and to_state in APPROVAL_STEPS and not has_action(actor, "approve", FormationCase):
        raise PermissionDenied("此环节需要上级党组织审批权限")
    date = date or local_today()
    if date > local_today():
        raise ValidationError({"date": "日期：不能晚于今天"})
    if case.state_changed_on and date < case.state_changed_on:
        raise ValidationError({"date": f"日期：不能早于上一环节日期 {case.state_changed_on:%Y-%m-%d}"})
    if to_state in (S.REJECTED, S.WITHDRAWN) and not note.strip():
        raise ValidationError({"note": "说明：不批准或撤回时须写明理由"})
    check_document(document)
    if to_state == S.REGISTERED:
        established = case.steps.filter(to_state=S.ESTABLISHMENT_APPROVED).order_by("-date").first()
        case.organisation = create_party_organisation(
            actor=None,  # the case is in the actor's scope (checked above); the organisation sits in it
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
        actor=actor,
        actor_name=_actor_name(actor),
        document=document or "",
        note=note,
    )
    case.state = to_state
    case.state_changed_on = date
    case.save()
    return case

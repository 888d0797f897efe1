"""Party organisations: create, update and delete, the 书记 and 委员, elections and terms."""

import datetime

from django.db import transaction

from xinye.accounts.permissions import require
from xinye.core.errors import Refused
from xinye.ledger import rules, signals
from xinye.ledger.models import (
    Enterprise,
    PartyMember,
    PartyOrganisation,
)
from xinye.ledger.services.common import ORG_KINDS, _raise, _set, add_years, local_today
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit
from xinye.rulebook.services import with_citation

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "committee_errors",
    "default_org_name",
    "due_for_election",
    "organisation_errors",
)


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


def _full_members(enterprises) -> int:
    return PartyMember.objects.filter(enterprise__in=enterprises, is_full=True).count()

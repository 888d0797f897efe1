"""Survey ledgers over the API: enterprises, practitioners, party members, organisations, formation cases.

Scoped like the console (restrict; out of scope = 404). Lists always show ID numbers and phones masked;
a detail shows them in clear only to roles with view_sensitive, and each such view is logged.
"""

import datetime

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.accounts.permissions import has_action, in_scope
from xinye.api.common import Days, Ref, get_scoped, require, scoped
from xinye.api.conditional import conditional, get_versioned
from xinye.api.lists import Endpoints
from xinye.audit.services import log_sensitive_access
from xinye.core.masking import mask
from xinye.ledger import services
from xinye.ledger.choices import CoverageStatus
from xinye.ledger.filters import (
    ENTERPRISE_FILTERS,
    FORMATION_FILTERS,
    MEMBER_FILTERS,
    ORGANISATION_FILTERS,
    PRACTITIONER_FILTERS,
)
from xinye.ledger.models import (
    Enterprise,
    FormationCase,
    PartyMember,
    PartyOrganisation,
    Practitioner,
)
from xinye.orgs.choices import ResponsibilityRole
from xinye.orgs.models import OrgUnit, Region

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "怎么建 · 摸排台账"


def _unmasked(request, model) -> bool:
    return has_action(request.user, "view_sensitive", model)


def _shown(obj, kind: str, value) -> str:
    """Clear text when the endpoint marked the object for an (already logged) unmasked view, else masked."""
    return (value or "") if getattr(obj, "_show_sensitive", False) else mask(kind, value)


def _reveal(request, model, obj, fields: list[str]):
    """Mark `obj` for unmasked display if the user has view_sensitive, and log that view."""
    if _unmasked(request, model) and in_scope(request.user, "view_sensitive", obj):
        obj._show_sensitive = True
        log_sensitive_access("view_sensitive", obj=obj, fields=fields, reason="API")
    return obj


def _date(value) -> str | None:
    return value.isoformat() if value else None


# --- enterprises ---


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str | None
    industry: str
    industry_label: str
    enterprise_type: str
    region: str
    region_name: str
    unit: int
    unit_name: str
    address: str
    latitude: float | None
    longitude: float | None
    coord_source: str
    staff_count: int
    legal_representative: str
    contact_name: str
    contact_phone: str
    in_survey_scope: bool
    is_active: bool
    status: str
    status_label: str

    @staticmethod
    def resolve_industry_label(obj):
        return str(obj.get_industry_display())

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_contact_phone(obj):
        return _shown(obj, "phone", obj.contact_phone)

    @staticmethod
    def resolve_status(obj):
        return getattr(obj, "coverage_status", None) or services.coverage_status(obj)

    @staticmethod
    def resolve_status_label(obj):
        return str(
            CoverageStatus(getattr(obj, "coverage_status", None) or services.coverage_status(obj)).label
        )


class OwnerOut(Schema):
    role: str
    role_label: str
    holders: list[str]


class LedgerOrgRef(Schema):
    id: int
    name: str
    kind: str


class EnterpriseDetail(EnterpriseOut):
    owners: list[OwnerOut]
    practitioners: int
    party_members: int
    full_members: int
    organisations: list[LedgerOrgRef]

    @staticmethod
    def resolve_owners(obj):
        from xinye.orgs.services import owners_of

        return [
            {
                "role": role,
                "role_label": str(ResponsibilityRole(role).label),
                "holders": [h.holder_name for h in hs],
            }
            for role, hs in owners_of(obj).items()
        ]

    @staticmethod
    def resolve_practitioners(obj):
        return obj.practitioners.count()

    @staticmethod
    def resolve_party_members(obj):
        return obj.members.count()

    @staticmethod
    def resolve_full_members(obj):
        return obj.members.filter(is_full=True).count()

    @staticmethod
    def resolve_organisations(obj):
        return [
            {"id": o.pk, "name": o.unit.name, "kind": o.unit.kind}
            for o in obj.party_organisations.select_related("unit")
        ]


class EnterpriseIn(Schema):
    name: str
    uscc: str | None = None
    industry: str
    enterprise_type: str = "site"
    region: str
    unit: int | None = None
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    coord_source: str = "wgs84"
    staff_count: int = 0
    legal_representative: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    in_survey_scope: bool = True
    is_active: bool = True


class EnterprisePatch(Schema):
    name: str | None = None
    uscc: str | None = None
    industry: str | None = None
    enterprise_type: str | None = None
    region: str | None = None
    unit: int | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    coord_source: str | None = None
    staff_count: int | None = None
    legal_representative: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    in_survey_scope: bool | None = None
    is_active: bool | None = None


def _enterprise_fields(request, data: dict) -> dict:
    fields = dict(data)
    if "region" in fields:
        fields["region"] = get_object_or_404(Region, code=fields["region"])
    if "unit" in fields:
        fields["unit"] = (
            get_scoped(request, OrgUnit.objects.all(), "view", pk=fields["unit"]) if fields["unit"] else None
        )
    return fields


def _enterprise_qs(request, action="view"):
    return services.annotate_coverage_status(
        scoped(request, Enterprise.objects.select_related("region", "unit"), action)
    )


def enterprise_detail(request, ent: Enterprise) -> Enterprise:
    if ent.contact_phone:
        _reveal(request, Enterprise, ent, ["联系电话"])
    return ent


def _enterprises():
    return services.annotate_coverage_status(Enterprise.objects.select_related("region", "unit"))


endpoints.list(
    "/enterprises",
    "list_enterprises",
    _enterprises,
    EnterpriseOut,
    filters=ENTERPRISE_FILTERS,
    ordering=("region_id", "industry", "name", "pk"),
    summary="新业态企业台账",
    description="""Filters: `region` (county code), `industry`, `status` (覆盖状态: independent/joint/work/blank or
    单独组建/联合组建/工作覆盖/空白), `enterprise_type`, `unit` (行业党建办 id), `agent` (the enterprises an
    instructor or liaison is assigned to), `q` (name, credit code, or a whole contact phone — logged and
    rate-limited, see ledger.search).""",
)
endpoints.search(
    "/enterprises/search",
    "search_enterprises",
    _enterprises,
    EnterpriseOut,
    filters=ENTERPRISE_FILTERS,
    ordering=("region_id", "industry", "name", "pk"),
    summary="新业态企业台账（POST 查询）",
    description="""`GET /enterprises` with the filters as a JSON body instead of the query string, for a search by a
    whole contact phone: the number stays out of URLs and access logs. Same scope, answer and pagination.""",
)
endpoints.detail(
    "/enterprises/{int:enterprise_id}",
    "get_enterprise",
    _enterprises,
    EnterpriseDetail,
    then=enterprise_detail,
    summary="企业详情（含责任矩阵）",
)


@router.post("/enterprises", response={201: EnterpriseDetail}, summary="新增企业")
def create_enterprise(request, payload: EnterpriseIn):
    require(request, "add", Enterprise)
    ent = services.create_enterprise(actor=request.user, **_enterprise_fields(request, payload.dict()))
    return Status(201, enterprise_detail(request, _enterprise_qs(request).get(pk=ent.pk)))


@router.patch("/enterprises/{int:enterprise_id}", response=EnterpriseDetail, summary="修改企业")
@conditional()
def update_enterprise(request, enterprise_id: int, payload: EnterprisePatch):
    ent = get_versioned(request, Enterprise.objects.all(), "change", pk=enterprise_id)  # If-Match: 412
    services.update_enterprise(
        ent, actor=request.user, **_enterprise_fields(request, payload.dict(exclude_unset=True))
    )
    return enterprise_detail(request, _enterprise_qs(request).get(pk=ent.pk))


# --- practitioners ---


class PractitionerOut(Schema):
    id: int
    name: str
    id_number: str
    phone: str
    gender: str
    birth_date: str | None
    ethnicity: str
    education: str
    occupation: str
    occupation_label: str
    political_status: str
    political_status_label: str
    enterprise: int
    enterprise_name: str
    region: str
    industry: str

    @staticmethod
    def resolve_id_number(obj):
        return _shown(obj, "id_number", obj.id_number)

    @staticmethod
    def resolve_phone(obj):
        return _shown(obj, "phone", obj.phone)

    @staticmethod
    def resolve_birth_date(obj):
        # Beside the masked ID a full birth date gives the masked digits back: its year only, unless revealed.
        if getattr(obj, "_show_sensitive", False):
            return _date(obj.birth_date)
        return mask("birth_date", obj.birth_date) or None

    @staticmethod
    def resolve_occupation_label(obj):
        return str(obj.get_occupation_display())

    @staticmethod
    def resolve_political_status_label(obj):
        return str(obj.get_political_status_display())

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class PractitionerIn(Schema):
    name: str
    id_number: str
    phone: str = ""
    enterprise: int
    ethnicity: str = ""
    education: str = ""
    occupation: str = "other"
    political_status: str = "masses"


class PractitionerPatch(Schema):
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    enterprise: int | None = None
    ethnicity: str | None = None
    education: str | None = None
    occupation: str | None = None
    political_status: str | None = None


def practitioner_detail(request, p: Practitioner) -> Practitioner:
    return _reveal(request, Practitioner, p, ["公民身份号码", "手机号", "出生日期"])


_practitioners = Practitioner.objects.select_related("enterprise")

endpoints.list(
    "/practitioners",
    "list_practitioners",
    _practitioners,
    PractitionerOut,
    filters=PRACTITIONER_FILTERS,
    ordering=("enterprise_id", "name", "pk"),
    summary="从业人员台账",
    description="""Filters: `region`, `industry`, `status` (政治面貌: masses, league, …, full), `enterprise`, `occupation`,
    `q` (a name, or a whole ID number / phone found through its keyed hash: logged, rate-limited, never
    partial digits — see ledger.search).""",
)
endpoints.search(
    "/practitioners/search",
    "search_practitioners",
    _practitioners,
    PractitionerOut,
    filters=PRACTITIONER_FILTERS,
    ordering=("enterprise_id", "name", "pk"),
    summary="从业人员台账（POST 查询）",
    description="""`GET /practitioners` with the filters as a JSON body instead of the query string, for a search by
    a whole ID number or phone (`{"q": "…"}`): the number stays out of URLs and access logs. Same scope,
    answer and pagination.""",
)
endpoints.detail(
    "/practitioners/{int:practitioner_id}",
    "get_practitioner",
    _practitioners,
    PractitionerOut,
    then=practitioner_detail,
    summary="从业人员详情",
)


@router.post("/practitioners", response={201: PractitionerOut}, summary="新增从业人员")
def create_practitioner(request, payload: PractitionerIn):
    require(request, "add", Practitioner)
    data = payload.dict()
    enterprise = get_scoped(request, Enterprise.objects.all(), pk=data.pop("enterprise"))
    p = services.create_practitioner(actor=request.user, enterprise=enterprise, **data)
    return Status(201, practitioner_detail(request, p))


@router.patch("/practitioners/{int:practitioner_id}", response=PractitionerOut, summary="修改从业人员")
@conditional()
def update_practitioner(request, practitioner_id: int, payload: PractitionerPatch):
    p = get_versioned(request, Practitioner.objects.all(), "change", pk=practitioner_id)  # If-Match: 412
    data = payload.dict(exclude_unset=True)
    if data.get("enterprise") is not None:
        data["enterprise"] = get_scoped(request, Enterprise.objects.all(), pk=data["enterprise"])
    else:
        data.pop("enterprise", None)
    services.update_practitioner(p, actor=request.user, **data)
    return practitioner_detail(request, Practitioner.objects.select_related("enterprise").get(pk=p.pk))


# --- party members ---


class PartyMemberOut(Schema):
    id: int
    practitioner: int
    name: str
    id_number: str
    enterprise: int
    enterprise_name: str
    unit: int
    unit_name: str
    region: str
    industry: str
    is_full: bool
    joined_on: str | None
    full_member_on: str | None
    membership_held: str
    home_organisation: str

    @staticmethod
    def resolve_practitioner(obj):
        return obj.practitioner_id

    @staticmethod
    def resolve_name(obj):
        return obj.practitioner.name

    @staticmethod
    def resolve_id_number(obj):
        return _shown(obj, "id_number", obj.practitioner.id_number)

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_joined_on(obj):
        return _date(obj.joined_on)

    @staticmethod
    def resolve_full_member_on(obj):
        return _date(obj.full_member_on)


_members = PartyMember.objects.select_related("practitioner", "enterprise", "unit")


def _member_detail(request, m: PartyMember) -> PartyMember:
    return _reveal(request, PartyMember, m, ["公民身份号码"])


endpoints.list(
    "/party-members",
    "list_party_members",
    _members,
    PartyMemberOut,
    filters=MEMBER_FILTERS,
    ordering=("unit_id", "pk"),
    summary="党员台账",
    description="""Filters: `region`, `industry`, `status` (full 正式党员 / probationary 预备党员), `enterprise`, `unit`
    (党组织), `membership_held` (here / elsewhere 流动党员 / none).""",
)
endpoints.detail(
    "/party-members/{int:member_id}",
    "get_party_member",
    _members,
    PartyMemberOut,
    then=_member_detail,
    summary="党员详情",
)


# --- party organisations ---


class OrganisationOut(Schema):
    id: int
    unit: int
    name: str
    kind: str
    kind_label: str
    region: str
    industry: str
    enterprises: list[int]
    secretary: Ref | None
    founded_on: str | None
    term_years: int
    next_election_on: str | None
    is_online: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id

    @staticmethod
    def resolve_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_kind(obj):
        return obj.unit.kind

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.unit.get_kind_display())

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_enterprises(obj):
        return [e.pk for e in obj.enterprises.all()]

    @staticmethod
    def resolve_secretary(obj):
        s = obj.secretary
        return {"id": s.pk, "name": s.practitioner.name} if s else None

    @staticmethod
    def resolve_founded_on(obj):
        return _date(obj.founded_on)

    @staticmethod
    def resolve_next_election_on(obj):
        return _date(obj.next_election_on)


class OrganisationDue(OrganisationOut):
    days_left: int

    @staticmethod
    def resolve_days_left(obj):
        return (obj.next_election_on - services.local_today()).days


class OrganisationDetail(OrganisationOut):
    committee: list[Ref]
    members: int
    full_members: int

    @staticmethod
    def resolve_committee(obj):
        return [
            {"id": m.pk, "name": m.practitioner.name} for m in obj.committee.select_related("practitioner")
        ]

    @staticmethod
    def resolve_members(obj):
        return PartyMember.objects.filter(unit=obj.unit).count()

    @staticmethod
    def resolve_full_members(obj):
        return PartyMember.objects.filter(unit=obj.unit, is_full=True).count()


_organisations = PartyOrganisation.objects.select_related("unit", "secretary__practitioner").prefetch_related(
    "enterprises"
)


def _orgs_qs(request):
    return scoped(request, _organisations)


endpoints.list(
    "/organisations",
    "list_organisations",
    _organisations,
    OrganisationOut,
    filters=ORGANISATION_FILTERS,
    ordering=("unit__path",),
    summary="党组织台账",
    description="""Filters: `region`, `industry`, `kind` (party_committee, general_branch, branch, joint_branch,
    online_branch), `status` (due 90 天内应换届 / current), `enterprise`.""",
)


@router.get(
    "/organisations/due-for-election", response=list[OrganisationDue], summary="换届提醒（90 天内到期）"
)
@paginate(LimitOffsetPagination)
def organisations_due(
    request, days: Days | None = None, region: str | None = None, industry: str | None = None
):
    qs = services.due_for_election(_orgs_qs(request), days=days)
    if region:
        qs = qs.filter(region_id=region)
    if industry:
        qs = qs.filter(industry=industry)
    return qs.order_by("next_election_on", "pk")


endpoints.detail(
    "/organisations/{int:org_id}",
    "get_organisation",
    _organisations,
    OrganisationDetail,
    summary="党组织详情",
)


# --- formation workflow ---


class LedgerStepOut(Schema):
    id: int
    from_state: str
    to_state: str
    to_state_label: str
    date: str
    actor: str
    document: str
    note: str

    @staticmethod
    def resolve_to_state_label(obj):
        return str(obj.get_to_state_display())

    @staticmethod
    def resolve_date(obj):
        return obj.date.isoformat()

    @staticmethod
    def resolve_actor(obj):
        return obj.actor_name

    @staticmethod
    def resolve_document(obj):
        return obj.document.name or ""


class FormationOut(Schema):
    id: int
    name: str
    kind: str
    state: str
    state_label: str
    state_changed_on: str | None
    enterprise: int
    enterprises: list[int]
    region: str
    industry: str
    organisation: int | None
    note: str

    @staticmethod
    def resolve_state_label(obj):
        return str(obj.get_state_display())

    @staticmethod
    def resolve_state_changed_on(obj):
        return _date(obj.state_changed_on)

    @staticmethod
    def resolve_enterprise(obj):
        return obj.enterprise_id

    @staticmethod
    def resolve_enterprises(obj):
        return [e.pk for e in obj.enterprises.all()]

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation_id


class FormationDetail(FormationOut):
    steps: list[LedgerStepOut]
    next_states: list[str]

    @staticmethod
    def resolve_steps(obj):
        return list(obj.steps.order_by("date", "pk"))

    @staticmethod
    def resolve_next_states(obj):
        return getattr(obj, "_next_states", [])


class FormationIn(Schema):
    enterprises: list[int]
    kind: str = "branch"
    name: str = ""
    date: datetime.date | None = None
    note: str = ""


class TransitionIn(Schema):
    to_state: str
    date: datetime.date | None = None
    note: str = ""


def formation_detail(request, case: FormationCase) -> FormationCase:
    case._next_states = services.allowed_transitions(case, request.user)
    return case


endpoints.list(
    "/formation-cases",
    "list_formation_cases",
    FormationCase.objects.prefetch_related("enterprises"),
    FormationOut,
    filters=FORMATION_FILTERS,
    ordering=("-created_at", "-pk"),
    summary="规范组建流程",
    description="""Filters: `region`, `industry`, `status` (the current step: proposal, application, superior_approved,
    members_meeting_elected, establishment_approved, registered, rejected, withdrawn).""",
)
endpoints.detail(
    "/formation-cases/{int:case_id}",
    "get_formation_case",
    FormationCase.objects.all(),
    FormationDetail,
    then=formation_detail,
    summary="组建流程详情",
)


@router.post("/formation-cases", response={201: FormationDetail}, summary="提出组建建议")
def create_formation_case(request, payload: FormationIn):
    require(request, "add", FormationCase)
    enterprises = [get_scoped(request, Enterprise.objects.all(), pk=pk) for pk in payload.enterprises]
    case = services.start_formation(
        actor=request.user,
        enterprises=enterprises,
        kind=payload.kind,
        name=payload.name,
        date=payload.date,
        note=payload.note,
    )
    return Status(201, formation_detail(request, case))


@router.post("/formation-cases/{int:case_id}/transitions", response=FormationDetail, summary="办理下一环节")
def apply_transition(request, case_id: int, payload: TransitionIn):
    case = get_scoped(request, FormationCase.objects.all(), "change", pk=case_id)
    case = services.apply_formation_transition(
        case, payload.to_state, actor=request.user, date=payload.date, note=payload.note
    )
    return formation_detail(request, case)


@router.post(
    "/formation-cases/{int:case_id}/transitions/upload",
    response=FormationDetail,
    summary="办理下一环节（附文件：批复、会议记录等）",
)
def apply_transition_with_document(
    request,
    case_id: int,
    to_state: Form[str],
    date: Form[datetime.date | None] = None,
    note: Form[str] = "",
    document: File[UploadedFile] = None,
):
    case = get_scoped(request, FormationCase.objects.all(), "change", pk=case_id)
    case = services.apply_formation_transition(
        case, to_state, actor=request.user, date=date, note=note, document=document
    )
    return formation_detail(request, case)

"""API for member development, transfers and 流动党员, dues and learning. Same scope as the console:
every list starts from `restrict`, anything outside scope is 404."""

import datetime
from decimal import Decimal

from django.db.models import Q
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.api.common import Months, Year, decimal_of, get_scoped, require, scoped
from xinye.api.lists import Endpoints
from xinye.core.errors import Refused
from xinye.core.masking import mask
from xinye.core.uploads import check_csv_upload
from xinye.ledger.models import PartyMember, Practitioner
from xinye.members import services
from xinye.members.choices import CourseKind, Direction, DuesBasis
from xinye.members.filters import (
    CASE_FILTERS,
    COURSE_FILTERS,
    DECLARATION_FILTERS,
    FLOWING_FILTERS,
    PAYMENT_FILTERS,
    STUDY_FILTERS,
    TRANSFER_FILTERS,
)
from xinye.members.importers import import_study_csv
from xinye.members.models import (
    Course,
    DevelopmentCase,
    DevelopmentStep,
    DuesBand,
    DuesPayment,
    FlowingMember,
    IncomeDeclaration,
    StepInterval,
    StudyRecord,
    TransferLetter,
)
from xinye.orgs.models import OrgUnit

# Decimal inputs bounded as their column stores them (issue 18 item 10: more digits were stored, then every
# read of the list failed)
INCOME_DECLARATION_NET_INCOME = decimal_of(IncomeDeclaration, "net_income")
DUES_PAYMENT_AMOUNT = decimal_of(DuesPayment, "amount")
COURSE_HOURS = decimal_of(Course, "hours")
STUDY_RECORD_HOURS = decimal_of(StudyRecord, "hours")

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "党员队伍：发展党员、组织关系、党费与学习"


# --- schemas ---


class MembersStepOut(Schema):
    number: int
    stage: int
    stage_name: str
    name: str
    actors: str
    documents: str
    source: str


class IntervalOut(Schema):
    from_step: int
    to_step: int
    min_days: int
    max_days: int | None
    rule: str
    source: str

    @staticmethod
    def resolve_from_step(obj):
        return obj.from_step.number

    @staticmethod
    def resolve_to_step(obj):
        return obj.to_step.number


class RecordOut(Schema):
    id: int
    step: int
    step_name: str
    date: datetime.date
    actors: list[str]
    documents: list[str]
    note: str
    late_reason: str

    @staticmethod
    def resolve_step(obj):
        return obj.step.number

    @staticmethod
    def resolve_step_name(obj):
        return obj.step.name

    @staticmethod
    def resolve_actors(obj):
        return [m.practitioner.name for m in obj.actors.all()]

    @staticmethod
    def resolve_documents(obj):
        return [d.title for d in obj.documents.all()]


class CaseOut(Schema):
    id: int
    practitioner_id: int
    name: str
    unit_id: int
    unit: str
    current_step: int
    current_step_name: str
    current_step_on: datetime.date | None
    stage: int
    status: str
    status_label: str

    @staticmethod
    def resolve_name(obj):
        return obj.practitioner.name

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_current_step_name(obj):
        return STEP_NAMES().get(obj.current_step, "")

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class NextOut(Schema):
    step: int | None
    name: str | None
    earliest: datetime.date | None
    latest: datetime.date | None
    notes: list[str]


class CaseDetail(CaseOut):
    records: list[RecordOut]
    next: NextOut
    probation_end: datetime.date | None
    probation_extended_months: int

    @staticmethod
    def resolve_records(obj):
        return obj.records.select_related("step").prefetch_related("actors__practitioner", "documents")

    @staticmethod
    def resolve_next(obj):
        info = services.next_step(obj)
        return {
            "step": info.step.number if info.step else None,
            "name": info.step.name if info.step else None,
            "earliest": info.earliest,
            "latest": info.latest,
            "notes": info.reasons,
        }

    @staticmethod
    def resolve_probation_end(obj):
        return services.probation_end(obj)


def STEP_NAMES():  # noqa: N802 - tiny cached lookup
    if not hasattr(STEP_NAMES, "cache"):
        STEP_NAMES.cache = dict(DevelopmentStep.objects.values_list("number", "name"))
    return STEP_NAMES.cache


class CaseIn(Schema):
    practitioner_id: int
    unit_id: int
    applied_on: datetime.date
    note: str = ""


class StepIn(Schema):
    step: int
    date: datetime.date
    actor_ids: list[int] = []
    note: str = ""
    late_reason: str = ""
    documents: list[str] = []


class ExtendIn(Schema):
    months: Months
    decided_on: datetime.date
    reason: str


class MembersCloseIn(Schema):
    date: datetime.date
    reason: str


class PipelineRow(Schema):
    unit_id: int
    unit: str
    region: str | None
    applicants: int
    activists: int
    candidates: int
    probationary: int
    admitted_this_year: int
    converted_this_year: int


class PipelineTotals(Schema):
    applicants: int
    activists: int
    candidates: int
    probationary: int
    admitted_this_year: int
    converted_this_year: int


class PipelineOut(Schema):
    year: int
    rows: list[PipelineRow]
    totals: PipelineTotals


class TransferOut(Schema):
    id: int
    direction: str
    direction_label: str
    letter_no: str
    member_id: int | None
    member_name: str
    unit_id: int
    unit: str
    other_organisation: str
    other_region: str
    cross_province: bool
    issued_on: datetime.date
    valid_until: datetime.date
    status: str
    status_label: str
    expired: bool
    receipt_on: datetime.date | None

    @staticmethod
    def resolve_direction_label(obj):
        return obj.get_direction_display()

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_expired(obj):
        return obj.is_expired(services.today()) or obj.status == "expired"


class TransferIn(Schema):
    direction: str
    unit_id: int
    other_organisation: str
    issued_on: datetime.date
    member_id: int | None = None
    member_name: str = ""
    other_region: str = ""
    cross_province: bool | None = None
    letter_no: str = ""
    note: str = ""


class ReceiptIn(Schema):
    received_on: datetime.date


class FlowingOut(Schema):
    id: int
    member_id: int
    name: str
    unit_id: int
    unit: str
    home_organisation: str
    home_region: str
    home_contact: str
    home_contact_phone: str
    registered_on: datetime.date
    period_until: datetime.date | None
    status: str

    @staticmethod
    def resolve_name(obj):
        return obj.member.practitioner.name

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_home_contact_phone(obj):
        return mask("phone", obj.home_contact_phone)


class FlowingIn(Schema):
    practitioner_id: int
    unit_id: int
    home_organisation: str
    home_region: str
    registered_on: datetime.date
    home_contact: str = ""
    home_contact_phone: str = ""
    certificate_no: str = ""
    period_until: datetime.date | None = None
    joined_on: datetime.date | None = None
    note: str = ""


class BandOut(Schema):
    lower: Decimal
    upper: Decimal | None
    rate: Decimal
    source: str


class DeclarationOut(Schema):
    id: int
    member_id: int
    month: datetime.date
    basis: str
    net_income: Decimal


class DeclarationIn(Schema):
    member_id: int
    month: datetime.date
    net_income: INCOME_DECLARATION_NET_INCOME
    basis: str = DuesBasis.WAGE


class PaymentOut(Schema):
    id: int
    member_id: int
    name: str
    unit_id: int
    month_from: datetime.date
    month_to: datetime.date
    amount: Decimal
    paid_on: datetime.date

    @staticmethod
    def resolve_name(obj):
        return obj.member.practitioner.name


class PaymentIn(Schema):
    member_id: int
    month_from: datetime.date
    month_to: datetime.date
    amount: DUES_PAYMENT_AMOUNT
    paid_on: datetime.date
    note: str = ""


class DuesOut(Schema):
    member_id: int
    month: datetime.date
    basis: str
    base: Decimal | None
    amount: Decimal
    unpaid_months: list[str]
    arrears_months: int


class ArrearsOut(Schema):
    member_id: int
    name: str
    unit: str
    unpaid_months: list[str]
    unpaid_count: int
    consecutive: int


class CourseOut(Schema):
    id: int
    title: str
    mode: str
    kind: str
    hours: Decimal
    unit_id: int
    held_on: datetime.date | None
    provider: str


class CourseIn(Schema):
    title: str
    unit_id: int
    kind: str = CourseKind.THEORY
    mode: str = "offline"
    hours: COURSE_HOURS = Decimal("1")
    held_on: datetime.date | None = None
    provider: str = ""


class StudyOut(Schema):
    id: int
    practitioner_id: int
    name: str
    unit_id: int
    course_id: int | None
    kind: str
    title: str
    date: datetime.date
    hours: Decimal
    points: int | None
    source: str
    platform: str

    @staticmethod
    def resolve_name(obj):
        return obj.practitioner.name


class StudyIn(Schema):
    practitioner_id: int
    date: datetime.date
    course_id: int | None = None
    title: str = ""
    kind: str | None = None
    hours: STUDY_RECORD_HOURS | None = None
    points: int | None = None


class HoursOut(Schema):
    id: int | None
    name: str
    unit: str
    hours: Decimal
    points: int
    records: int


class ImportOut(Schema):
    rows: int
    created: int
    duplicates: int
    valid: int
    committed: bool
    errors: list[str]


# --- reference rules ---


@router.get("/members/development-steps", response=list[MembersStepOut], summary="发展党员25个步骤")
def list_steps(request):
    return DevelopmentStep.objects.all()


@router.get("/members/step-intervals", response=list[IntervalOut], summary="步骤间隔规则")
def list_intervals(request):
    return StepInterval.objects.select_related("from_step", "to_step")


@router.get("/members/dues-bands", response=list[BandOut], summary="党费比例表")
def list_bands(request):
    return DuesBand.objects.all()


# --- development ---


_cases = DevelopmentCase.objects.select_related("practitioner", "unit")
_transfers = TransferLetter.objects.select_related("unit")
_flowing = FlowingMember.objects.select_related("member__practitioner", "unit")
_payments = DuesPayment.objects.select_related("member__practitioner")
_study = StudyRecord.objects.select_related("practitioner")
_people = Practitioner.objects.all()
_members = PartyMember.objects.all()
_units = OrgUnit.objects.all()


endpoints.list(
    "/members/development-cases", "list_cases", _cases, CaseOut, filters=CASE_FILTERS, summary="发展党员档案"
)
endpoints.detail(
    "/members/development-cases/{pk}",
    "get_case",
    _cases,
    CaseDetail,
    summary="发展党员档案详情（含下一步最早日期）",
)


@router.post("/members/development-cases", response={201: CaseDetail}, summary="递交入党申请（第1步）")
def create_case(request, payload: CaseIn):
    require(request, "add", DevelopmentCase)
    person = get_scoped(request, Practitioner.objects.all(), pk=payload.practitioner_id)
    unit = get_scoped(request, OrgUnit.objects.all(), pk=payload.unit_id)
    case = services.open_case(person, unit, payload.applied_on, actor=request.user, note=payload.note)
    return Status(201, case)


@router.post("/members/development-cases/{pk}/steps", response={201: CaseDetail}, summary="记录发展步骤")
def add_step(request, pk: int, payload: StepIn):
    case = get_scoped(request, _cases, "change", pk=pk)
    actors = list(scoped(request, PartyMember.objects.all()).filter(pk__in=payload.actor_ids))
    if len(actors) != len(set(payload.actor_ids)):
        raise Refused({"actor_ids": "所选党员不存在或不在您的管辖范围内"})
    services.record_step(
        case,
        payload.step,
        payload.date,
        actors=actors,
        documents=[(t, None) for t in payload.documents],
        actor=request.user,
        note=payload.note,
        late_reason=payload.late_reason,
    )
    case.refresh_from_db()
    return Status(201, case)


@router.post("/members/development-cases/{pk}/extend-probation", response=CaseDetail, summary="延长预备期")
def extend(request, pk: int, payload: ExtendIn):
    case = get_scoped(request, _cases, "change", pk=pk)
    return services.extend_probation(
        case, payload.months, payload.decided_on, actor=request.user, reason=payload.reason
    )


@router.post(
    "/members/development-cases/{pk}/close", response=CaseDetail, summary="终止培养/取消预备党员资格"
)
def close(request, pk: int, payload: MembersCloseIn):
    case = get_scoped(request, _cases, "change", pk=pk)
    return services.close_case(case, payload.date, payload.reason, actor=request.user)


def _unit_filter(request, qs, unit: int | None, region: str | None, unit_field: str = "unit"):
    if unit:
        root = get_scoped(request, OrgUnit.objects.all(), pk=unit)
        qs = qs.filter(**{f"{unit_field}__path__startswith": root.path})
    if region:
        qs = qs.filter(
            Q(**{f"{unit_field}__region_id": region}) | Q(**{f"{unit_field}__region__parent_id": region})
        )
    return qs


@router.get("/members/pipeline", response=PipelineOut, summary="发展党员梯队（常态化发展党员）")
def pipeline(request, unit: int | None = None, region: str | None = None, year: Year | None = None):
    require(request, "view", DevelopmentCase)
    cases = _unit_filter(request, scoped(request, DevelopmentCase.objects.all()), unit, region)
    members = _unit_filter(request, scoped(request, PartyMember.objects.all()), unit, region)
    return services.pipeline(cases, members, year=year)


# --- transfers and 流动党员 ---


endpoints.list(
    "/members/transfers",
    "list_transfers",
    _transfers,
    TransferOut,
    filters=TRANSFER_FILTERS,
    summary="组织关系介绍信",
)
endpoints.detail("/members/transfers/{pk}", "get_transfer", _transfers, TransferOut, summary="介绍信详情")


@router.post("/members/transfers", response={201: TransferOut}, summary="开具/登记介绍信")
def create_transfer(request, payload: TransferIn):
    require(request, "add", TransferLetter)
    unit = get_scoped(request, OrgUnit.objects.all(), pk=payload.unit_id)
    member = (
        get_scoped(request, PartyMember.objects.all(), pk=payload.member_id) if payload.member_id else None
    )
    if payload.direction not in Direction.values:
        raise Refused({"direction": "direction 须为 outgoing 或 incoming"})
    letter = services.issue_transfer(
        direction=payload.direction,
        unit=unit,
        member=member,
        member_name=payload.member_name,
        other_organisation=payload.other_organisation,
        other_region=payload.other_region,
        cross_province=payload.cross_province,
        issued_on=payload.issued_on,
        letter_no=payload.letter_no,
        note=payload.note,
        actor=request.user,
    )
    return Status(201, letter)


@router.post("/members/transfers/{pk}/receipt", response=TransferOut, summary="登记回执")
def receipt(request, pk: int, payload: ReceiptIn):
    letter = get_scoped(request, TransferLetter.objects.all(), "change", pk=pk)
    return services.record_receipt(letter, payload.received_on, actor=request.user)


@router.post("/members/transfers/{pk}/cancel", response=TransferOut, summary="作废介绍信")
def cancel(request, pk: int):
    letter = get_scoped(request, TransferLetter.objects.all(), "change", pk=pk)
    return services.cancel_transfer(letter, actor=request.user, reason="接口作废")


endpoints.list(
    "/members/flowing-members",
    "list_flowing",
    _flowing,
    FlowingOut,
    filters=FLOWING_FILTERS,
    summary="流动党员",
)
endpoints.detail("/members/flowing-members/{pk}", "get_flowing", _flowing, FlowingOut, summary="流动党员详情")
endpoints.create(
    "/members/flowing-members",
    "create_flowing",
    FlowingIn,
    FlowingOut,
    services.register_flowing_member,
    model=FlowingMember,
    refs={"practitioner_id": ("practitioner", _people), "unit_id": ("unit", _units)},
    summary="登记流动党员",
)


# --- dues ---


endpoints.list(
    "/members/dues/declarations",
    "list_declarations",
    IncomeDeclaration.objects.all(),
    DeclarationOut,
    filters=DECLARATION_FILTERS,
    summary="党费收入申报",
)
endpoints.detail(
    "/members/dues/declarations/{pk}",
    "get_declaration",
    IncomeDeclaration.objects.all(),
    DeclarationOut,
    summary="收入申报详情",
)
endpoints.create(
    "/members/dues/declarations",
    "declare",
    DeclarationIn,
    DeclarationOut,
    services.declare_income,
    model=IncomeDeclaration,
    refs={"member_id": ("member", _members)},
    summary="申报月收入",
)
endpoints.list(
    "/members/dues/payments",
    "list_payments",
    _payments,
    PaymentOut,
    filters=PAYMENT_FILTERS,
    summary="党费交纳记录",
)
endpoints.detail("/members/dues/payments/{pk}", "get_payment", _payments, PaymentOut, summary="交纳记录详情")
endpoints.create(
    "/members/dues/payments",
    "pay",
    PaymentIn,
    PaymentOut,
    services.record_payment,
    model=DuesPayment,
    refs={"member_id": ("member", _members)},
    summary="记录党费交纳",
)


@router.get("/members/dues/members/{member_id}", response=DuesOut, summary="某党员某月应交党费与欠缴")
def member_dues(request, member_id: int, month: datetime.date | None = None):
    require(request, "view", DuesPayment)
    member = get_scoped(request, PartyMember.objects.all(), pk=member_id)
    month = services.month_start(month or services.today())
    basis, base = services.dues_base(member, month)
    return {
        "member_id": member.pk,
        "month": month,
        "basis": basis,
        "base": base,
        "amount": services.monthly_dues(member, month),
        "unpaid_months": [f"{m:%Y-%m}" for m in services.unpaid_months(member)],
        "arrears_months": services.arrears_months(member),
    }


@router.get("/members/dues/arrears", response=list[ArrearsOut], summary="欠缴党费名单")
@paginate(LimitOffsetPagination)
def arrears(request, unit: int | None = None, region: str | None = None, min_months: Months = 1):
    require(request, "view", DuesPayment)
    members = _unit_filter(request, scoped(request, PartyMember.objects.all()), unit, region)
    rows = services.arrears_list(members)
    return [
        {
            "member_id": r["member"].pk,
            "name": r["member"].practitioner.name,
            "unit": r["member"].unit.name,
            "unpaid_months": [f"{m:%Y-%m}" for m in r["unpaid"]],
            "unpaid_count": r["unpaid_count"],
            "consecutive": r["consecutive"],
        }
        for r in rows
        if r["unpaid_count"] >= min_months
    ]


# --- learning ---


endpoints.list(
    "/members/courses",
    "list_courses",
    Course.objects.all(),
    CourseOut,
    filters=COURSE_FILTERS,
    summary="学习课程",
)
endpoints.detail("/members/courses/{pk}", "get_course", Course.objects.all(), CourseOut, summary="课程详情")
endpoints.create(
    "/members/courses",
    "create_course",
    CourseIn,
    CourseOut,
    services.create_course,
    model=Course,
    refs={"unit_id": ("unit", _units)},
    summary="新增课程",
)
endpoints.list(
    "/members/study-records", "list_study", _study, StudyOut, filters=STUDY_FILTERS, summary="学习记录"
)
endpoints.detail("/members/study-records/{pk}", "get_study", _study, StudyOut, summary="学习记录详情")
endpoints.create(
    "/members/study-records",
    "create_study",
    StudyIn,
    StudyOut,
    services.record_study,
    model=StudyRecord,
    refs={"practitioner_id": ("practitioner", _people), "course_id": ("course", Course.objects.all())},
    summary="登记学习",
)


@router.get("/members/study-hours", response=list[HoursOut], summary="学时统计（按人员/党组织/类别/月份）")
def hours(
    request,
    group: str = "member",
    unit: int | None = None,
    kind: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    require(request, "view", StudyRecord)
    qs = _unit_filter(request, scoped(request, StudyRecord.objects.all()), unit, None)
    if kind:
        qs = qs.filter(kind=kind)
    return services.study_hours(qs, group=group, date_from=date_from, date_to=date_to)[:1000]


@router.post(
    "/members/study-import", response=ImportOut, summary="导入外部平台学习记录（CSV，全部通过才写入）"
)
def study_import(request, file: File[UploadedFile], commit: bool = False, platform: str = "学习强国"):
    require(request, "import", StudyRecord)
    check_csv_upload(file, kind="study")
    result = import_study_csv(
        file.read(), actor=request.user, commit=commit, platform=platform, today=services.today()
    )
    return {
        "rows": result.rows,
        "created": result.created,
        "duplicates": result.duplicates,
        "valid": len(result.pending),
        "committed": result.committed,
        "errors": result.errors,
    }

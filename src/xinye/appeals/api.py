"""Appeals under /api/v1/: the loop's steps as POST actions, scoped exactly like the console.
An appeal is visible to its 属地 unit's tree; a task to its assigned unit's tree (a community sees its own
tasks only). Text is masked unless the caller has view_sensitive; unmasked reads are logged."""

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from xinye.accounts.permissions import has_action, restrict
from xinye.api.common import UnitRef, get_scoped, require, scoped
from xinye.api.conditional import conditional, get_versioned, tag
from xinye.api.lists import Endpoints
from xinye.appeals import services
from xinye.appeals.filters import APPEAL_FILTERS, REMINDER_FILTERS, TASK_FILTERS
from xinye.appeals.models import Appeal, AppealReminder, AppealTask
from xinye.audit.services import log_sensitive_access
from xinye.core.errors import Refused
from xinye.core.masking import mask
from xinye.orgs.models import OrgUnit, Region

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "诉求办理"


class AppealsTaskOut(Schema):
    id: int
    appeal_id: int
    appeal_number: str | None
    unit: UnitRef
    status: str
    status_label: str
    instruction: str
    assigned_at: datetime.datetime
    sign_due_at: datetime.datetime | None
    signed_at: datetime.datetime | None
    answer_due_at: datetime.datetime | None
    due_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    return_reason: str
    overdue: bool
    escalated_to: UnitRef | None
    green: bool

    @staticmethod
    def resolve_appeal_number(obj):
        return obj.appeal.number

    @staticmethod
    def resolve_green(obj):
        return obj.appeal.green

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue


class AppealsEventOut(Schema):
    at: datetime.datetime = Field(..., alias="created_at")
    kind: str
    kind_label: str
    actor: str = Field(..., alias="actor_label")
    task_id: int | None
    note: str
    public_text: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    # notes and worker-visible texts carry answers and progress: lengths only unless disclosed (_shown)
    @staticmethod
    def resolve_note(obj):
        return obj.note if getattr(obj, "_shown", False) else mask("text", obj.note)

    @staticmethod
    def resolve_public_text(obj):
        return obj.public_text if getattr(obj, "_shown", False) else mask("text", obj.public_text)


class AppealOut(Schema):
    id: int
    number: str | None
    category: str
    category_label: str
    source: str
    limit_kind: str
    green: bool
    status: str
    status_label: str
    text: str
    unit: UnitRef
    region: str
    submitted_at: datetime.datetime
    accepted_at: datetime.datetime | None
    answer_due_at: datetime.datetime | None
    due_at: datetime.datetime | None
    extended: bool
    answered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    return_visit_due_at: datetime.datetime | None
    satisfied: bool | None
    reopened_count: int
    overdue: bool

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_region(obj):
        return obj.region_id

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue

    @staticmethod
    def resolve_text(obj, context):
        return obj.text if getattr(obj, "_unmasked", False) else mask("text", obj.text)


class AppealDetail(AppealOut):
    answer: str
    tasks: list[AppealsTaskOut]
    events: list[AppealsEventOut]

    @staticmethod
    def resolve_answer(obj):
        return obj.answer if getattr(obj, "_unmasked", False) else mask("text", obj.answer)

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.select_related("unit", "escalated_to", "appeal"))

    @staticmethod
    def resolve_events(obj):
        shown = getattr(obj, "_disclosure", None) or services.Disclosure()
        events = list(obj.events.all())
        for event in events:
            event._shown = shown.event(event)
        return events


class TaskDetail(AppealsTaskOut):
    """A task with what its unit needs to do the work: the appeal's text, the filer's name and phone for
    回访, its own answer — in clear for the handling unit (logged), lengths only otherwise."""

    appeal_text: str
    filer_name: str
    filer_phone: str
    answer: str

    @staticmethod
    def resolve_appeal_text(obj):
        return obj.appeal.text if obj._shown else mask("text", obj.appeal.text)

    @staticmethod
    def resolve_filer_name(obj):
        return obj._filer[0] if obj._shown else ""

    @staticmethod
    def resolve_filer_phone(obj):
        return obj._filer[1] if obj._shown else ""

    @staticmethod
    def resolve_answer(obj):
        return obj.answer if obj._shown else mask("text", obj.answer)


class AppealsAppealIn(Schema):
    category: str
    text: str
    idempotency_key: str
    source: str = "staff"
    region: str | None = None
    enterprise: int | None = None


class AppealsReasonIn(Schema):
    text: str = ""


class AppealsDispatchIn(Schema):
    units: list[int] = []
    instruction: str = ""


class AppealsVisitIn(Schema):
    note: str = ""
    satisfied: bool | None = None


class ProgressIn(Schema):
    note: str
    public: bool = False


class RatesOut(Schema):
    unit_id: int | None
    unit: str
    tasks: int
    signed_in_time: int
    finished: int
    rated: int
    satisfied: int
    overdue: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None


class AppealsStatsOut(Schema):
    unit: UnitRef | None
    from_date: datetime.date | None
    to_date: datetime.date | None
    total: RatesOut
    by_unit: list[RatesOut]
    green: RatesOut
    green_by_unit: list[RatesOut]
    overdue: list[AppealsTaskOut]


class AppealsStatsQuery(Schema):
    unit: int | None = None
    from_: datetime.date | None = Field(None, alias="from", description="派单日期起（含），如 2026-11-01")
    to: datetime.date | None = Field(None, description="派单日期止（含）")


class ReminderOut(Schema):
    id: int
    kind: str
    appeal_id: int
    task_id: int | None
    unit: UnitRef
    message: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


def _disclose(request, appeal: Appeal) -> Appeal:
    """One appeal for its detail: what `services.disclosure` allows this user, the reveal logged."""
    shown = services.disclosure(request.user, appeal)
    appeal._disclosure = shown
    appeal._unmasked = shown.any
    if shown.any:
        reason = "API" if shown.full else "API；承办单位办理"
        log_sensitive_access("view_sensitive", obj=appeal, fields=["诉求内容"], reason=reason)
    return appeal


def _unmask(request, appeals):
    """A list page: texts in clear only where the user has view_sensitive over the appeal itself."""
    if has_action(request.user, "view_sensitive", Appeal):
        # Per appeal: a task holder or a second read-only role may see an appeal it may not unmask.
        allowed = set(
            restrict(
                Appeal.objects.filter(pk__in=[a.pk for a in appeals]), request.user, "view_sensitive"
            ).values_list("pk", flat=True)
        )
        shown = [a for a in appeals if a.pk in allowed]
        for a in shown:
            a._unmasked = True
        if len(shown) == 1:
            log_sensitive_access("view_sensitive", obj=shown[0], fields=["诉求内容"], reason="API")
        elif shown:
            log_sensitive_access("view_sensitive", model=Appeal, count=len(shown), reason="API 列表")
    return appeals


def _rates(d: dict) -> dict:
    return {k: (float(v) if k.endswith("_rate") and v is not None else v) for k, v in d.items()}


@router.get(
    "/appeals/stats", response=AppealsStatsOut, summary="诉求办理统计：响应率、解决率、满意率、逾期清单"
)
def appeal_stats(request, filters: Query[AppealsStatsQuery]):
    if not has_action(request.user, "view", AppealTask):
        raise Http404
    unit, start, end = filters.unit, filters.from_, filters.to
    tasks = scoped(request, AppealTask.objects.all())
    unit_obj = None
    if unit is not None:
        unit_obj = get_scoped(request, OrgUnit.objects.all(), pk=unit)
        tasks = tasks.filter(unit__path__startswith=unit_obj.path)
    period = services.period_tasks(tasks, start or None, end or None)
    total, rows = services.statistics(period)
    green, green_rows = services.statistics(services.green_tasks(period))
    return {
        "unit": unit_obj,
        "from_date": start,
        "to_date": end,
        "total": _rates(total.as_dict()),
        "by_unit": [_rates(r.as_dict()) for r in rows],
        "green": _rates(green.as_dict()),
        "green_by_unit": [_rates(r.as_dict()) for r in green_rows],
        "overdue": list(services.overdue_tasks(tasks).select_related("escalated_to")[:200]),
    }


_appeals = Appeal.objects.select_related("unit")

endpoints.list("/appeals", "list_appeals", _appeals, AppealOut, filters=APPEAL_FILTERS, summary="诉求列表")
endpoints.detail(
    "/appeals/{appeal_id}",
    "get_appeal",
    _appeals,
    AppealDetail,
    then=_disclose,
    summary="诉求详情（含任务与办理记录）",
)


@router.post("/appeals", response={201: AppealDetail}, summary="录入诉求（工作人员代录、走访收集）")
def create_appeal(request, payload: AppealsAppealIn):
    require(request, "add", Appeal)
    # A retry returns the first appeal, but only to whoever filed it: keys such as `visit-problem-<pk>`
    # are guessable, and another unit's appeal must not come back through this door.
    earlier = Appeal.objects.filter(idempotency_key=payload.idempotency_key).values("created_by_id").first()
    if earlier is not None and earlier["created_by_id"] != request.user.pk:
        raise HttpError(409, "请求编号已被使用，请换一个新的编号后重新提交")
    region = None
    if payload.region:
        region = Region.objects.filter(code=payload.region).first()
        if region is None:
            raise Refused({"region": f"未知的旗县区代码：{payload.region}"})
    enterprise = None
    if payload.enterprise is not None:
        from xinye.ledger.models import Enterprise

        enterprise = get_scoped(request, Enterprise.objects.all(), pk=payload.enterprise)
    appeal = services.file_appeal(
        actor=request.user,
        category=payload.category,
        text=payload.text,
        idempotency_key=payload.idempotency_key,
        source=payload.source if payload.source in ("staff", "visit") else "staff",
        region=region,
        enterprise=enterprise,
    )
    return Status(201, _disclose(request, appeal))


def _appeal_for_change(request, appeal_id):
    """The appeal a step changes: 404 outside scope, 412 on a stale If-Match; the answer carries its ETag."""
    return get_versioned(request, Appeal.objects.all(), "change", pk=appeal_id)


def _detail(request, appeal):
    appeal.refresh_from_db()
    return _disclose(request, appeal)


@router.post("/appeals/{appeal_id}/accept", response=AppealDetail, summary="受理")
@conditional()
def accept(request, appeal_id: int):
    appeal = _appeal_for_change(request, appeal_id)
    services.accept_appeal(appeal, actor=request.user)
    return _detail(request, appeal)


@router.post("/appeals/{appeal_id}/reject", response=AppealDetail, summary="不予受理")
@conditional()
def reject(request, appeal_id: int, payload: AppealsReasonIn):
    appeal = _appeal_for_change(request, appeal_id)
    services.reject_appeal(appeal, actor=request.user, reason=payload.text)
    return _detail(request, appeal)


@router.post(
    "/appeals/{appeal_id}/dispatch", response=AppealDetail, summary="派单（不指定单位则按规则默认派单）"
)
@conditional()
def dispatch(request, appeal_id: int, payload: AppealsDispatchIn):
    appeal = _appeal_for_change(request, appeal_id)
    units = list(OrgUnit.objects.filter(pk__in=payload.units, is_active=True)) if payload.units else None
    if payload.units and len(units) != len(set(payload.units)):
        raise Http404
    services.dispatch_appeal(appeal, actor=request.user, units=units, instruction=payload.instruction)
    return _detail(request, appeal)


@router.post("/appeals/{appeal_id}/extend", response=AppealDetail, summary="延期（投诉/复杂事项，限一次）")
@conditional()
def extend(request, appeal_id: int, payload: AppealsReasonIn):
    appeal = _appeal_for_change(request, appeal_id)
    services.extend_appeal(appeal, actor=request.user, reason=payload.text)
    return _detail(request, appeal)


@router.post("/appeals/{appeal_id}/answer", response=AppealDetail, summary="答复诉求人")
@conditional()
def answer(request, appeal_id: int, payload: AppealsReasonIn):
    appeal = _appeal_for_change(request, appeal_id)
    services.answer_appeal(appeal, actor=request.user, answer=payload.text)
    return _detail(request, appeal)


@router.post("/appeals/{appeal_id}/close", response=AppealDetail, summary="办结")
@conditional()
def close(request, appeal_id: int):
    appeal = _appeal_for_change(request, appeal_id)
    services.close_appeal(appeal, actor=request.user)
    return _detail(request, appeal)


@router.post("/appeals/{appeal_id}/visit", response=AppealDetail, summary="回访（可记录满意度）")
@conditional()
def visit(request, appeal_id: int, payload: AppealsVisitIn):
    appeal = _appeal_for_change(request, appeal_id)
    services.return_visit(appeal, actor=request.user, note=payload.note, satisfied=payload.satisfied)
    return _detail(request, appeal)


endpoints.list(
    "/appeal-tasks",
    "list_tasks",
    AppealTask.objects.select_related("unit", "appeal", "escalated_to"),
    AppealsTaskOut,
    filters=TASK_FILTERS,
    summary="诉求任务（本单位承办的）",
)


@router.get(
    "/appeal-tasks/{task_id}",
    response=TaskDetail,
    summary="诉求任务详情（承办单位可见诉求内容与提出人联系方式）",
)
@conditional("read")
def get_task(request, task_id: int):
    task = get_scoped(
        request, AppealTask.objects.select_related("unit", "appeal", "escalated_to"), pk=task_id
    )
    shown = services.disclosure(request.user, task.appeal)
    task._shown = shown.task(task.pk)
    task._filer = services.filer_contact(task.appeal) if task._shown else ("", "")
    tag(request, task)
    if task._shown:
        log_sensitive_access(
            "view_sensitive",
            obj=task.appeal,
            fields=["诉求内容", "提出人联系方式"],
            reason="API；承办单位办理" if shown.by_task else "API",
        )
    return task


def _task_for_change(request, task_id, *, etag: bool = True):
    """The task a step changes: 404 outside scope, 412 on a stale If-Match; the answer carries its ETag."""
    return get_versioned(
        request, AppealTask.objects.select_related("appeal", "unit"), "change", etag=etag, pk=task_id
    )


@router.post("/appeal-tasks/{task_id}/sign", response=AppealsTaskOut, summary="签收")
@conditional()
def sign(request, task_id: int):
    return services.sign_task(_task_for_change(request, task_id), actor=request.user)


@router.post("/appeal-tasks/{task_id}/progress", response={201: AppealsEventOut}, summary="记录办理进展")
@conditional()
def progress(request, task_id: int, payload: ProgressIn):
    event = services.add_progress(
        # the answer is the new event, not the task: no task ETag on it
        _task_for_change(request, task_id, etag=False),
        actor=request.user,
        note=payload.note,
        public=payload.public,
    )
    event._shown = True  # the note the caller has just written
    return Status(201, event)


@router.post("/appeal-tasks/{task_id}/answer", response=AppealsTaskOut, summary="承办单位答复")
@conditional()
def task_answer(request, task_id: int, payload: AppealsReasonIn):
    return services.answer_task(_task_for_change(request, task_id), actor=request.user, answer=payload.text)


@router.post("/appeal-tasks/{task_id}/finish", response=AppealsTaskOut, summary="承办单位办结")
@conditional()
def task_finish(request, task_id: int):
    return services.finish_task(_task_for_change(request, task_id), actor=request.user)


@router.post(
    "/appeal-tasks/{task_id}/return",
    response=AppealsTaskOut,
    summary="回退（派错单位，2 个工作日内，须说明理由）",
)
@conditional()
def task_return(request, task_id: int, payload: AppealsReasonIn):
    return services.return_task(_task_for_change(request, task_id), actor=request.user, reason=payload.text)


endpoints.list(
    "/appeal-reminders",
    "list_reminders",
    AppealReminder.objects.select_related("unit"),
    ReminderOut,
    filters=REMINDER_FILTERS,
    summary="催办、督办与回访提醒",
)


__all__ = ["router", "restrict"]

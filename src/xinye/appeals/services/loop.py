"""The appeal loop (rules.md §Appeals, 12345 / 接诉即办): 受理 → 派单 → 签收 → 办理 → 答复 → 办结 → 回访 → 评价,
回退 of a mis-routed task, reopening on 不满意, and the worker's rights over their appeals.

Every step is one function: one transaction, `require(actor, …)` before the write and again on the saved
row, an AppealEvent row naming the actor and the time. `actor` is a required keyword — a staff user, or
`system_actor(…)` for the demo, the CLI and `xinye tick`; the worker's own steps (filing, 评价) take the
`worker` instead and check that the appeal is theirs. Refusals are `Refused` or `OutOfScope` (404).
"""

import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from xinye.accounts.permissions import (
    actor_user,
    has_action,
    is_system,
    require,
)
from xinye.appeals import rules
from xinye.appeals.cases import CaseEvent
from xinye.appeals.choices import (
    OPEN_TASK_STATES,
    AppealCategory,
    AppealSource,
    AppealStatus,
    EventKind,
    LimitKind,
    TaskStatus,
)
from xinye.appeals.models import Appeal, AppealEvent, AppealPhoto, AppealTask
from xinye.appeals.services.routing import home_unit, route
from xinye.core import loops, uploads, workdays
from xinye.core.errors import OutOfScope, Refused
from xinye.rulebook.services import with_citation

# Read-only helpers and pure rule functions: no actor (the signature test checks every other function).
READS = (
    "apply_appeal",
    "apply_task",
)


# --- transition tables: state → allowed next states ---

APPEAL_TRANSITIONS = {
    AppealStatus.SUBMITTED: {AppealStatus.ACCEPTED, AppealStatus.REJECTED},
    AppealStatus.ACCEPTED: {AppealStatus.DISPATCHED, AppealStatus.REJECTED},
    # back to ACCEPTED when every task was sent back (回退) and the appeal waits for re-dispatch
    AppealStatus.DISPATCHED: {AppealStatus.ANSWERED, AppealStatus.ACCEPTED},
    AppealStatus.ANSWERED: {AppealStatus.CLOSED, AppealStatus.DISPATCHED},
    AppealStatus.CLOSED: {AppealStatus.VISITED, AppealStatus.RATED, AppealStatus.DISPATCHED},
    AppealStatus.VISITED: {AppealStatus.RATED, AppealStatus.DISPATCHED},
    AppealStatus.RATED: {AppealStatus.DISPATCHED},  # only on 不满意 (reopen)
    AppealStatus.REJECTED: set(),
}

TASK_TRANSITIONS = {
    TaskStatus.ASSIGNED: {TaskStatus.SIGNED, TaskStatus.RETURNED},
    TaskStatus.SIGNED: {TaskStatus.ANSWERED, TaskStatus.RETURNED},
    TaskStatus.ANSWERED: {TaskStatus.FINISHED, TaskStatus.SIGNED},
    TaskStatus.FINISHED: {TaskStatus.SIGNED},  # reopened on 不满意
    TaskStatus.RETURNED: set(),
}


def apply_appeal(appeal: Appeal, new_state: str) -> None:
    """The one place an appeal changes state (in memory); refuses what the table does not allow."""
    loops.apply_transition(appeal, APPEAL_TRANSITIONS, new_state, AppealStatus)


def apply_task(task: AppealTask, new_state: str) -> None:
    """The one place a task changes state (in memory); refuses what the table does not allow."""
    loops.apply_transition(task, TASK_TRANSITIONS, new_state, TaskStatus)


# --- helpers ---


def _event(appeal, kind, *, actor, task=None, note="", public_text="", at=None, label="") -> AppealEvent:
    """The loop's own record of a step. `actor` is a staff user, a system actor or the worker."""
    return AppealEvent.objects.create(
        appeal=appeal,
        task=task,
        kind=kind,
        note=note,
        public=bool(public_text),
        public_text=public_text,
        created_at=at or timezone.now(),
        **CaseEvent.by(actor, label),
    )


def _due(now, kind: str, step: str, green: bool):
    """The deadline of one step from `now`: the limit class's span, or for a green-channel appeal the shorter
    of that and the green span (rules.green_channel), both on the working-day calendar."""
    due = workdays.add(now, rules.limit(kind, step))
    span = rules.green_limit(kind, step) if green else None
    return min(due, workdays.add(now, span)) if span else due


def _deadlines(now, kind: str, green: bool):
    """(answer due, finish due): finishing is never due before answering."""
    answer = _due(now, kind, "answer", green)
    return answer, max(answer, _due(now, kind, "finish", green))


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- submission ---

CATEGORIES = frozenset(AppealCategory.values)
STAFF_SOURCES = frozenset({AppealSource.STAFF, AppealSource.VISIT})


def _check_rate(worker) -> None:
    count, seconds = rules.rate_limit()
    if Appeal.rate_exceeded(worker, time_field="submitted_at", count=count, seconds=seconds):
        minutes = max(1, seconds // 60)
        raise Refused(f"提交过于频繁：每 {minutes} 分钟最多提交 {count} 件诉求，请稍后再试")


@functools.cache
def _labels_zh() -> dict[str, str]:
    with translation.override("zh-hans"):
        return {str(label): value for value, label in AppealCategory.choices}


def _clean_submission(category: str, text: str) -> tuple[str, str]:
    if category not in CATEGORIES:
        # a Chinese label (e.g. from a visit record) is accepted too, whatever language the request speaks
        category = _labels_zh().get(category, category)
    if category not in CATEGORIES:
        raise Refused({"category": f"未知的诉求类别：{category}"})
    text = (text or "").strip()
    if len(text) < 5:
        raise Refused({"text": "请用至少 5 个字说明您的诉求"})
    if len(text) > 2000:
        raise Refused({"text": "诉求内容不能超过 2000 字"})
    return category, text


def _check_key(idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > 64:
        raise Refused("缺少或无效的请求编号（idempotency key）")


def _home_ids(worker, region, enterprise) -> tuple[int, str]:
    """(unit id, region id) of a new appeal: `home_unit`, and the given region, else the worker's, else the
    unit's. A registered worker's ids are on their row already, so the usual case reads nothing."""
    if worker is not None and worker.unit_id and (region is not None or worker.region_id):
        return worker.unit_id, (region.pk if region is not None else worker.region_id)
    unit = home_unit(worker=worker, region=region, enterprise=enterprise)
    if unit is None:
        raise Refused({"region": "无法确定诉求的属地单位，请选择所在旗县区"})
    if region is not None:
        return unit.pk, region.pk
    return unit.pk, (worker.region_id if worker is not None and worker.region_id else unit.region_id)


def _insert(appeal: Appeal, checked, *, actor, note: str, label: str) -> Appeal:
    """Write a checked new appeal, its photos and its first event (inside the caller's transaction).
    `save()` gives the row its number (SQ + date + id) through the ORM, so the change log records it."""
    appeal.save()
    for cleaned in checked:
        photo = AppealPhoto(appeal=appeal, content_type=uploads.content_type(cleaned))
        photo.file.save(cleaned.name, cleaned, save=True)
    _event(
        appeal,
        EventKind.SUBMITTED,
        actor=actor,
        label=label,
        note=note,
        public_text="诉求已提交，等待受理",
    )
    return appeal


def submit_appeal(
    *,
    worker,
    category: str,
    text: str,
    photos=(),
    idempotency_key: str,
    source: str = AppealSource.PORTAL,
    region=None,
) -> Appeal:
    """A worker files an appeal (the portal). Idempotent on `idempotency_key`: a retried request returns
    the worker's first appeal and creates nothing; another worker's key is refused. Rate-limited per
    worker; photos are type- and size-checked. Staff file with `file_appeal`."""
    if worker is None or worker.pk is None:
        raise Refused("从业人员提交的诉求须有提出人")
    if source != AppealSource.PORTAL:
        raise Refused({"source": f"从业人员只能通过服务端提交诉求（来源：{source}）"})
    _check_key(idempotency_key)
    # A first submission is by far the usual case, so the key is not looked up beforehand: the row is
    # inserted and its unique key refuses a repeat (also two concurrent repeats, on SQLite and PostgreSQL
    # alike), which is then answered with the first appeal. A repeat that a check now refuses (typically
    # the rate limit, which the first submission counts itself into) also gets its first appeal.
    try:
        category, text = _clean_submission(category, text)
        checked = uploads.clean_photos(photos, limit=rules.MAX_PHOTOS)
        enterprise = worker.practitioner.enterprise if worker.practitioner_id else None
        unit_id, region_id = _home_ids(worker, region, enterprise)
        _check_rate(worker)
    except ValidationError:
        existing = _worker_existing(idempotency_key, worker)
        if existing is not None:
            return existing
        raise
    appeal = Appeal(
        worker=worker,
        source=AppealSource.PORTAL,
        category=category,
        limit_kind=rules.category_limit(category),
        green=rules.is_green(category, worker),
        text=text,
        unit_id=unit_id,
        region_id=region_id,
        enterprise=enterprise,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            return _insert(appeal, checked, actor=worker, note="", label="从业人员")
    except IntegrityError:
        existing = _worker_existing(idempotency_key, worker)
        if existing is None:
            raise
        return existing


def _worker_existing(idempotency_key: str, worker) -> Appeal | None:
    appeal = Appeal.objects.filter(idempotency_key=idempotency_key).first()
    if appeal is not None and appeal.worker_id != worker.pk:
        raise Refused("请求编号冲突，请刷新页面后重新提交")
    return appeal


def _staff_existing(idempotency_key: str, actor) -> Appeal | None:
    """A staff retry: the first appeal, but only to whoever filed it (keys such as `visit-problem-<pk>` are
    guessable, and another unit's appeal must not come back through this door)."""
    appeal = Appeal.objects.filter(idempotency_key=idempotency_key).first()
    if appeal is None:
        return None
    if is_system(actor) or (appeal.worker_id is None and appeal.created_by_id == actor.pk):
        return appeal
    raise Refused("请求编号已被使用，请换一个新的编号后重新提交")


def file_appeal(
    *,
    actor,
    category: str,
    text: str,
    idempotency_key: str,
    source: str = AppealSource.STAFF,
    region=None,
    enterprise=None,
    photos=(),
) -> Appeal:
    """Staff file an appeal for a worker (代为录入) or from a visit (走访收集): it enters the same loop,
    placed by `home_unit` (the enterprise's community, else the region's). The appeal must land inside the
    filer's scope — a county admin files for their county, an instructor for their assigned enterprises —
    or nothing is written (OutOfScope). Idempotent per filer on `idempotency_key`."""
    if not has_action(actor, "add", Appeal):
        raise OutOfScope()
    _check_key(idempotency_key)
    existing = _staff_existing(idempotency_key, actor)
    if existing is not None:
        return existing
    if source not in STAFF_SOURCES:
        raise Refused({"source": f"未知的诉求来源：{source}"})
    category, text = _clean_submission(category, text)
    checked = uploads.clean_photos(photos, limit=rules.MAX_PHOTOS)
    unit_id, region_id = _home_ids(None, region, enterprise)
    appeal = Appeal(
        worker=None,
        source=source,
        category=category,
        limit_kind=rules.category_limit(category),
        text=text,
        unit_id=unit_id,
        region_id=region_id,
        enterprise=enterprise,
        created_by=actor_user(actor),
        idempotency_key=idempotency_key,
    )
    note = {AppealSource.VISIT: "走访中收集", AppealSource.STAFF: "工作人员代为录入"}[source]
    try:
        with transaction.atomic():
            _insert(appeal, checked, actor=actor, note=note, label="")
            # where it landed must be inside the filer's scope, or the whole filing rolls back
            require(actor, "add", appeal)
    except IntegrityError:
        existing = _staff_existing(idempotency_key, actor)
        if existing is None:
            raise
        return existing
    return appeal


# --- the loop, staff side ---


@transaction.atomic
def accept_appeal(appeal: Appeal, *, actor, at=None) -> Appeal:
    """受理: deadlines from the category's limit class (answer, completion) on the working-day calendar."""
    require(actor, "change", appeal)
    apply_appeal(appeal, AppealStatus.ACCEPTED)
    now = at or timezone.now()
    appeal.accepted_at = now
    # the worker may have registered (备案) since filing: the green channel is decided again at 受理
    appeal.green = rules.is_green(appeal.category, appeal.worker)
    appeal.answer_due_at, appeal.due_at = _deadlines(now, appeal.limit_kind, appeal.green)
    appeal.save()
    _event(
        appeal,
        EventKind.ACCEPTED,
        actor=actor,
        at=now,
        note="小哥绿色通道：从快办理" if appeal.green else "",
        public_text=("已通过小哥绿色通道受理" if appeal.green else "已受理")
        + f"，将于 {_fmt(appeal.answer_due_at)} 前答复",
    )
    require(actor, "change", appeal)
    return appeal


@transaction.atomic
def reject_appeal(appeal: Appeal, *, actor, reason: str) -> Appeal:
    require(actor, "change", appeal)
    if not reason.strip():
        raise Refused("不予受理须说明理由")
    apply_appeal(appeal, AppealStatus.REJECTED)
    appeal.reject_reason = reason.strip()[:255]
    appeal.save()
    _event(appeal, EventKind.REJECTED, actor=actor, note=reason, public_text=f"不予受理：{reason.strip()}")
    require(actor, "change", appeal)
    return appeal


def _task_deadlines(task: AppealTask, appeal: Appeal, now) -> None:
    task.sign_due_at = _due(now, appeal.limit_kind, "sign", appeal.green)
    task.answer_due_at, task.due_at = _deadlines(now, appeal.limit_kind, appeal.green)


@transaction.atomic
def dispatch_appeal(appeal: Appeal, *, actor, units=None, instruction: str = "", at=None) -> list[AppealTask]:
    """派单: one task per unit (default: `route(appeal)`). Accepts a still-unaccepted appeal first.
    Also used to re-dispatch after 回退 or to add a unit to an appeal in progress."""
    require(actor, "change", appeal)
    now = at or timezone.now()
    if appeal.status == AppealStatus.SUBMITTED:
        accept_appeal(appeal, actor=actor, at=now)
    if appeal.status not in (AppealStatus.ACCEPTED, AppealStatus.DISPATCHED):
        raise Refused(f"“{appeal.get_status_display()}”的诉求不能派单")
    units = list(units) if units else route(appeal)
    busy = set(appeal.tasks.filter(status__in=OPEN_TASK_STATES).values_list("unit_id", flat=True))
    tasks = []
    for unit in units:
        if unit.pk in busy:
            continue
        task = AppealTask(
            appeal=appeal,
            unit=unit,
            instruction=instruction,
            assigned_at=now,
            assigned_by=actor_user(actor),
        )
        _task_deadlines(task, appeal, now)
        task.save()
        tasks.append(task)
        _event(
            appeal,
            EventKind.DISPATCHED,
            actor=actor,
            task=task,
            at=now,
            note=instruction,
            public_text=f"已转交{unit.name}办理",
        )
    if not tasks:
        raise Refused("所选单位已有在办任务，无需重复派单")
    if appeal.status == AppealStatus.ACCEPTED:
        apply_appeal(appeal, AppealStatus.DISPATCHED)
        appeal.save()
    require(actor, "change", appeal)
    return tasks


@transaction.atomic
def sign_task(task: AppealTask, *, actor, at=None) -> AppealTask:
    """签收: the unit acknowledges the task; counts for 响应率 when within `sign_due_at`."""
    require(actor, "change", task)
    apply_task(task, TaskStatus.SIGNED)
    task.signed_at = at or timezone.now()
    task.save()
    _event(
        task.appeal,
        EventKind.SIGNED,
        actor=actor,
        task=task,
        at=task.signed_at,
        public_text=f"{task.unit.name}已签收，正在办理",
    )
    require(actor, "change", task)
    return task


@transaction.atomic
def add_progress(task: AppealTask, *, actor, note: str, public: bool = False, at=None) -> AppealEvent:
    """办理: a progress note; `public` ones appear on the worker's timeline."""
    require(actor, "change", task)
    if task.status != TaskStatus.SIGNED:
        raise Refused("请先签收任务，再记录办理进展")
    if not note.strip():
        raise Refused("办理进展不能为空")
    return _event(
        task.appeal,
        EventKind.PROGRESS,
        actor=actor,
        task=task,
        note=note,
        at=at,
        public_text=f"办理进展：{note.strip()}" if public else "",
    )


@transaction.atomic
def answer_task(task: AppealTask, *, actor, answer: str, at=None) -> AppealTask:
    """答复 by the unit to the dispatcher (the appeal's answer to the worker is `answer_appeal`)."""
    require(actor, "change", task)
    if not answer.strip():
        raise Refused("答复内容不能为空")
    apply_task(task, TaskStatus.ANSWERED)
    task.answer = answer.strip()
    task.answered_at = at or timezone.now()
    task.save()
    _event(task.appeal, EventKind.TASK_ANSWERED, actor=actor, task=task, note=answer, at=task.answered_at)
    require(actor, "change", task)
    return task


@transaction.atomic
def finish_task(task: AppealTask, *, actor, at=None) -> AppealTask:
    require(actor, "change", task)
    apply_task(task, TaskStatus.FINISHED)
    task.finished_at = at or timezone.now()
    task.save()
    _event(task.appeal, EventKind.TASK_FINISHED, actor=actor, task=task, at=task.finished_at)
    require(actor, "change", task)
    return task


@transaction.atomic
def return_task(task: AppealTask, *, actor, reason: str, at=None) -> AppealTask:
    """回退: a mis-routed task goes back to the dispatcher with a reason, within 2 working days of
    assignment (rules.md). When no task is left open the appeal waits for re-dispatch."""
    require(actor, "change", task)
    if not reason.strip():
        raise Refused("回退须说明理由")
    now = at or timezone.now()
    try:
        loops.check_return_window(task.assigned_at, now, rules.return_within())
    except Refused as exc:  # the window is the loops' (core); the clause that sets it is the rule book's
        raise Refused(with_citation("；".join(exc.messages), "appeals.return_within")) from None
    apply_task(task, TaskStatus.RETURNED)
    task.return_reason = reason.strip()[:255]
    task.returned_at = now
    task.save()
    _event(task.appeal, EventKind.RETURNED, actor=actor, task=task, note=reason, at=now)
    appeal = task.appeal
    live = appeal.tasks.exclude(status=TaskStatus.RETURNED)
    if appeal.status == AppealStatus.DISPATCHED and not live.exists():
        apply_appeal(appeal, AppealStatus.ACCEPTED)
        appeal.save()
    require(actor, "change", task)
    return task


@transaction.atomic
def extend_appeal(appeal: Appeal, *, actor, reason: str) -> Appeal:
    """A complaint/complex case may be extended once, with a reason (rules.md)."""
    require(actor, "change", appeal)
    if appeal.limit_kind != LimitKind.COMPLAINT:
        raise Refused(with_citation("只有投诉/复杂事项可以延期", "appeals.extension"))
    if appeal.extended:
        raise Refused(with_citation("该诉求已延期一次，不能再次延期", "appeals.extension"))
    if not reason.strip():
        raise Refused("延期须说明理由")
    if not appeal.is_open or appeal.due_at is None:
        raise Refused("只有办理中的诉求可以延期")
    span = rules.extension()
    appeal.due_at = workdays.add(appeal.due_at, span)
    appeal.answer_due_at = workdays.add(appeal.answer_due_at, span) if appeal.answer_due_at else appeal.due_at
    appeal.extended = True
    appeal.extension_reason = reason.strip()[:255]
    appeal.save()
    for task in appeal.tasks.filter(status__in=OPEN_TASK_STATES):
        task.due_at = workdays.add(task.due_at, span)
        task.answer_due_at = workdays.add(task.answer_due_at, span)
        task.save()
    _event(
        appeal,
        EventKind.EXTENDED,
        actor=actor,
        note=reason,
        public_text=f"办理时限延长至 {_fmt(appeal.due_at)}",
    )
    require(actor, "change", appeal)
    return appeal


@transaction.atomic
def answer_appeal(appeal: Appeal, *, actor, answer: str, at=None) -> Appeal:
    """答复 to the worker, once every live task has answered."""
    require(actor, "change", appeal)
    if not answer.strip():
        raise Refused("答复内容不能为空")
    live = appeal.tasks.exclude(status=TaskStatus.RETURNED)
    if not live.exists():
        raise Refused("尚未派单，不能答复")
    if live.filter(status__in=OPEN_TASK_STATES).exists():
        raise Refused("还有承办单位未答复，不能答复诉求人")
    apply_appeal(appeal, AppealStatus.ANSWERED)
    appeal.answer = answer.strip()
    appeal.answered_at = at or timezone.now()
    appeal.save()
    _event(
        appeal, EventKind.ANSWERED, actor=actor, at=appeal.answered_at, public_text=f"答复：{appeal.answer}"
    )
    require(actor, "change", appeal)
    return appeal


@transaction.atomic
def close_appeal(appeal: Appeal, *, actor, at=None) -> Appeal:
    """办结: finishes the answered tasks; the return visit falls due the day after (rules.md)."""
    require(actor, "change", appeal)
    now = at or timezone.now()
    apply_appeal(appeal, AppealStatus.CLOSED)
    for task in appeal.tasks.filter(status=TaskStatus.ANSWERED):
        apply_task(task, TaskStatus.FINISHED)
        task.finished_at = now
        task.save()
        _event(appeal, EventKind.TASK_FINISHED, actor=actor, task=task, at=now)
    appeal.closed_at = now
    appeal.return_visit_due_at = workdays.start_after(now, rules.return_visit_after())
    appeal.save()
    _event(appeal, EventKind.CLOSED, actor=actor, at=now, public_text="已办结，欢迎对办理结果进行评价")
    require(actor, "change", appeal)
    return appeal


@transaction.atomic
def return_visit(appeal: Appeal, *, actor, note: str = "", satisfied: bool | None = None, at=None) -> Appeal:
    """回访 by staff; a rating given on the call is recorded as the worker's 评价."""
    require(actor, "change", appeal)
    now = at or timezone.now()
    apply_appeal(appeal, AppealStatus.VISITED)
    appeal.visited_at = now
    appeal.visit_note = note.strip()[:255]
    appeal.save()
    _event(appeal, EventKind.VISITED, actor=actor, note=note, at=now, public_text="工作人员已回访")
    if satisfied is not None:
        _rate(appeal, satisfied=satisfied, comment=note, actor=actor, at=now)
    require(actor, "change", appeal)
    return appeal


def _rate(appeal: Appeal, *, satisfied: bool, comment: str, actor, at=None, label="") -> Appeal:
    now = at or timezone.now()
    apply_appeal(appeal, AppealStatus.RATED)
    appeal.satisfied = satisfied
    appeal.rating_comment = (comment or "").strip()[:255]
    appeal.rated_at = now
    appeal.save()
    verdict = "满意" if satisfied else "不满意"
    _event(
        appeal,
        EventKind.RATED,
        actor=actor,
        label=label,
        note=comment,
        at=now,
        public_text=f"评价：{verdict}" + (f"（{appeal.rating_comment}）" if appeal.rating_comment else ""),
    )
    if not satisfied:
        _reopen(
            appeal,
            actor=actor,
            reason=f"诉求人不满意：{appeal.rating_comment}" if appeal.rating_comment else "诉求人不满意",
            at=now,
        )
    return appeal


@transaction.atomic
def rate_appeal(appeal: Appeal, *, worker, satisfied: bool, comment: str = "", at=None) -> Appeal:
    """评价 by the worker after 办结 (or after the return visit). 不满意 reopens the case."""
    appeal = Appeal.objects.select_for_update().filter(pk=appeal.pk).first()
    if appeal is None or worker is None or appeal.worker_id != worker.pk:
        raise OutOfScope()
    if appeal.status not in (AppealStatus.CLOSED, AppealStatus.VISITED):
        raise Refused("诉求办结后才能评价" if appeal.status != AppealStatus.RATED else "您已评价过该诉求")
    return _rate(appeal, satisfied=satisfied, comment=comment, actor=worker, label="诉求人", at=at)


@transaction.atomic
def reopen_appeal(appeal: Appeal, *, actor, reason: str, at=None) -> Appeal:
    """Reopen (重新办理) by staff, e.g. on a 不满意 verdict given on the return-visit call: the units that
    handled it get their tasks back with fresh deadlines."""
    require(actor, "change", appeal)
    _reopen(appeal, actor=actor, reason=reason, at=at)
    require(actor, "change", appeal)
    return appeal


def _reopen(appeal: Appeal, *, actor, reason: str, at=None) -> Appeal:
    """Reopen, for staff (`reopen_appeal`) or the worker's 不满意 (`rate_appeal`), checked by the caller."""
    now = at or timezone.now()
    apply_appeal(appeal, AppealStatus.DISPATCHED)
    appeal.reopened_count += 1
    appeal.answer_due_at, appeal.due_at = _deadlines(now, appeal.limit_kind, appeal.green)
    appeal.closed_at = appeal.answered_at = appeal.visited_at = appeal.return_visit_due_at = None
    appeal.save()
    for task in appeal.tasks.filter(status__in=(TaskStatus.FINISHED, TaskStatus.ANSWERED)):
        apply_task(task, TaskStatus.SIGNED)
        task.assigned_at = now
        _task_deadlines(task, appeal, now)
        task.signed_at = now
        task.finished_at = task.answered_at = None
        task.escalated_to = None
        task.save()
    _event(
        appeal,
        EventKind.REOPENED,
        actor=actor,
        note=reason,
        at=now,
        public_text=f"已重新办理，将于 {_fmt(appeal.answer_due_at)} 前再次答复",
    )
    return appeal


# --- the worker's rights over their data ---


@transaction.atomic
def anonymise_worker(*, worker) -> int:
    """A worker deleted their data (their own act, PIPL art. 47): their appeals stay for the statistics,
    unlinked from them, with the text, their rating comments and photos erased. Returns the number of
    appeals anonymised."""
    appeals = list(Appeal.objects.filter(worker=worker))
    for appeal in appeals:
        for photo in appeal.photos.all():
            photo.file.delete(save=False)
            photo.delete()
        appeal.anonymise()
        appeal.save()
        appeal.events.filter(kind=EventKind.RATED).update(note="", public_text="")
        _event(appeal, EventKind.ANONYMISED, actor=worker, label="系统")
    return len(appeals)

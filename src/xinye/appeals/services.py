"""The appeal loop (rules.md §Appeals, 12345 / 接诉即办): 受理 → 派单 → 签收 → 办理 → 答复 → 办结 → 回访 → 评价,
回退 of a mis-routed task, reopening on 不满意, reminders/escalation by `xinye tick`, statistics.

Every step is one function here: one transaction, `require(actor, …)` before the write and again on the
saved row, an AppealEvent row naming the actor and the time. `actor` is a required keyword — a staff user,
or `system_actor(…)` for the demo, the CLI and `xinye tick`; the worker's own steps (filing, 评价) take
the `worker` instead and check that the appeal is theirs. Console, API, portal and CLI call these and
nothing else writes. Refusals are `Refused` (a rule said no) or `OutOfScope` (404).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from xinye.accounts.permissions import (
    actor_user,
    has_action,
    in_scope,
    is_system,
    require,
    restrict,
)
from xinye.appeals import deadlines, rules
from xinye.appeals.cases import CaseEvent
from xinye.appeals.choices import (
    OPEN_TASK_STATES,
    AppealCategory,
    AppealSource,
    AppealStatus,
    EventKind,
    LimitKind,
    ReminderKind,
    TaskStatus,
)
from xinye.appeals.models import Appeal, AppealEvent, AppealPhoto, AppealReminder, AppealTask
from xinye.appeals.uploads import stored_name, validate_photos
from xinye.core.context import actor_context, current_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit, Responsibility

# Read-only helpers and pure rule functions: no actor (the signature test checks every other function).
READS = (
    "apply_appeal",
    "apply_task",
    "community_of_region",
    "county_work_committee",
    "home_unit",
    "route",
    "disclosure",
    "filer_contact",
    "period_tasks",
    "statistics",
    "overdue_tasks",
    "open_filter",
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


def _apply(obj, table: dict, new_state: str, labels) -> None:
    current = obj.status
    if new_state not in table.get(current, set()):
        raise Refused(f"当前状态“{labels(current).label}”不能转为“{labels(new_state).label}”")
    obj.status = new_state


def apply_appeal(appeal: Appeal, new_state: str) -> None:
    """The one place an appeal changes state (in memory); refuses what the table does not allow."""
    _apply(appeal, APPEAL_TRANSITIONS, new_state, AppealStatus)


def apply_task(task: AppealTask, new_state: str) -> None:
    """The one place a task changes state (in memory); refuses what the table does not allow."""
    _apply(task, TASK_TRANSITIONS, new_state, TaskStatus)


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


def _fmt(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# --- routing: where an appeal belongs and who handles it ---
#
# Routing reads the org tree that county admins write to, so it must not be steerable by whoever creates
# units (leak 7 of the spine issue: a community labelled with another county's region, created under one's
# own street, captured that county's appeals). A unit counts for a region only when it is *anchored* there:
# its own region is that region and every unit above it lies in that region or in one containing it — a
# real 科尔沁左翼中旗 community hangs from that county's street and 两新工委, a planted one from 科尔沁区's.


def _region_and_ancestors(region) -> set[str]:
    codes, current, seen = set(), region, 0
    while current is not None and seen < 8:
        codes.add(current.pk)
        current = current.parent if current.parent_id else None
        seen += 1
    return codes


def _anchored(units: list[OrgUnit], region) -> list[OrgUnit]:
    """`units` (of `region`, in order) whose whole ancestry lies in `region` or a region containing it."""
    if not units:
        return []
    allowed = _region_and_ancestors(region)
    above = {int(p) for u in units for p in u.path.strip("/").split("/")[:-1] if p}
    regions = dict(OrgUnit.objects.filter(pk__in=above).values_list("pk", "region_id"))
    out = []
    for unit in units:
        chain = [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]
        if unit.region_id == region.pk and all(regions.get(pk) in allowed for pk in chain):
            out.append(unit)
    return out


def community_of_region(region) -> OrgUnit | None:
    """The community an appeal of `region` goes to when nothing more specific is known: the first (by tree
    position, so deterministic) active community anchored in that region, or None."""
    if region is None:
        return None
    candidates = list(
        OrgUnit.objects.filter(kind=UnitKind.COMMUNITY, region=region, is_active=True).order_by("path")[:50]
    )
    anchored = _anchored(candidates, region)
    return anchored[0] if anchored else None


def county_work_committee(region) -> OrgUnit | None:
    """The 两新工委 anchored in `region` (the county's), else the topmost one (the city's)."""
    qs = OrgUnit.objects.filter(kind=UnitKind.WORK_COMMITTEE, is_active=True).order_by("depth", "path")
    if region is not None:
        anchored = _anchored(list(qs.filter(region=region)[:20]), region)
        if anchored:
            return anchored[0]
    return qs.first()


def _responsible_unit(enterprise, role: str) -> OrgUnit | None:
    if enterprise is None:
        return None
    row = (
        Responsibility.objects.filter(
            content_type=ContentType.objects.get_for_model(type(enterprise)),
            object_id=enterprise.pk,
            role=role,
            unit__isnull=False,
        )
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    return row.unit if row else None


def home_unit(*, worker=None, region=None, enterprise=None) -> OrgUnit | None:
    """Where an appeal belongs (属地): the worker's community, else the enterprise's 兜底 community (the
    responsibility matrix), else the region's anchored community, else the county 两新工委."""
    if worker is not None and worker.unit_id:
        return worker.unit
    unit = _responsible_unit(enterprise, "community")
    if unit is not None:
        return unit
    region = (
        region
        or (worker.region if worker is not None else None)
        or (enterprise.region if enterprise else None)
    )
    return community_of_region(region) or county_work_committee(region)


def _resolve_target(target: str, appeal: Appeal) -> OrgUnit | None:
    for option in target.split("|"):
        option = option.strip()
        unit = None
        if option == "community":
            unit = (
                appeal.unit if appeal.unit.kind == UnitKind.COMMUNITY else community_of_region(appeal.region)
            )
        elif option == "county_wc":
            unit = county_work_committee(appeal.region)
        elif option.startswith("role:"):
            unit = _responsible_unit(appeal.enterprise, option[5:])
        elif option.startswith("unit:"):
            unit = OrgUnit.objects.filter(code=option[5:], is_active=True).first()
        if unit is not None:
            return unit
    return None


def route(appeal: Appeal) -> list[OrgUnit]:
    """Default 派单 targets from the category, the worker's county and the responsibility matrix
    (rules.DEFAULT_ROUTING). Never empty: falls back to the appeal's own unit."""
    units = []
    for target in rules.routing(appeal.category):
        unit = _resolve_target(target, appeal)
        if unit is not None and unit not in units:
            units.append(unit)
    return units or [appeal.unit]


# --- who may read an appeal's personal content ---


@dataclass(frozen=True)
class Disclosure:
    """What of an appeal's personal content (its text, answers, notes, the filer's contact) a user may read.

    `full`: view_sensitive over the appeal itself (its 属地 unit's tree). `task_ids`: the live tasks of the
    appeal the user handles with view_sensitive over them — a handling unit sees what it needs for the
    work (the text, the filer's name and phone for 回访, the appeal's answer, its own tasks' answers and
    notes), never another unit's answer. Everyone else sees lengths only."""

    full: bool = False
    task_ids: frozenset = frozenset()

    @property
    def any(self) -> bool:
        return self.full or bool(self.task_ids)

    @property
    def by_task(self) -> bool:
        """Shown only because the user handles a task (the reveal to log as such)."""
        return not self.full and bool(self.task_ids)

    def task(self, task_id) -> bool:
        return self.full or task_id in self.task_ids

    def event(self, event) -> bool:
        return self.full or (
            bool(self.task_ids) and (event.task_id is None or event.task_id in self.task_ids)
        )


def disclosure(user, appeal: Appeal) -> Disclosure:
    """The user's Disclosure for `appeal` (two small queries; none for the system)."""
    if in_scope(user, "view_sensitive", appeal):
        return Disclosure(full=True)
    live = appeal.tasks.exclude(status=TaskStatus.RETURNED)
    ids = frozenset(restrict(live, user, "view_sensitive").values_list("pk", flat=True))
    return Disclosure(task_ids=ids)


def filer_contact(appeal: Appeal) -> tuple[str, str]:
    """(name, phone) of whoever to call back for 回访: the worker, else the staff member who filed it."""
    if appeal.worker_id:
        worker = appeal.worker
        return worker.name or "（未留姓名）", worker.phone or ""
    if appeal.created_by_id:
        user = appeal.created_by
        return f"{getattr(user, 'display_name', '') or user.get_username()}（录入人）", ""
    return "（走访收集，无提出人）", ""


# --- submission ---

CATEGORIES = frozenset(AppealCategory.values)
STAFF_SOURCES = frozenset({AppealSource.STAFF, AppealSource.VISIT})


def _check_rate(worker) -> None:
    count, seconds = rules.rate_limit()
    if Appeal.rate_exceeded(worker, time_field="submitted_at", count=count, seconds=seconds):
        minutes = max(1, seconds // 60)
        raise Refused(f"提交过于频繁：每 {minutes} 分钟最多提交 {count} 件诉求，请稍后再试")


def _clean_submission(category: str, text: str) -> tuple[str, str]:
    if category not in CATEGORIES:
        # a Chinese label (e.g. from a visit record) is accepted too
        category = {str(label): value for value, label in AppealCategory.choices}.get(category, category)
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
    for file, content_type, ext in checked:
        photo = AppealPhoto(appeal=appeal, content_type=content_type)
        photo.file.save(stored_name(ext), file, save=True)
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
        checked = validate_photos(photos)
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
    checked = validate_photos(photos)
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
    appeal.answer_due_at = deadlines.add(now, rules.limit(appeal.limit_kind, "answer"))
    appeal.due_at = max(appeal.answer_due_at, deadlines.add(now, rules.limit(appeal.limit_kind, "finish")))
    appeal.save()
    _event(
        appeal,
        EventKind.ACCEPTED,
        actor=actor,
        at=now,
        public_text=f"已受理，将于 {_fmt(appeal.answer_due_at)} 前答复",
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


def _task_deadlines(task: AppealTask, kind: str, now) -> None:
    task.sign_due_at = deadlines.add(now, rules.limit(kind, "sign"))
    task.answer_due_at = deadlines.add(now, rules.limit(kind, "answer"))
    task.due_at = max(task.answer_due_at, deadlines.add(now, rules.limit(kind, "finish")))


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
        _task_deadlines(task, appeal.limit_kind, now)
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
    limit_at = deadlines.add(task.assigned_at, rules.return_within())
    if now > limit_at:
        raise Refused(
            f"回退须在派单后 {deadlines.describe(rules.return_within())}内提出（截至 {_fmt(limit_at)}）"
        )
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
        raise Refused("只有投诉/复杂事项可以延期")
    if appeal.extended:
        raise Refused("该诉求已延期一次，不能再次延期")
    if not reason.strip():
        raise Refused("延期须说明理由")
    if not appeal.is_open or appeal.due_at is None:
        raise Refused("只有办理中的诉求可以延期")
    span = rules.extension()
    appeal.due_at = deadlines.add(appeal.due_at, span)
    appeal.answer_due_at = (
        deadlines.add(appeal.answer_due_at, span) if appeal.answer_due_at else appeal.due_at
    )
    appeal.extended = True
    appeal.extension_reason = reason.strip()[:255]
    appeal.save()
    for task in appeal.tasks.filter(status__in=OPEN_TASK_STATES):
        task.due_at = deadlines.add(task.due_at, span)
        task.answer_due_at = deadlines.add(task.answer_due_at, span)
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
    appeal.return_visit_due_at = deadlines.start_after(now, rules.return_visit_after())
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
    appeal.answer_due_at = deadlines.add(now, rules.limit(appeal.limit_kind, "answer"))
    appeal.due_at = max(appeal.answer_due_at, deadlines.add(now, rules.limit(appeal.limit_kind, "finish")))
    appeal.closed_at = appeal.answered_at = appeal.visited_at = appeal.return_visit_due_at = None
    appeal.save()
    for task in appeal.tasks.filter(status__in=(TaskStatus.FINISHED, TaskStatus.ANSWERED)):
        apply_task(task, TaskStatus.SIGNED)
        task.assigned_at = now
        _task_deadlines(task, appeal.limit_kind, now)
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


# --- xinye tick: reminders, escalation, return visits ---


@dataclass
class TickResult:
    reminded: int = 0
    escalated: int = 0
    visits_due: int = 0
    details: list = field(default_factory=list)


def _remind(key, kind, appeal, unit, message, task=None, now=None) -> bool:
    _obj, created = AppealReminder.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "appeal": appeal,
            "task": task,
            "unit": unit,
            "message": message[:255],
            "created_at": now or timezone.now(),
        },
    )
    return created


def tick(*, actor, now=None) -> TickResult:
    """`xinye tick`: the periodic duties below, done by the system — `actor` is `system_actor("tick")` (a
    staff user is refused: reminders go to every unit). The change log and the events name that actor."""
    if not is_system(actor):
        raise OutOfScope()
    current = current_actor()
    with actor_context(source=current.source, request_id=current.request_id or None, label=actor.label):
        return _tick(actor=actor, now=now)


@transaction.atomic
def _tick(*, actor, now=None) -> TickResult:
    """Run by cron / a systemd timer every few minutes (`xinye tick`). Idempotent: a reminder is keyed by
    task, kind and deadline, so running twice writes nothing new.
    - 催办: the day after a task's deadline passes (rules.md: "a reminder the day after");
    - 督办: reported to the unit's superior (its parent unit) if still open 5 working days after the deadline;
    - 回访: the day after 办结, a reminder to the appeal's unit to call the worker back."""
    now = now or timezone.now()
    result = TickResult()
    remind_after, escalate_after = rules.remind_after(), rules.escalate_after()
    overdue = (
        AppealTask.objects.filter(status__in=OPEN_TASK_STATES, due_at__lt=now)
        .select_related("appeal", "unit", "unit__parent")
        .order_by("due_at", "pk")
    )
    for task in overdue:
        stamp = int(task.due_at.timestamp())
        if now >= deadlines.start_after(task.due_at, remind_after):
            message = f"催办：{task.appeal.number}（{task.appeal.get_category_display()}）已超过办结时限 {_fmt(task.due_at)}"
            if _remind(
                f"overdue:{task.pk}:{stamp}", ReminderKind.OVERDUE, task.appeal, task.unit, message, task, now
            ):
                _event(task.appeal, EventKind.REMINDED, actor=actor, task=task, note=message, at=now)
                result.reminded += 1
                result.details.append(message)
        if now >= deadlines.start_after(task.due_at, escalate_after):
            superior = task.unit.parent or county_work_committee(task.appeal.region)
            span = deadlines.describe(escalate_after)  # "5 个工作日"
            message = (
                f"督办：{task.unit.name}承办的 {task.appeal.number} 逾期 {span}仍未办结，"
                f"报{superior.name}督办"
            )
            if _remind(
                f"escalate:{task.pk}:{stamp}",
                ReminderKind.ESCALATION,
                task.appeal,
                superior,
                message,
                task,
                now,
            ):
                task.escalated_to = superior
                task.save(update_fields=["escalated_to", "updated_at"])
                _event(task.appeal, EventKind.ESCALATED, actor=actor, task=task, note=message, at=now)
                result.escalated += 1
                result.details.append(message)
    visits = Appeal.objects.filter(
        status=AppealStatus.CLOSED, return_visit_due_at__lte=now, visited_at__isnull=True
    )
    for appeal in visits.select_related("unit"):
        stamp = int(appeal.closed_at.timestamp()) if appeal.closed_at else 0
        message = f"回访：{appeal.number} 已于 {_fmt(appeal.closed_at)} 办结，请回访诉求人"
        if _remind(
            f"visit:{appeal.pk}:{stamp}", ReminderKind.RETURN_VISIT, appeal, appeal.unit, message, None, now
        ):
            _event(appeal, EventKind.VISIT_DUE, actor=actor, note=message, at=now)
            result.visits_due += 1
            result.details.append(message)
    return result


@transaction.atomic
def mark_reminders_read(reminders, *, actor) -> int:
    """Mark reminders as read (the console's action); each must be inside the actor's scope. Returns how
    many were unread."""
    now, count = timezone.now(), 0
    for reminder in reminders:
        require(actor, "change", reminder)
        if reminder.read_at is None:
            reminder.read_at = now
            reminder.save(update_fields=["read_at"])
            count += 1
    return count


# --- statistics: 响应率, 解决率, 满意率 ---


def _rate_of(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class UnitStats:
    unit: OrgUnit | None
    tasks: int = 0
    signed_in_time: int = 0
    finished: int = 0
    rated: int = 0
    satisfied: int = 0
    overdue: int = 0

    @property
    def response_rate(self):
        return _rate_of(self.signed_in_time, self.tasks)

    @property
    def resolution_rate(self):
        return _rate_of(self.finished, self.tasks)

    @property
    def satisfaction_rate(self):
        return _rate_of(self.satisfied, self.rated)

    def as_dict(self) -> dict:
        return {
            "unit_id": self.unit.pk if self.unit else None,
            "unit": self.unit.name if self.unit else "合计",
            "tasks": self.tasks,
            "signed_in_time": self.signed_in_time,
            "finished": self.finished,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "overdue": self.overdue,
            "response_rate": self.response_rate,
            "resolution_rate": self.resolution_rate,
            "satisfaction_rate": self.satisfaction_rate,
        }


def period_tasks(tasks, start: datetime.date | None = None, end: datetime.date | None = None):
    """Tasks assigned within [start, end] (local dates), mis-routed (回退) ones left out."""
    tz = timezone.get_default_timezone()
    tasks = tasks.exclude(status=TaskStatus.RETURNED)
    if start:
        tasks = tasks.filter(
            assigned_at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min), tz)
        )
    if end:
        tasks = tasks.filter(
            assigned_at__lt=timezone.make_aware(
                datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min), tz
            )
        )
    return tasks


def statistics(tasks, *, now=None) -> tuple[UnitStats, list[UnitStats]]:
    """Per assigned unit and in total over a task queryset (already restricted and filtered by period):
    响应率 = tasks signed within the limit ÷ tasks; 解决率 = finished ÷ tasks; 满意率 = satisfied ÷ rated
    (the appeal's rating counts for each unit that worked on it)."""
    now = now or timezone.now()
    rows: dict[int, UnitStats] = {}
    total = UnitStats(None)
    rated_appeals: set[int] = set()
    for task in tasks.select_related("unit", "appeal").order_by("unit__path", "pk"):
        row = rows.setdefault(task.unit_id, UnitStats(task.unit))
        for target in (row, total):
            target.tasks += 1
            target.signed_in_time += task.signed_in_time
            target.finished += task.status == TaskStatus.FINISHED
            target.overdue += bool(task.is_open and task.due_at and task.due_at < now)
        if task.appeal.satisfied is not None:
            row.rated += 1
            row.satisfied += bool(task.appeal.satisfied)
            if task.appeal_id not in rated_appeals:  # in the total, an appeal is rated once
                rated_appeals.add(task.appeal_id)
                total.rated += 1
                total.satisfied += bool(task.appeal.satisfied)
    return total, sorted(rows.values(), key=lambda r: r.unit.path)


def overdue_tasks(tasks, *, now=None):
    now = now or timezone.now()
    return (
        tasks.filter(status__in=OPEN_TASK_STATES, due_at__lt=now)
        .select_related("appeal", "unit")
        .order_by("due_at")
    )


def open_filter() -> Q:
    return Q(status__in=OPEN_TASK_STATES)

"""The write door of plans: plans and goals (a live goal is never typed in; a reported one needs evidence),
the monthly task loop (下达 → 签收 → 进展/月报 → 完成, deadlines on the working-day calendar), 督办 notices
with a reply, the ranking's rule table and its publication, drives — and `tick`, the periodic reminders
and escalation `xinye tick` runs (keyed, so written once however often tick runs).

Reads: `overdue_tasks`, `at_risk_tasks` (the dashboards and the API's ?status=overdue)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import actor_user, is_system, require
from xinye.core import workdays
from xinye.core.context import actor_context, current_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.orgs.choices import UnitKind
from xinye.plans import ranking
from xinye.plans.choices import (
    OPEN_TASK_STATES,
    TRANSITIONS,
    NoticeKind,
    ReportKind,
    TaskStatus,
)
from xinye.plans.models import (
    Drive,
    Goal,
    OfficeScore,
    Plan,
    PlanNotice,
    PlanTask,
    ScoreRule,
    TaskReport,
)
from xinye.plans.rules import rule

READS = (
    "clean_plan",
    "clean_goal",
    "clean_task",
    "clean_score_rule",
    "clean_drive",
    "overdue_tasks",
    "at_risk_tasks",
    "task_state",
    "day_end",
)


def _today(now=None) -> datetime.date:
    return workdays.local_date(now or timezone.now())


def day_end(day: datetime.date) -> datetime.datetime:
    """The end of a day (23:59:59 Asia/Shanghai): a task due on a day may be finished until then."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return workdays.add(start, (0, "days"))


# --- plans and goals ---


def clean_plan(*, year: int, owner) -> None:
    if year is None or not 2000 <= year <= 2100:
        raise Refused({"year": "年度应为 2000–2100 之间的年份"})
    if owner is not None and owner.kind not in (
        UnitKind.WORK_COMMITTEE,
        UnitKind.INDUSTRY_COMMITTEE,
        UnitKind.ORG_DEPARTMENT,
        UnitKind.INDUSTRY_OFFICE,
    ):
        raise Refused({"owner": "工作方案由两新工委、行业党委或行业党建办制定"})


@transaction.atomic
def save_plan(plan: Plan, *, actor) -> Plan:
    """Create or change a plan inside the actor's scope (one per owner and year)."""
    clean_plan(year=plan.year, owner=plan.owner if plan.owner_id else None)
    clash = Plan.objects.filter(year=plan.year, owner_id=plan.owner_id).exclude(pk=plan.pk)
    if clash.exists():
        raise Refused({"year": f"{plan.owner}已有 {plan.year} 年度工作方案"})
    return writes.save(plan, actor=actor)


@transaction.atomic
def delete_plan(plan: Plan, *, actor) -> None:
    """Remove a plan with its goals; its tasks stay (they were sent)."""
    writes.delete(plan, actor=actor)


def clean_goal(
    *, indicator: str, target, reported_value=None, evidence: str = "", evidence_file=None
) -> None:
    from xinye.plans.choices import Indicator

    if indicator not in Indicator.values:
        raise Refused({"indicator": f"未知的指标：{indicator}"})
    if target is None or Decimal(target) < 0:
        raise Refused({"target": "目标值不能为负数"})
    if indicator != Indicator.REPORTED and reported_value is not None:
        raise Refused({"reported_value": "该指标由系统按实际数据计算，不能填报"})
    if reported_value is not None and not (evidence or "").strip() and not evidence_file:
        raise Refused({"evidence": "填报指标须附佐证说明或佐证材料"})


@transaction.atomic
def save_goal(goal: Goal, *, actor) -> Goal:
    """Create or change a goal of a plan in the actor's scope. A live indicator carries no reported value."""
    clean_goal(
        indicator=goal.indicator,
        target=goal.target,
        reported_value=goal.reported_value,
        evidence=goal.evidence,
        evidence_file=goal.evidence_file,
    )
    if goal.reported_value is not None and goal.reported_at is None:
        goal.reported_at = timezone.now()
    return writes.save(goal, actor=actor)


@transaction.atomic
def delete_goal(goal: Goal, *, actor) -> None:
    writes.delete(goal, actor=actor)


@transaction.atomic
def report_goal(goal: Goal, *, value, evidence: str = "", evidence_file=None, actor) -> Goal:
    """Report the actual value of a reported goal, with evidence (a note or a file); a live goal is refused."""
    require(actor, "change", goal)
    if goal.is_live:
        raise Refused({"reported_value": "该指标由系统按实际数据计算，不能填报"})
    if value is None or Decimal(value) < 0:
        raise Refused({"reported_value": "请填写不小于 0 的完成值"})
    if not (evidence or "").strip() and not evidence_file:
        raise Refused({"evidence": "填报指标须附佐证说明或佐证材料"})
    goal.reported_value = Decimal(value)
    goal.evidence = (evidence or "").strip()
    if evidence_file:
        goal.evidence_file = evidence_file
    goal.reported_at = timezone.now()
    goal.save()
    require(actor, "change", goal)
    return goal


# --- the task loop ---


def clean_task(*, office, issuer, due_date, today: datetime.date | None = None) -> None:
    """A task goes to a 行业党建办 from a unit on its lines (its county 两新工委 or above, or its 行业党委), and
    is due on a working day not in the past."""
    if office is not None and office.kind != UnitKind.INDUSTRY_OFFICE:
        raise Refused({"office": "月度任务下达到行业党建办"})
    if office is not None and issuer is not None:
        on_line = office.path.startswith(issuer.path) or (
            office.answers_to_id is not None and office.answers_to.path.startswith(issuer.path)
        )
        if not on_line or issuer.pk == office.pk:
            raise Refused({"issuer": f"{issuer}不是{office}的上级两新工委或行业党委"})
    if due_date is not None:
        if today is not None and due_date < today:
            raise Refused({"due_date": "完成时限不能早于今天"})
        if not workdays.is_workday(due_date):
            nxt = workdays.add_workdays(due_date, 0)
            raise Refused({"due_date": f"{due_date} 不是工作日，请改为 {nxt} 或之前的工作日"})


@transaction.atomic
def issue_task(
    *, actor, office, issuer, title: str, due_date: datetime.date, details: str = "", plan=None, now=None
) -> PlanTask:
    """下达: send a task to one office, due on `due_date` (a working day); it is to be signed within the
    rule's working days."""
    now = now or timezone.now()
    if not (title or "").strip():
        raise Refused({"title": "请填写任务名称"})
    require(actor, "view", issuer)
    require(actor, "add", model=PlanTask, unit=office)
    clean_task(office=office, issuer=issuer, due_date=due_date, today=_today(now))
    sign_due = workdays.local_date(workdays.add(now, rule("sign_within")))
    task = PlanTask.objects.create(
        plan=plan,
        month=due_date.replace(day=1),
        title=title.strip(),
        details=details,
        issuer=issuer,
        office=office,
        issued_at=now,
        sign_due=min(sign_due, due_date),
        due_date=due_date,
    )
    require(actor, "add", task)
    return task


@transaction.atomic
def issue_tasks(*, actor, offices, issuer, title: str, due_date, details: str = "", plan=None, now=None):
    """下达 the same task to many offices at once (e.g. all 53); all or none."""
    return [
        issue_task(
            actor=actor,
            office=o,
            issuer=issuer,
            title=title,
            due_date=due_date,
            details=details,
            plan=plan,
            now=now,
        )
        for o in offices
    ]


@transaction.atomic
def update_task(task: PlanTask, *, actor) -> PlanTask:
    """Change a task's wording (title, requirements); its office, issuer and deadline stay as sent."""
    if not (task.title or "").strip():
        raise Refused({"title": "请填写任务名称"})
    stored = PlanTask.objects.filter(pk=task.pk).values("office_id", "issuer_id", "due_date").first()
    if stored is None:
        raise OutOfScope()
    if (task.office_id, task.issuer_id, task.due_date) != (
        stored["office_id"],
        stored["issuer_id"],
        stored["due_date"],
    ):
        raise Refused({"due_date": "已下达任务的承办单位、下达单位和完成时限不能修改"})
    return writes.save(task, actor=actor)


def _move(task: PlanTask, to: str) -> None:
    if to not in TRANSITIONS[TaskStatus(task.status)]:
        raise Refused(
            {"status": f"任务当前为“{task.get_status_display()}”，不能改为“{TaskStatus(to).label}”"}
        )
    task.status = to


@transaction.atomic
def sign_task(task: PlanTask, *, actor, now=None) -> PlanTask:
    """签收: the office acknowledges the task."""
    require(actor, "change", task)
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    _move(task, TaskStatus.SIGNED)
    task.signed_at = now or timezone.now()
    task.save()
    return task


@transaction.atomic
def report_task(
    task: PlanTask, *, actor, text: str, kind: str = ReportKind.PROGRESS, attachment=None, now=None
) -> TaskReport:
    """进展/月报, or the final report that completes the task (完成; after the deadline it counts as late).
    A task must be signed first."""
    require(actor, "change", task)
    if kind not in ReportKind.values:
        raise Refused({"kind": f"未知的报告类型：{kind}"})
    if not (text or "").strip():
        raise Refused({"text": "请填写进展内容"})
    now = now or timezone.now()
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    if task.status == TaskStatus.ISSUED:
        raise Refused({"status": "请先签收任务再报送进展"})
    _move(task, TaskStatus.DONE if kind == ReportKind.FINAL else TaskStatus.IN_PROGRESS)
    if kind == ReportKind.FINAL:
        task.finished_on = _today(now)
    task.save()
    report = TaskReport.objects.create(
        task=task,
        kind=kind,
        text=text.strip(),
        attachment=attachment or "",
        created_at=now,
        created_by=actor_user(actor),
    )
    require(actor, "change", task)
    return report


def task_state(task: PlanTask, today: datetime.date) -> str:
    """完成 / 逾期完成 / 逾期 / 临期 / the status label: how a task reads on a list."""
    if task.status == TaskStatus.DONE:
        return "逾期完成" if task.finished_late else "按期完成"
    if task.due_date < today:
        return "逾期"
    if workdays.workdays_between(today, task.due_date) <= rule("due_soon"):
        return "临期"
    return task.get_status_display()


def overdue_tasks(tasks, today: datetime.date | None = None):
    """Open tasks whose deadline has passed (逾期)."""
    return tasks.filter(status__in=OPEN_TASK_STATES, due_date__lt=today or _today())


def at_risk_tasks(tasks, today: datetime.date | None = None):
    """Open tasks due within the rule's working days (临期), not yet overdue."""
    today = today or _today()
    limit = workdays.add_workdays(today, rule("due_soon"))
    return tasks.filter(status__in=OPEN_TASK_STATES, due_date__gte=today, due_date__lte=limit)


# --- 督办 notices ---


@transaction.atomic
def send_supervision(*, actor, office, sender, message: str, task=None, now=None) -> PlanNotice:
    """督办: a notice to an office from a unit on its lines, to be answered within the rule's working days."""
    if not (message or "").strip():
        raise Refused({"message": "请填写督办事项"})
    require(actor, "view", sender)
    require(actor, "add", model=PlanNotice, unit=office)
    clean_task(office=office, issuer=sender, due_date=None)
    if task is not None and task.office_id != office.pk:
        raise Refused({"task": "所督办的任务不属于该单位"})
    now = now or timezone.now()
    notice = PlanNotice.objects.create(
        kind=NoticeKind.SUPERVISION,
        task=task,
        unit=office,
        sender=sender,
        message=message.strip(),
        reply_required=True,
        reply_due=workdays.local_date(workdays.add(now, rule("reply_within"))),
        created_at=now,
    )
    require(actor, "add", notice)
    return notice


@transaction.atomic
def reply_notice(notice: PlanNotice, *, actor, reply: str, now=None) -> PlanNotice:
    """The office answers a 督办 notice (once)."""
    require(actor, "change", notice)
    if not notice.reply_required:
        raise Refused({"reply": "该提醒无需回复"})
    if notice.replied_at is not None:
        raise Refused({"reply": "已回复，不能重复回复"})
    if not (reply or "").strip():
        raise Refused({"reply": "请填写回复内容"})
    notice.reply = reply.strip()
    notice.replied_at = now or timezone.now()
    notice.read_at = notice.read_at or notice.replied_at
    notice.save()
    return notice


@transaction.atomic
def mark_notices_read(notices, *, actor) -> int:
    now, count = timezone.now(), 0
    for notice in notices:
        require(actor, "change", notice)
        if notice.read_at is None:
            notice.read_at = now
            notice.save(update_fields=["read_at"])
            count += 1
    return count


# --- the ranking's rule table and publication ---


def clean_score_rule(*, weight, param) -> None:
    if weight is None or not 0 <= Decimal(weight) <= 100:
        raise Refused({"weight": "权重应在 0–100 之间"})
    if param is None or Decimal(param) < 0:
        raise Refused({"param": "参数不能为负数"})


@transaction.atomic
def save_score_rule(score_rule: ScoreRule, *, actor) -> ScoreRule:
    """Change a row of the rule table (the city); the weights together must stay above 0."""
    clean_score_rule(weight=score_rule.weight, param=score_rule.param)
    others = sum(r.weight for r in ScoreRule.objects.exclude(pk=score_rule.pk))
    if others + Decimal(score_rule.weight) <= 0:
        raise Refused({"weight": "各评分项权重之和须大于 0"})
    return writes.save(score_rule, actor=actor)


@transaction.atomic
def ensure_score_rules(*, actor, owner) -> list[ScoreRule]:
    """Write the published default rule table once (owned by the city 两新工委)."""
    rows = []
    for row in ranking.default_rules():
        existing = ScoreRule.objects.filter(key=row["key"]).first()
        if existing is None:
            existing = writes.save(
                ScoreRule(
                    key=row["key"],
                    owner=owner,
                    weight=row["weight"],
                    param=row["param"],
                    description=row["description"],
                ),
                actor=actor,
            )
        rows.append(existing)
    return rows


@transaction.atomic
def publish_ranking(month: datetime.date, *, actor, today=None) -> list[OfficeScore]:
    """Compute and store the month's ranking of every office (replacing an earlier publication)."""
    today = today or _today()
    items = ranking.compute(month, today)
    for item in items:
        require(actor, "add", model=OfficeScore, unit=_office(item["office_id"]))
    OfficeScore.objects.filter(month=month).delete()
    now = timezone.now()
    rows = [
        OfficeScore(
            month=month,
            office_id=i["office_id"],
            score=i["score"],
            rank=i["rank"],
            parts=i["parts"],
            computed_at=now,
        )
        for i in items
    ]
    return OfficeScore.objects.bulk_create(rows)


def _office(pk):
    from xinye.orgs.models import OrgUnit

    return OrgUnit.objects.get(pk=pk)


# --- drives ---


def clean_drive(*, start, deadline) -> None:
    if start and deadline and deadline < start:
        raise Refused({"deadline": "截止日期不能早于开始日期"})


@transaction.atomic
def save_drive(drive: Drive, *, actor) -> Drive:
    clean_drive(start=drive.start, deadline=drive.deadline)
    return writes.save(drive, actor=actor)


@transaction.atomic
def delete_drive(drive: Drive, *, actor) -> None:
    writes.delete(drive, actor=actor)


# --- xinye tick ---


@dataclass
class TickResult:
    signs: int = 0
    due_soon: int = 0
    reminded: int = 0
    escalated: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.signs + self.due_soon + self.reminded + self.escalated

    @property
    def summary(self) -> str:
        return (
            f"签收提醒 {self.signs} 件，临期提醒 {self.due_soon} 件，催办 {self.reminded} 件，"
            f"逾期上报督办 {self.escalated} 件"
        )


def _notice(key, kind, task, unit, message, now, **extra) -> bool:
    _obj, created = PlanNotice.objects.get_or_create(
        key=key,
        defaults={"kind": kind, "task": task, "unit": unit, "message": message, "created_at": now, **extra},
    )
    return created


def tick(*, actor, now=None) -> TickResult:
    """`xinye tick`, by the system only (a staff user is refused: reminders go to every office)."""
    if not is_system(actor):
        raise OutOfScope()
    current = current_actor()
    with actor_context(source=current.source, request_id=current.request_id or None, label=actor.label):
        return _tick(now=now or timezone.now())


@transaction.atomic
def _tick(*, now) -> TickResult:
    """Idempotent duties, each notice keyed by task, kind and deadline:
    - 签收提醒 to the office when a task is still unsigned after its signing limit;
    - 临期提醒 when the rule's working days or fewer remain;
    - 催办 to the office the day after the deadline (as appeals);
    - 5 working days later: 逾期上报 to the county 两新工委 and the 行业党委, and a 督办 notice to the office
      from its county 两新工委 that requires a written reply;
    - 催办 to the office when a 督办 notice is still unanswered after its reply date."""
    today, result = _today(now), TickResult()
    due_soon, remind_after, escalate_after = rule("due_soon"), rule("remind_after"), rule("escalate_after")
    soon_limit = workdays.add_workdays(today, due_soon)
    tasks = (
        PlanTask.objects.filter(status__in=OPEN_TASK_STATES)
        .filter(Q(due_date__lte=soon_limit) | Q(status=TaskStatus.ISSUED, sign_due__lt=today))
        .select_related("office", "office__parent", "office__answers_to")
        .order_by("due_date", "pk")
    )
    for task in tasks:
        office, due = task.office, task.due_date
        if task.status == TaskStatus.ISSUED and task.sign_due < today:
            msg = f"签收提醒：{office.name}尚未签收任务“{task.title}”（签收时限 {task.sign_due}）"
            if _notice(f"sign:{task.pk}:{task.sign_due}", NoticeKind.SIGN, task, office, msg, now):
                result.signs += 1
                result.details.append(msg)
        if today <= due <= soon_limit:
            msg = f"临期提醒：任务“{task.title}”将于 {due} 到期，请{office.name}抓紧办理"
            if _notice(f"soon:{task.pk}:{due}", NoticeKind.DUE_SOON, task, office, msg, now):
                result.due_soon += 1
                result.details.append(msg)
        end = day_end(due)
        if now >= workdays.start_after(end, remind_after):
            msg = f"催办：{office.name}承办的任务“{task.title}”已超过完成时限 {due}"
            if _notice(f"overdue:{task.pk}:{due}", NoticeKind.OVERDUE, task, office, msg, now):
                result.reminded += 1
                result.details.append(msg)
        if now >= workdays.start_after(end, escalate_after):
            span = workdays.describe(escalate_after)
            msg = f"逾期上报：{office.name}承办的任务“{task.title}”逾期 {span}仍未完成（时限 {due}）"
            created = False
            for superior in (office.parent, office.answers_to):
                if superior is not None:
                    created |= _notice(
                        f"escalate:{task.pk}:{due}:{superior.pk}",
                        NoticeKind.ESCALATION,
                        task,
                        superior,
                        msg,
                        now,
                    )
            if created:
                reply_due = workdays.local_date(workdays.add(now, rule("reply_within")))
                _notice(
                    f"supervise:{task.pk}:{due}",
                    NoticeKind.SUPERVISION,
                    task,
                    office,
                    f"督办：任务“{task.title}”逾期 {span}，请于 {reply_due} 前书面说明原因和完成时间",
                    now,
                    sender=office.parent,
                    reply_required=True,
                    reply_due=reply_due,
                )
                task.escalated_to = office.parent
                task.save(update_fields=["escalated_to", "updated_at"])
                result.escalated += 1
                result.details.append(msg)
    unanswered = PlanNotice.objects.filter(reply_required=True, replied_at__isnull=True, reply_due__lt=today)
    for notice in unanswered.select_related("unit").order_by("reply_due", "pk"):
        msg = f"催办：{notice.unit.name}未在 {notice.reply_due} 前回复督办：{notice.message[:60]}"
        if _notice(
            f"reply:{notice.pk}:{notice.reply_due}",
            NoticeKind.OVERDUE,
            notice.task,
            notice.unit,
            msg,
            now,
            sender=notice.sender,
        ):
            result.reminded += 1
            result.details.append(msg)
    return result

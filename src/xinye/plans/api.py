"""Plans under /api/v1/: plans with their goals (live goals read from the data), the monthly tasks
(`?status=overdue`), the task loop's actions, 督办 notices, the ranking of the offices, and drives."""

import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from xinye.api.common import UnitRef, decimal_of, get_scoped
from xinye.api.lists import Endpoints
from xinye.core.errors import Refused
from xinye.orgs.models import OrgUnit
from xinye.plans import drives, indicators, ranking, services
from xinye.plans.filters import DRIVE_FILTERS, NOTICE_FILTERS, PLAN_FILTERS, TASK_FILTERS
from xinye.plans.models import Drive, Goal, Plan, PlanNotice, PlanTask

# Decimal inputs bounded as their column stores them (issue 18 item 10: more digits were stored, then every
# read of the list failed)
GOAL_REPORTED_VALUE = decimal_of(Goal, "reported_value")

router = Router()
endpoints = Endpoints(router, __name__)


class GoalOut(Schema):
    id: int
    title: str
    indicator: str
    indicator_label: str
    target: Decimal
    actual: Decimal | None
    unit_label: str
    source: str = Field(description="live：系统按实际数据计算；reported：填报（附佐证）")
    evidence: str

    @staticmethod
    def resolve_indicator_label(obj):
        return obj.get_indicator_display()

    @staticmethod
    def resolve_actual(obj):
        return indicators.actual(obj, timezone.localdate())

    @staticmethod
    def resolve_source(obj):
        return "live" if obj.is_live else "reported"


class PlansPlanOut(Schema):
    id: int
    year: int
    title: str
    owner: UnitRef
    summary: str
    goals: list[GoalOut]

    @staticmethod
    def resolve_goals(obj):
        return list(obj.goals.all())


class PlansTaskOut(Schema):
    id: int
    title: str
    details: str
    month: datetime.date
    issuer: UnitRef
    office: UnitRef
    status: str
    state: str = Field(description="按期完成 / 逾期完成 / 逾期 / 临期 / 当前状态")
    sign_due: datetime.date
    due_date: datetime.date
    signed_at: datetime.datetime | None
    finished_on: datetime.date | None
    escalated: bool

    @staticmethod
    def resolve_state(obj):
        return services.task_state(obj, timezone.localdate())

    @staticmethod
    def resolve_escalated(obj):
        return obj.escalated_to_id is not None


class NoticeOut(Schema):
    id: int
    kind: str
    unit: UnitRef
    task_id: int | None
    message: str
    reply_required: bool
    reply_due: datetime.date | None
    reply: str
    replied_at: datetime.datetime | None
    created_at: datetime.datetime


class DriveOut(Schema):
    id: int
    title: str
    owner: UnitRef
    start: datetime.date
    deadline: datetime.date
    description: str


_plans = Plan.objects.select_related("owner", "owner__region").prefetch_related("goals")
_tasks = PlanTask.objects.select_related("issuer", "office")
_notices = PlanNotice.objects.select_related("unit")
_drives = Drive.objects.select_related("owner")

endpoints.list(
    "/plans", "list_plans", _plans, PlansPlanOut, filters=PLAN_FILTERS, summary="工作方案与年度目标"
)
endpoints.detail("/plans/{plan_id}", "get_plan", _plans, PlansPlanOut, summary="工作方案详情")
endpoints.list(
    "/plan-tasks",
    "list_tasks",
    _tasks,
    PlansTaskOut,
    filters=TASK_FILTERS,
    summary="月度任务（?status=overdue 逾期）",
)
endpoints.detail("/plan-tasks/{task_id}", "get_task", _tasks, PlansTaskOut, summary="月度任务详情")
endpoints.list(
    "/plan-notices", "list_notices", _notices, NoticeOut, filters=NOTICE_FILTERS, summary="督办与提醒"
)
endpoints.detail("/plan-notices/{notice_id}", "get_notice", _notices, NoticeOut, summary="督办与提醒详情")
endpoints.list("/drives", "list_drives", _drives, DriveOut, filters=DRIVE_FILTERS, summary="专项行动")
endpoints.detail("/drives/{drive_id}", "get_drive", _drives, DriveOut, summary="专项行动详情")


class PlansTextIn(Schema):
    text: str


class ReportIn(Schema):
    text: str
    kind: str = Field("progress", description="progress 进展 / monthly 月报 / final 完成报告")


class GoalReportIn(Schema):
    value: GOAL_REPORTED_VALUE
    evidence: str = ""


class SupervisionIn(Schema):
    office: int
    sender: int
    message: str
    task: int | None = None


def _task_for_change(request, task_id):
    return get_scoped(request, PlanTask.objects.all(), "change", pk=task_id)


@router.post("/plan-tasks/{task_id}/sign", response=PlansTaskOut, summary="签收任务")
def sign(request, task_id: int):
    task = services.sign_task(_task_for_change(request, task_id), actor=request.user)
    return _tasks.get(pk=task.pk)


@router.post("/plan-tasks/{task_id}/reports", response=PlansTaskOut, summary="报送进展、月报或完成报告")
def report(request, task_id: int, payload: ReportIn):
    task = _task_for_change(request, task_id)
    services.report_task(task, actor=request.user, text=payload.text, kind=payload.kind)
    return _tasks.get(pk=task.pk)


@router.post("/plan-notices/{notice_id}/reply", response=NoticeOut, summary="回复督办")
def reply(request, notice_id: int, payload: PlansTextIn):
    notice = get_scoped(request, PlanNotice.objects.all(), "change", pk=notice_id)
    return services.reply_notice(notice, actor=request.user, reply=payload.text)


@router.post("/plan-notices", response={201: NoticeOut}, summary="发出督办通知（须回复）")
def supervise(request, payload: SupervisionIn):
    office = get_scoped(request, OrgUnit.objects.all(), pk=payload.office)
    sender = get_scoped(request, OrgUnit.objects.all(), pk=payload.sender)
    task = get_scoped(request, PlanTask.objects.all(), pk=payload.task) if payload.task else None
    notice = services.send_supervision(
        actor=request.user, office=office, sender=sender, message=payload.message, task=task
    )
    return Status(201, notice)


@router.post("/goals/{goal_id}/report", response=GoalOut, summary="填报目标完成值（须附佐证）")
def report_goal(request, goal_id: int, payload: GoalReportIn):
    goal = get_scoped(request, Goal.objects.select_related("plan__owner"), "change", pk=goal_id)
    services.report_goal(goal, value=payload.value, evidence=payload.evidence, actor=request.user)
    goal.refresh_from_db()
    return goal


class PartOut(Schema):
    key: str
    label: str
    weight: str
    value: str
    points: str
    explanation: str


class RankItem(Schema):
    office: str
    office_id: int
    score: Decimal
    rank: int
    parts: list[PartOut]


class RankingOut(Schema):
    month: str
    stored: bool = Field(description="true：已发布的排名；false：按当前数据和计分规则即时计算")
    items: list[RankItem]
    count: int


class RankingQuery(Schema):
    month: str = Field(description="月份 YYYY-MM，如 2026-11")


@router.get("/offices/ranking", response=RankingOut, summary="行业党建办月度排名（逐项得分说明）")
def office_ranking(request, q: Query[RankingQuery]):
    try:
        month = ranking.parse_month(q.month)
    except ValueError as exc:
        raise Refused({"month": str(exc)}) from None
    stored, items = ranking.ranking_for(request.user, month, timezone.localdate())
    return {"month": f"{month:%Y-%m}", "stored": stored, "items": items, "count": len(items)}


@router.get("/drives/{drive_id}/progress", summary="专项行动每日进度（按旗县区，来自实际数据）")
def drive_progress(request, drive_id: int):
    drive = get_scoped(request, Drive.objects.select_related("owner", "owner__region"), pk=drive_id)
    data = drives.progress(drive, timezone.localdate())
    data["days"] = [d.isoformat() for d in data["days"]]
    return data

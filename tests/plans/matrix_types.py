import datetime
import itertools

from django.utils import timezone

from tests.matrix import MatrixType, register
from tests.plans.factories import make_drive, make_goal, make_notice, make_plan
from xinye.plans.models import OfficeScore, PlanTask, ScoreRule, TaskReport

_months = itertools.count(1)
_keys = itertools.cycle(["tasks", "goals", "coverage", "health"])


def _task(unit, world=None):
    today = timezone.localdate()
    return PlanTask.objects.create(
        month=today.replace(day=1),
        title="矩阵测试任务",
        issuer=unit.parent or unit,
        office=unit,
        sign_due=today,
        due_date=today + datetime.timedelta(days=7),
    )


def _plan(unit, world):
    return make_plan(unit, year=2000 + next(_months) % 100)


def _goal(unit, world):
    return make_goal(_plan(unit, world))


def _report(unit, world):
    return TaskReport.objects.create(task=_task(unit), text="进展")


def _rule(unit, world):
    key = next(_keys)
    ScoreRule.objects.filter(key=key).delete()
    return ScoreRule.objects.create(key=key, owner=unit, weight=40, param="0.5")


def _score(unit, world):
    n = next(_months)
    return OfficeScore.objects.create(
        month=datetime.date(2000 + n // 12, n % 12 + 1, 1), office=unit, score="80.00", rank=1, parts=[]
    )


register(
    MatrixType(
        "plans.plan",
        _plan,
        api_detail="/api/v1/plans/{pk}",
        api_list="/api/v1/plans",
        change_data=lambda o: {
            "year": o.year,
            "owner": o.owner_id,
            "title": "改名",
            "goals-TOTAL_FORMS": 0,
            "goals-INITIAL_FORMS": 0,
        },
    )
)
register(
    MatrixType(
        "plans.goal",
        _goal,
        change_data=lambda o: {
            "plan": o.plan_id,
            "title": "改名",
            "indicator": "reported",
            "target": "5",
            "sort": 0,
        },
    )
)
register(
    MatrixType(
        "plans.plantask",
        _task,
        api_detail="/api/v1/plan-tasks/{pk}",
        api_list="/api/v1/plan-tasks",
        change_data=lambda o: {
            "title": "改名",
            "details": "改",
            "reports-TOTAL_FORMS": 0,
            "reports-INITIAL_FORMS": 0,
            "notices-TOTAL_FORMS": 0,
            "notices-INITIAL_FORMS": 0,
        },
        api_writes=[
            ("post", "/api/v1/plan-tasks/{pk}/sign", {}),
            ("post", "/api/v1/plan-tasks/{pk}/reports", {"text": "进展", "kind": "progress"}),
        ],
    )
)
register(MatrixType("plans.taskreport", _report))
register(
    MatrixType(
        "plans.plannotice",
        lambda unit, world: make_notice(unit),
        api_detail="/api/v1/plan-notices/{pk}",
        api_list="/api/v1/plan-notices",
        change_data=lambda o: {"reply": "已整改"},
        api_writes=[("post", "/api/v1/plan-notices/{pk}/reply", {"text": "已整改"})],
    )
)
register(
    MatrixType(
        "plans.scorerule",
        _rule,
        change_data=lambda o: {"weight": "0", "param": "0", "description": "改"},
    )
)
register(MatrixType("plans.officescore", _score))
register(
    MatrixType(
        "plans.drive",
        lambda unit, world: make_drive(unit),
        api_detail="/api/v1/drives/{pk}",
        api_list="/api/v1/drives",
        change_data=lambda o: {
            "title": "改名",
            "owner": o.owner_id,
            "start": o.start.isoformat(),
            "deadline": o.deadline.isoformat(),
            "target_surveyed": 0,
            "target_formed": 0,
            "target_instructors": 0,
        },
    )
)

"""The list filters of plans, shared by the API and the console (xinye.core.filters)."""

from django.utils import timezone

from xinye.core.errors import Refused
from xinye.core.filters import Filter, FilterSet, Search
from xinye.plans import services
from xinye.plans.choices import TaskStatus
from xinye.plans.models import Drive, OfficeScore, Plan, PlanNotice, PlanTask

TASK_STATES = ("overdue", "at_risk", *TaskStatus.values)


def _task_status(queryset, value):
    """overdue (逾期) and at_risk (临期) are read against today's date; the other values are stored states."""
    today = timezone.localdate()
    if value == "overdue":
        return services.overdue_tasks(queryset, today)
    if value == "at_risk":
        return services.at_risk_tasks(queryset, today)
    if value in TaskStatus.values:
        return queryset.filter(status=value)
    raise Refused({"status": f"参数 status 的值“{value}”无效，可选：{'、'.join(TASK_STATES)}"})


PLAN_FILTERS = FilterSet(Plan, "year", Filter("owner", console=False), search=Search(("title",)))
TASK_FILTERS = FilterSet(
    PlanTask,
    Filter("status", method=_task_status, type=str, console=False),
    Filter("office", console=False),
    Filter("month", console=False),
    Filter("county", field="office__region"),
    Filter("industry", field="office__industry"),
    search=Search(("title",)),
)
NOTICE_FILTERS = FilterSet(PlanNotice, "kind", "reply_required", Filter("unit", console=False))
SCORE_FILTERS = FilterSet(OfficeScore, Filter("month", console=False), Filter("office", console=False))
DRIVE_FILTERS = FilterSet(Drive, search=Search(("title",)))

"""The daily snapshots behind the trends: the rows (scoped) and one figure's trend over days."""

import datetime

from django.utils import timezone
from ninja import Field, Router, Schema, Status

from xinye.api.common import Days, require
from xinye.api.lists import Endpoints
from xinye.core.errors import Refused
from xinye.jobs.api import JobsJobOut, api_path
from xinye.reports import trends
from xinye.reports.context import Scope
from xinye.reports.filters import SNAPSHOT_FILTERS
from xinye.reports.jobs import BRIEFING, STATISTICS, start_report
from xinye.reports.models import SNAPSHOT_FIGURES, DailySnapshot

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "制度落实 · 统计报表"
FIGURES = [name for name, _label in SNAPSHOT_FIGURES]


class ReportsSnapshotOut(Schema):
    id: int
    day: datetime.date
    unit: int
    region: str
    industry: str
    enterprises: int | None
    practitioners: int | None
    party_members: int | None
    organisations: int | None
    independent: int | None
    joint: int | None
    work: int | None
    blank: int | None
    instructors: int | None
    liaisons: int | None
    visits: int
    checkins: int
    appeals: int
    source: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class TrendPoint(Schema):
    day: datetime.date
    value: int | None


class TrendOut(Schema):
    figure: str
    points: list[TrendPoint]


endpoints.list(
    "/reports/snapshots",
    "list_snapshots",
    DailySnapshot.objects.all(),
    ReportsSnapshotOut,
    filters=SNAPSHOT_FILTERS,
    summary="每日统计快照（旗县区×行业）",
)
endpoints.detail(
    "/reports/snapshots/{pk}",
    "get_snapshot",
    DailySnapshot.objects.all(),
    ReportsSnapshotOut,
    summary="统计快照详情",
)


@router.get("/reports/trend", response=TrendOut, summary="某项指标的逐日趋势（本人管辖范围）")
def trend(request, figure: str = "enterprises", days: Days = 30):
    """figure 为快照指标之一（enterprises、practitioners、party_members、organisations、independent、joint、work、
    blank、instructors、liaisons、visits、checkins、appeals）；days 为截至今天的天数（1–400）。没有快照的日期为 null。"""
    require(request, "view", DailySnapshot)
    if figure not in FIGURES:
        raise Refused({"figure": f"指标：未知的指标 {figure}，应为 {'/'.join(FIGURES)} 之一"})
    if not 1 <= days <= 400:
        raise Refused({"days": "天数：应在 1 到 400 之间"})
    today = timezone.localdate()
    span = [today - datetime.timedelta(days=n) for n in range(days - 1, -1, -1)]
    scope = Scope(request.user, None, "")
    return {
        "figure": figure,
        "points": [{"day": d, "value": v} for d, v in trends.trend(scope, figure, span)],
    }


class ReportsJobIn(Schema):
    period: str = Field("", description="统计期 YYYY-MM（如 2026-11），默认本月")
    scope: str = Field("", description="单位编码（本人管辖范围内），默认本人全部管辖范围")


class ReportsJobStartedOut(Schema):
    """A report queued as a background job: follow it at `url` (GET), download it from `job.download` once
    `job.state` is done."""

    url: str
    job: JobsJobOut


def _start(request, kind: str, payload: ReportsJobIn):
    require(request, "export", DailySnapshot)  # the console's rule for both reports
    period = payload.period or f"{timezone.localdate():%Y-%m}"
    job = start_report(kind, actor=request.user, period=period, scope=payload.scope, channel="api")
    return Status(202, {"url": api_path(job), "job": job})


@router.post(
    "/reports/statistics",
    response={202: ReportsJobStartedOut},
    summary="生成统计报表（Excel，后台任务）：返回 202 与任务地址",
)
def start_statistics(request, payload: ReportsJobIn):
    """与工作台“统计报表与工作简报”同一服务与权限（导出统计快照）；范围与统计期当即校验（422），生成在后台进行，
    进度与结果见 GET /jobs/{token}。"""
    return _start(request, STATISTICS, payload)


@router.post(
    "/reports/briefing",
    response={202: ReportsJobStartedOut},
    summary="生成工作简报（Word，后台任务）：返回 202 与任务地址",
)
def start_briefing(request, payload: ReportsJobIn):
    """与工作台同一服务与权限；生成在后台进行，进度与结果见 GET /jobs/{token}。"""
    return _start(request, BRIEFING, payload)

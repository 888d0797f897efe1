"""个人信息权利请求 under /api/v1/rights-requests: the staff queue of the workers' requests (PIPL art. 44–47),
scoped exactly like the console's list (`restrict` over the holding unit), with their 15-working-day
deadlines; a correction is answered here as in the console (`workers.services.answer_rights_request`: done
or refused, with the answer the worker reads). What the worker asked and the answer are masked in lists and
shown in clear in a detail only to a caller with view_sensitive over the request, and that view is logged.
"""

import datetime
from typing import Literal

from ninja import Field, Router, Schema

from xinye.accounts.permissions import in_scope
from xinye.api.common import UnitRef, get_scoped
from xinye.api.lists import Endpoints
from xinye.audit.services import log_sensitive_access
from xinye.core.masking import mask
from xinye.workers import services
from xinye.workers.filters import RIGHTS_FILTERS
from xinye.workers.models import RightsRequest

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "个人信息权利请求"


class RightsRequestOut(Schema):
    """`due_at` is the deadline (15 working days from `created_at`); `overdue` an open request past it."""

    id: int
    kind: str
    kind_label: str
    unit: UnitRef
    record: str
    status: str
    status_label: str
    created_at: datetime.datetime
    due_at: datetime.datetime
    overdue: bool
    handled_at: datetime.datetime | None

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue


class RightsRequestDetail(RightsRequestOut):
    """What the worker asked (`wrong`, `should_be`) and the answer: in clear only with view_sensitive over
    the request (logged), else masked as in the console."""

    worker: str | None
    wrong: str
    should_be: str
    answer: str
    handled_by: str | None

    @staticmethod
    def resolve_worker(obj):
        return str(obj.worker) if obj.worker_id else None

    @staticmethod
    def resolve_wrong(obj):
        return _shown(obj, obj.wrong)

    @staticmethod
    def resolve_should_be(obj):
        return _shown(obj, obj.should_be)

    @staticmethod
    def resolve_answer(obj):
        return _shown(obj, obj.answer)

    @staticmethod
    def resolve_handled_by(obj):
        return obj.handled_by.get_username() if obj.handled_by_id else None


class RightsAnswerIn(Schema):
    decision: Literal["done", "refused"] = Field(
        ..., description="办理结果：done 已更正（请先在原记录中改正）/ refused 不予更正"
    )
    answer: str = Field(..., description="答复（从业人员在“我的数据”中看到）：更正了什么，或不予更正的理由")


def _shown(obj, value) -> str:
    return (value or "") if getattr(obj, "_unmasked", False) else mask("text", value)


def _reveal(request, obj: RightsRequest) -> RightsRequest:
    """The detail: unmasked for view_sensitive over this request, and that view logged (as the console)."""
    if in_scope(request.user, "view_sensitive", obj):
        obj._unmasked = True
        fields = [
            str(RightsRequest._meta.get_field(name).verbose_name)
            for name in ("wrong", "should_be", "answer")
            if getattr(obj, name)
        ]
        if fields:
            log_sensitive_access("view_sensitive", obj=obj, fields=fields, reason="API")
    return obj


_requests = RightsRequest.objects.select_related("unit", "worker", "handled_by")

endpoints.list(
    "/rights-requests",
    "list_rights_requests",
    _requests,
    RightsRequestOut,
    filters=RIGHTS_FILTERS,
    summary="个人信息权利请求（办理队列，含办理时限）",
    description="""与工作台“个人信息权利请求”同一范围：本人管辖范围内的单位所持记录的请求。
    status：open 待办理 / done 已办结 / refused 不予更正；kind：access 查阅复制 / correction 更正补充 /
    withdrawal 撤回同意 / deletion 删除；overdue=true 只列已逾期的待办请求。""",
)
endpoints.detail(
    "/rights-requests/{request_id}",
    "get_rights_request",
    _requests,
    RightsRequestDetail,
    then=_reveal,
    summary="个人信息权利请求详情",
)


@router.post(
    "/rights-requests/{request_id}/answer",
    response=RightsRequestDetail,
    summary="答复更正请求：已更正或不予更正（附答复）",
)
def answer_rights_request(request, request_id: int, payload: RightsAnswerIn):
    """与工作台同一权限（修改个人信息权利请求）与规则：只有待办理的更正请求可以答复，答复必填、最多 500 字；
    已办结或不予更正的请求再答复返回 422。"""
    obj = get_scoped(request, _requests, "change", pk=request_id)
    services.answer_rights_request(
        obj, actor=request.user, accept=payload.decision == "done", answer=payload.answer
    )
    return _reveal(request, _requests.get(pk=obj.pk))

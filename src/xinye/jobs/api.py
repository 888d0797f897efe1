"""我的任务 under /api/v1/jobs: the caller's own background jobs, one job's state and progress, its result file.

A job is its starter's own record, exactly as in the console (`jobs.views`): the list holds only the caller's
jobs, and another user's job — whatever the caller's roles — answers 404, its file too. A result is offered
only once the job is done; before that (or for a job that gave a page, not a file) the download is 404.
"""

import datetime
import uuid

from django.http import FileResponse, Http404
from django.urls import reverse
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.jobs import services
from xinye.jobs.choices import JobState
from xinye.jobs.models import Job

router = Router()
TAG = "我的任务"


class JobsJobOut(Schema):
    """One job as its starter sees it. `done`/`total`/`step` are the latest progress reported by the worker
    (`total` null while unknown); `download` is the API URL of the result file once the job is done."""

    token: str
    kind: str
    title: str
    scope_name: str
    state: str
    state_label: str
    done: int
    total: int | None
    percent: int | None
    unit_label: str
    step: str
    summary: str
    error: str
    result_name: str
    download: str | None
    page: str
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None

    @staticmethod
    def resolve_token(obj):
        return obj.token.hex

    @staticmethod
    def resolve_state_label(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_done(obj):
        return _figures(obj)["done"] or 0

    @staticmethod
    def resolve_total(obj):
        return _figures(obj)["total"]

    @staticmethod
    def resolve_step(obj):
        return _figures(obj)["step"] or ""

    @staticmethod
    def resolve_percent(obj):
        if obj.state == JobState.DONE:
            return 100
        figures = _figures(obj)
        total = figures["total"]
        return min(99, (figures["done"] or 0) * 100 // total) if total else None

    @staticmethod
    def resolve_download(obj):
        if obj.state != JobState.DONE or not obj.result:
            return None
        return f"{api_path(obj)}/download"

    @staticmethod
    def resolve_page(obj):
        return reverse("jobs:detail", args=[obj.token.hex])


def api_path(job: Job) -> str:
    """The job's URL under the API (what a start answers 202 with)."""
    return f"{reverse('api:api-root')}jobs/{job.token.hex}"


def _figures(job: Job) -> dict:
    """The live progress, read once per job for the answer (a running job's progress file)."""
    cached = getattr(job, "_figures", None)
    if cached is None:
        cached = job._figures = services.live_progress(job)
    return cached


def own_job(request, token: str) -> Job:
    """The caller's job `token` (32 hex digits or a UUID), else 404 — another user's job looks absent."""
    try:
        key = uuid.UUID(token)
    except ValueError:
        raise Http404 from None
    job = services.mine(request.user).filter(token=key).first()
    if job is None:
        raise Http404
    return job


@router.get("/jobs", response=list[JobsJobOut], summary="我的任务：本人发起的后台任务（最新在前）")
@paginate(LimitOffsetPagination)
def list_jobs(request, state: JobState | None = None):
    """state：pending 排队中 / running 进行中 / done 已完成 / failed 失败。只列调用者本人发起的任务。"""
    jobs = services.mine(request.user)
    return jobs.filter(state=state) if state else jobs


@router.get("/jobs/{token}", response=JobsJobOut, summary="任务详情：状态、进度、失败原因、结果文件")
def get_job(request, token: str):
    return own_job(request, token)


@router.get("/jobs/{token}/download", summary="下载任务结果文件（仅发起人，任务完成后）")
def download_job(request, token: str):
    job = own_job(request, token)
    if job.state != JobState.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)

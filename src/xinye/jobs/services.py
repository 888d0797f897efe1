"""The jobs' one write door, and what the worker and the pages read.

- `start(kind, *, actor, title, …)`: record a job and put it on django-tasks' queue, in one transaction (the
  database backend's queue row commits with the job or not at all).
- `begin`, `finish`, `fail`: the worker's steps (`jobs.tasks.run_job`), each in its own short transaction.
- `report_progress`: how far a running job is, written to a small file beside the job's result rather than
  to the database: a large import writes all its rows in one transaction, and progress written inside it
  would be seen by no one until the end (and on SQLite could not be written from outside it at all).
- `recover(*, actor, …)` / `tick`: a job left running by a worker that died is marked failed with a reason,
  and its queue row with it, so nothing stays "running" forever and nothing is retried half-done.

Only the job's starter (or the system) moves a job; the kinds of job are registered by the apps that do the
work: `job_kinds = {"kind": "dotted.path.to.handler"}` on their AppConfig (as `tick` is for `xinye tick`).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from xinye.accounts.permissions import actor_user, is_system, system_actor
from xinye.core.context import actor_context
from xinye.core.errors import OutOfScope, Refused
from xinye.jobs.choices import JobState
from xinye.jobs.models import Job

READS = ("kinds", "handler_for", "mine", "live_progress", "work_dir", "partial_dir")

logger = logging.getLogger(__name__)

INTERRUPTED = "任务执行中断（后台工作进程已停止或重启），未留下半完成的结果，请重新发起"


def kinds() -> dict[str, str]:
    """kind → dotted path of its handler, from every app's `job_kinds`."""
    out: dict[str, str] = {}
    for config in apps.get_app_configs():
        out.update(getattr(config, "job_kinds", None) or {})
    return out


def handler_for(kind: str):
    path = kinds().get(kind)
    if path is None:
        raise Refused({"kind": f"未知的任务类型“{kind}”"})
    return import_string(path)


def mine(user):
    """The jobs `user` started, newest first: a job is its starter's own record and no one else's."""
    if user is None or is_system(user) or not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(user=user)


def work_dir(job: Job) -> Path:
    """The job's private directory under MEDIA_ROOT (its progress file, then its result)."""
    return Path(settings.MEDIA_ROOT) / "jobs" / job.token.hex


def partial_dir(job: Job) -> Path:
    """Where a handler writes its result while it works: moved into place by `finish`, removed by a failure."""
    path = work_dir(job) / "partial"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _progress_file(job: Job) -> Path:
    return work_dir(job) / "progress.json"


def live_progress(job: Job) -> dict:
    """{done, total, step, at} as last reported by the running job (the row's own figures once finished)."""
    figures = {"done": job.done, "total": job.total, "step": job.step, "at": job.heartbeat_at}
    if job.finished:
        return figures
    try:
        data = json.loads(_progress_file(job).read_text("utf-8"))
    except (OSError, ValueError):
        return figures
    figures.update({k: data.get(k) for k in ("done", "total", "step")})
    figures["at"] = datetime.datetime.fromtimestamp(data.get("at", 0), tz=datetime.UTC)
    return figures


def _check(job: Job, actor) -> None:
    if actor is None:
        raise OutOfScope()
    if not is_system(actor) and job.user_id != actor.pk:
        raise OutOfScope()


@transaction.atomic
def start(
    kind: str,
    *,
    actor,
    title: str,
    scope_name: str = "",
    params: dict | None = None,
    unit_label: str = "",
) -> Job:
    """Record a job for `actor` and queue it. The caller has already checked that `actor` may do the work
    (export the report, import the sheet); the handler checks again when it runs."""
    if actor is None:
        raise OutOfScope()
    handler_for(kind)
    user = actor_user(actor)
    job = Job.objects.create(
        user=user,
        started_by=str(getattr(actor, "username", actor)),
        kind=kind,
        title=title[:200],
        scope_name=scope_name[:200],
        params=params or {},
        language=translation.get_language() or settings.LANGUAGE_CODE,
        unit_label=unit_label,
    )
    # queued in the same transaction: the worker sees the job and its queue row together, or neither
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def begin(job: Job, *, actor, task_id: str = "") -> bool:
    """Mark the job running (returns False when it is no longer pending: it was recovered or done)."""
    _check(job, actor)
    now = timezone.now()
    with transaction.atomic():
        changed = Job.objects.filter(pk=job.pk, state=JobState.PENDING).update(
            state=JobState.RUNNING, started_at=now, heartbeat_at=now, task_id=task_id or job.task_id
        )
    job.refresh_from_db()
    return bool(changed)


def report_progress(job: Job, done: int, total: int | None = None, step: str = "", *, actor) -> None:
    """How far the job is: written to its progress file (atomically replaced), read by the job's page."""
    _check(job, actor)
    directory = work_dir(job)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / "progress.json.tmp"
    tmp.write_text(
        json.dumps(
            {"done": done, "total": total, "step": step, "at": timezone.now().timestamp()},
            ensure_ascii=False,
        ),
        "utf-8",
    )
    os.replace(tmp, _progress_file(job))
    job.done, job.total, job.step = done, total, step


def finish(
    job: Job,
    *,
    actor,
    file_path: str | os.PathLike | None = None,
    file_name: str = "",
    url: str = "",
    summary: str = "",
) -> Job:
    """The job is done: its result file (moved under MEDIA_ROOT, private) or the page that shows its result."""
    _check(job, actor)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.state != JobState.RUNNING:
            raise Refused({"state": f"任务状态为“{job.get_state_display()}”，不能标记完成"})
        # done: the estimate of the total (an upper bound) gives way to what was actually done
        job.done = live_progress(job)["done"] or job.done
        job.total = job.done or None
        if file_path is not None:
            with open(file_path, "rb") as fh:
                job.result.save(file_name or Path(file_path).name, File(fh), save=False)
            job.result_name = file_name or Path(file_path).name
        job.result_url = url[:300]
        job.summary = summary[:500]
        job.state = JobState.DONE
        job.step = ""
        job.finished_at = job.heartbeat_at = timezone.now()
        job.save()
    _progress_file(job).unlink(missing_ok=True)
    shutil.rmtree(work_dir(job) / "partial", ignore_errors=True)
    return job


def fail(job: Job, reason: str, *, actor) -> Job:
    """The job failed: `reason` is shown to its starter as it is (Chinese)."""
    _check(job, actor)
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.state in (JobState.DONE, JobState.FAILED):
            return job
        figures = live_progress(job)
        job.done, job.total = figures["done"] or job.done, figures["total"] or job.total
        job.state = JobState.FAILED
        job.error = reason
        job.finished_at = timezone.now()
        job.save()
    _progress_file(job).unlink(missing_ok=True)
    shutil.rmtree(work_dir(job) / "partial", ignore_errors=True)
    return job


@dataclass
class RecoverResult:
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.details)

    @property
    def summary(self) -> str:
        return f"后台任务：{self.total} 个中断的任务已标记失败"


def recover(*, actor, everything: bool = False, now=None) -> RecoverResult:
    """Mark failed the jobs left running by a worker that died: those whose last progress is older than
    XINYE_JOB_STALE_SECONDS, or — `everything`, when the one worker of an installation starts — all running
    ones. Their queue rows are marked failed too, so that no worker picks them up again: the work is not
    retried half-done (an import wrote all its rows or none; a report's file appears only when complete)."""
    if actor is None or not is_system(actor):
        raise OutOfScope()
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.XINYE_JOB_STALE_SECONDS)
    result = RecoverResult()
    for job in Job.objects.filter(state=JobState.RUNNING):
        last = live_progress(job)["at"] or job.started_at or job.created_at
        if not everything and last > limit:
            continue
        fail(job, INTERRUPTED, actor=actor)
        if job.task_id:
            with transaction.atomic():
                DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
                    status="FAILED", finished_at=now
                )
        result.details.append(f"后台任务“{job.title}”（{job.token.hex[:8]}）执行中断，已标记失败")
    return result


def tick(*, actor, now=None) -> RecoverResult:
    """`xinye tick`: jobs whose worker stopped reporting are marked failed (see `recover`)."""
    return recover(actor=actor, now=now)


# --- the worker's side ---


@dataclass
class Outcome:
    """What a handler returns: a file to offer for download (moved under MEDIA_ROOT) and its name, or the
    page that shows the result (an import's result page), and one line for the list."""

    file_path: str | os.PathLike | None = None
    file_name: str = ""
    url: str = ""
    summary: str = ""


class Progress:
    """The callable a handler reports through: `progress(done, total=None, step="")`."""

    def __init__(self, job: Job, actor):
        self.job, self.actor = job, actor

    def __call__(self, done: int, total: int | None = None, step: str = "") -> None:
        report_progress(self.job, done, total, step, actor=self.actor)


def _execute(job_id: int) -> str:
    worker = system_actor("worker")
    job = Job.objects.select_related("user").filter(pk=job_id).first()
    if job is None or not begin(job, actor=worker):
        return "skipped"  # gone, or recovered as failed before a worker reached it
    if job.user_id and not job.user.is_active:
        fail(job, "发起人的账号已停用，任务未执行", actor=worker)
        return "failed"
    actor = job.user if job.user_id else system_actor(job.started_by or "system")
    handler = handler_for(job.kind)
    try:
        with (
            translation.override(job.language),
            actor_context(
                actor_user(actor), source=job.params.get("channel", "console"), label=job.started_by
            ),
        ):
            outcome = handler(job, actor=actor, progress=Progress(job, worker))
    except Refused as exc:
        fail(job, "；".join(exc.messages), actor=worker)
        return "failed"
    except OutOfScope:
        fail(job, "所需数据不存在或已不在您的管辖范围内，任务未完成", actor=worker)
        return "failed"
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        fail(job, "任务执行出错，已记录日志，请联系系统管理员", actor=worker)
        raise  # the queue records the failure and its traceback too
    finish(
        job,
        actor=worker,
        file_path=outcome.file_path,
        file_name=outcome.file_name,
        url=outcome.url,
        summary=outcome.summary,
    )
    return "done"


@task()
def run_job(job_id: int) -> str:
    """The one django-tasks task: run job `job_id` with its kind's handler, as the job's starter; the job
    records the state, the progress and the result. (A Task object, not a function: the worker's entry.)"""
    return _execute(job_id)

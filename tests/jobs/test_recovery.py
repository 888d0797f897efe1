"""A job interrupted by a restart is never left "running" nor run again half-done: `xinye tick` marks it failed
once its worker has been silent for XINYE_JOB_STALE_SECONDS, and the installation's only worker
(`xinye worker --sole`) does so as it starts; the queue row is failed with it, so no worker picks it up."""

import datetime

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.jobs.helpers import run_worker
from xinye.accounts.permissions import system_actor
from xinye.jobs import services
from xinye.jobs.models import Job


def _interrupted(world, *, minutes_ago: int) -> Job:
    """A workbook job a worker claimed and reported on, then died (killed mid-task)."""
    job = services.start(
        "reports.statistics",
        actor=world["users"]["kerqin_admin"],
        title="科尔沁区统计报表",
        params={"period": f"{timezone.localdate():%Y-%m}", "scope": ""},
    )
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=timezone.now())
    worker = system_actor("worker")
    assert services.begin(job, actor=worker)
    services.report_progress(job, 3, 12, "发展党员", actor=worker)
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(minutes=minutes_ago))
    return job


def test_tick_marks_a_silent_running_job_failed_with_a_reason(world, client_for, settings):
    job = _interrupted(world, minutes_ago=60)
    call_command("tick", "--quiet")
    job.refresh_from_db()
    assert job.state == "running"  # it reported a moment ago: its worker may be alive
    later = timezone.now() + datetime.timedelta(seconds=settings.XINYE_JOB_STALE_SECONDS + 60)
    services.tick(actor=system_actor("tick"), now=later)
    job.refresh_from_db()
    assert job.state == "failed" and "中断" in job.error and job.finished_at
    assert (job.done, job.total) == (3, 12)  # how far it had come, kept for the record
    assert not job.result
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"
    page = client_for("kerqin_admin").get(f"/admin/jobs/{job.token.hex}/").content.decode()
    assert "失败" in page and "请重新发起" in page


def test_the_sole_worker_fails_every_running_job_as_it_starts_and_runs_the_queue(world, client_for):
    job = _interrupted(world, minutes_ago=1)
    # a second job still queued is run as usual
    client_for("kerqin_admin").post(
        "/admin/reports/statistics.xlsx", {"period": f"{timezone.localdate():%Y-%m}", "scope": ""}
    )
    run_worker("--sole")
    job.refresh_from_db()
    assert job.state == "failed" and "中断" in job.error
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"
    queued = Job.objects.exclude(pk=job.pk).get()
    assert queued.state == "done" and queued.result
    # a second start changes nothing more: the failed job is not retried half-done
    run_worker("--sole")
    job.refresh_from_db()
    assert job.state == "failed" and not job.result


def test_a_plain_worker_start_leaves_a_job_that_is_still_reporting(world):
    job = _interrupted(world, minutes_ago=1)
    run_worker()
    job.refresh_from_db()
    assert job.state == "running"  # another worker may be running it

"""One background job: who started what, for which scope, how far it got, and what came of it.

The queue itself is django-tasks' (`django_tasks_db.DBTaskResult`, the task `xinye.jobs.tasks.run_job`);
a `Job` is what the person who started the work sees in 我的任务: a Chinese title, the scope, the state,
rows or steps done of the total, the file to download or the page to open, and the reason of a failure.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.jobs.choices import JobState


def result_path(job, filename: str) -> str:
    # private: served only by jobs.views.download to the job's owner (console.views.media finds no scope
    # for a Job and answers 404), under a random directory so that a name cannot be guessed either
    return f"jobs/{job.token.hex}/{filename}"


class Job(models.Model):
    """A unit of long work started by a user (or the system) and run by `xinye worker`.

    `kind` names a handler that an app registers (`job_kinds` on its AppConfig); `params` are what the
    handler needs (JSON). Only the services in `jobs.services` change a job; a job's state moves
    pending → running → done | failed and never back. `heartbeat_at` is refreshed with every progress
    report, so that a job whose worker died is recognised (`services.recover`).
    """

    token = models.UUIDField(_("编号"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    started_by = models.CharField(_("发起人标识"), max_length=150, blank=True)
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("任务"), max_length=200)
    scope_name = models.CharField(_("范围"), max_length=200, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    language = models.CharField(_("语言"), max_length=16, default="zh-hans")
    state = models.CharField(_("状态"), max_length=16, choices=JobState.choices, default=JobState.PENDING)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    unit_label = models.CharField(_("计数单位"), max_length=16, blank=True)
    step = models.CharField(_("当前步骤"), max_length=200, blank=True)
    result = models.FileField(_("结果文件"), upload_to=result_path, max_length=300, blank=True)
    result_name = models.CharField(_("文件名"), max_length=200, blank=True)
    result_url = models.CharField(_("结果页面"), max_length=300, blank=True)
    summary = models.CharField(_("结果摘要"), max_length=500, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    # a job's own bookkeeping: what it produces (exports, imports) is logged where it happens
    audit_exclude = True

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["state"])]

    def __str__(self):
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int | None:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return None
        return min(99, self.done * 100 // self.total)

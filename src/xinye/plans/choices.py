from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.TextChoices):
    """What a goal measures. Every value but REPORTED is read live from data xinye already holds."""

    ORGANISATION_RATE = "organisation_rate", _("党组织覆盖率（%）")
    WORK_RATE = "work_rate", _("党的工作覆盖率（%）")
    VISITS = "visits", _("走访对接次数")
    ORGS_RUNNING = "orgs_running", _("正常运转的党组织数")
    MEMBERS_DEVELOPED = "members_developed", _("发展党员数")
    APPEALS_ON_TIME = "appeals_on_time", _("诉求按期办结率（%）")
    STATIONS = "stations", _("开放的党建服务站数")
    REPORTED = "reported", _("填报指标（需佐证）")


LIVE_INDICATORS = tuple(v for v in Indicator.values if v != Indicator.REPORTED)


class TaskStatus(models.TextChoices):
    ISSUED = "issued", _("已下达")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


OPEN_TASK_STATES = (TaskStatus.ISSUED, TaskStatus.SIGNED, TaskStatus.IN_PROGRESS)
# The task loop as a transition table: 下达 → 签收 → 进展/月报 → 完成 (逾期 is a deadline passed, not a state).
TRANSITIONS = {
    TaskStatus.ISSUED: (TaskStatus.SIGNED,),
    TaskStatus.SIGNED: (TaskStatus.IN_PROGRESS, TaskStatus.DONE),
    TaskStatus.IN_PROGRESS: (TaskStatus.IN_PROGRESS, TaskStatus.DONE),
    TaskStatus.DONE: (),
}


class ReportKind(models.TextChoices):
    PROGRESS = "progress", _("进展")
    MONTHLY = "monthly", _("月报")
    FINAL = "final", _("完成报告")


class NoticeKind(models.TextChoices):
    SIGN = "sign", _("签收提醒")
    DUE_SOON = "due_soon", _("临期提醒")
    OVERDUE = "overdue", _("催办")
    ESCALATION = "escalation", _("逾期上报")
    SUPERVISION = "supervision", _("督办通知")


class ScoreKey(models.TextChoices):
    TASKS = "tasks", _("任务按期完成")
    GOALS = "goals", _("目标进度")
    COVERAGE = "coverage", _("覆盖提升")
    HEALTH = "health", _("组织运转")

"""Choices of the members app: development, transfers, dues and learning."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    OPEN = "open", _("培养考察中")
    COMPLETED = "completed", _("已转为正式党员")
    CANCELLED = "cancelled", _("已取消预备党员资格")
    STOPPED = "stopped", _("终止培养")


class Direction(models.TextChoices):
    OUTGOING = "outgoing", _("转出")
    INCOMING = "incoming", _("转入")


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("已开具（待回执）")
    RECEIVED = "received", _("回执已返回")
    EXPIRED = "expired", _("已过期")
    CANCELLED = "cancelled", _("已作废")


class FlowStatus(models.TextChoices):
    ACTIVE = "active", _("在本地参加组织生活")
    ENDED = "ended", _("已离开/已结束")


class DuesBasis(models.TextChoices):
    """How a member's dues base is set (中组部《关于中国共产党党费收缴、使用和管理的规定》)."""

    WAGE = "wage", _("固定工资（税后月收入）")
    GIG = "gig", _("灵活就业（上季度月均纯收入）")
    STUDENT = "student", _("学生党员")
    DIBAO = "dibao", _("享受低保")
    UNEMPLOYED = "unemployed", _("失业/下岗")


FLAT_BASES = (DuesBasis.STUDENT, DuesBasis.DIBAO, DuesBasis.UNEMPLOYED)


class CourseMode(models.TextChoices):
    ONLINE = "online", _("线上")
    OFFLINE = "offline", _("线下")


class CourseKind(models.TextChoices):
    THEORY = "theory", _("理论学习")
    CANDIDATE_TRAINING = "candidate_training", _("发展对象培训")
    WORKER_TRAINING = "worker_training", _("党务工作者培训")
    OTHER = "other", _("其他")


class StudySource(models.TextChoices):
    HERE = "here", _("本平台记录")
    IMPORTED = "imported", _("外部平台导入")

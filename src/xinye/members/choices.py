"""Choices of the members app: development, transfers, dues and learning."""

from django.db import models


class CaseStatus(models.TextChoices):
    OPEN = "open", "培养考察中"
    COMPLETED = "completed", "已转为正式党员"
    CANCELLED = "cancelled", "已取消预备党员资格"
    STOPPED = "stopped", "终止培养"


class Direction(models.TextChoices):
    OUTGOING = "outgoing", "转出"
    INCOMING = "incoming", "转入"


class TransferStatus(models.TextChoices):
    ISSUED = "issued", "已开具（待回执）"
    RECEIVED = "received", "回执已返回"
    EXPIRED = "expired", "已过期"
    CANCELLED = "cancelled", "已作废"


class FlowStatus(models.TextChoices):
    ACTIVE = "active", "在本地参加组织生活"
    ENDED = "ended", "已离开/已结束"


class DuesBasis(models.TextChoices):
    """How a member's dues base is set (中组部《关于中国共产党党费收缴、使用和管理的规定》)."""

    WAGE = "wage", "固定工资（税后月收入）"
    GIG = "gig", "灵活就业（上季度月均纯收入）"
    STUDENT = "student", "学生党员"
    DIBAO = "dibao", "享受低保"
    UNEMPLOYED = "unemployed", "失业/下岗"


FLAT_BASES = (DuesBasis.STUDENT, DuesBasis.DIBAO, DuesBasis.UNEMPLOYED)


class CourseMode(models.TextChoices):
    ONLINE = "online", "线上"
    OFFLINE = "offline", "线下"


class CourseKind(models.TextChoices):
    THEORY = "theory", "理论学习"
    CANDIDATE_TRAINING = "candidate_training", "发展对象培训"
    WORKER_TRAINING = "worker_training", "党务工作者培训"
    OTHER = "other", "其他"


class StudySource(models.TextChoices):
    HERE = "here", "本平台记录"
    IMPORTED = "imported", "外部平台导入"

"""Appeal (诉求) categories, sources and the states of the 12345-style closed loop."""

from django.db import models


class AppealCategory(models.TextChoices):
    # 权益保障
    WAGES = "wages", "欠薪"
    CONTRACT = "contract", "劳动合同"
    INSURANCE = "insurance", "社会保险"
    ACCIDENT = "accident", "工伤/交通事故"
    # 生活困难
    HARDSHIP = "hardship", "生活困难"
    # 个性化服务（服务站）
    RED_EDUCATION = "red_education", "红色教育"
    SCHOOL = "school", "子女入学"
    LEGAL_AID = "legal_aid", "法律援助"
    COUNSELLING = "counselling", "心理辅导"
    JOBS = "jobs", "就业招聘"
    EMERGENCY = "emergency", "紧急求助"
    OTHER = "other", "其他"


# How the portal groups categories on its form.
CATEGORY_GROUPS = [
    (
        "权益保障",
        [AppealCategory.WAGES, AppealCategory.CONTRACT, AppealCategory.INSURANCE, AppealCategory.ACCIDENT],
    ),
    ("生活困难", [AppealCategory.HARDSHIP]),
    (
        "个性化服务",
        [
            AppealCategory.RED_EDUCATION,
            AppealCategory.SCHOOL,
            AppealCategory.LEGAL_AID,
            AppealCategory.COUNSELLING,
            AppealCategory.JOBS,
        ],
    ),
    ("其他", [AppealCategory.EMERGENCY, AppealCategory.OTHER]),
]


class AppealSource(models.TextChoices):
    PORTAL = "portal", "从业人员自主提交"
    VISIT = "visit", "走访收集"
    STAFF = "staff", "工作人员录入"


class LimitKind(models.TextChoices):
    """The time-limit classes of rules.md §Appeals."""

    EMERGENCY = "emergency", "紧急（危及生命财产）"
    URGENT = "urgent", "急迫生活需求"
    GENERAL = "general", "一般求助咨询"
    COMPLAINT = "complaint", "投诉/复杂事项"


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "已受理"
    DISPATCHED = "dispatched", "办理中"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"
    VISITED = "visited", "已回访"
    RATED = "rated", "已评价"
    REJECTED = "rejected", "不予受理"


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", "待签收"
    SIGNED = "signed", "办理中"
    ANSWERED = "answered", "已答复"
    FINISHED = "finished", "已办结"
    RETURNED = "returned", "已回退"


OPEN_TASK_STATES = (TaskStatus.ASSIGNED, TaskStatus.SIGNED)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", "提交"
    ACCEPTED = "accepted", "受理"
    REJECTED = "rejected", "不予受理"
    DISPATCHED = "dispatched", "派单"
    SIGNED = "signed", "签收"
    PROGRESS = "progress", "办理进展"
    TASK_ANSWERED = "task_answered", "承办单位答复"
    TASK_FINISHED = "task_finished", "承办单位办结"
    RETURNED = "returned", "回退"
    ANSWERED = "answered", "答复"
    CLOSED = "closed", "办结"
    EXTENDED = "extended", "延期"
    VISITED = "visited", "回访"
    RATED = "rated", "评价"
    REOPENED = "reopened", "重新办理"
    REMINDED = "reminded", "催办"
    ESCALATED = "escalated", "督办上报"
    VISIT_DUE = "visit_due", "待回访提醒"
    ANONYMISED = "anonymised", "个人信息删除"


class ReminderKind(models.TextChoices):
    OVERDUE = "overdue", "逾期催办"
    ESCALATION = "escalation", "督办（报上级单位）"
    RETURN_VISIT = "return_visit", "待回访"

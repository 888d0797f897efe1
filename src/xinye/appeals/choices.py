"""Appeal (诉求) categories, sources and the states of the 12345-style closed loop."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.orgs.choices import UnitKind


class AppealCategory(models.TextChoices):
    # 权益保障
    WAGES = "wages", _("欠薪")
    CONTRACT = "contract", _("劳动合同")
    INSURANCE = "insurance", _("社会保险")
    ACCIDENT = "accident", _("工伤/交通事故")
    # 生活困难
    HARDSHIP = "hardship", _("生活困难")
    # 个性化服务（服务站）
    RED_EDUCATION = "red_education", _("红色教育")
    SCHOOL = "school", _("子女入学")
    LEGAL_AID = "legal_aid", _("法律援助")
    COUNSELLING = "counselling", _("心理辅导")
    JOBS = "jobs", _("就业招聘")
    EMERGENCY = "emergency", _("紧急求助")
    OTHER = "other", _("其他")


# How the portal groups categories on its form.
CATEGORY_GROUPS = [
    (
        _("权益保障"),
        [AppealCategory.WAGES, AppealCategory.CONTRACT, AppealCategory.INSURANCE, AppealCategory.ACCIDENT],
    ),
    (_("生活困难"), [AppealCategory.HARDSHIP]),
    (
        _("个性化服务"),
        [
            AppealCategory.RED_EDUCATION,
            AppealCategory.SCHOOL,
            AppealCategory.LEGAL_AID,
            AppealCategory.COUNSELLING,
            AppealCategory.JOBS,
        ],
    ),
    (_("其他"), [AppealCategory.EMERGENCY, AppealCategory.OTHER]),
]


class AppealSource(models.TextChoices):
    PORTAL = "portal", _("从业人员自主提交")
    VISIT = "visit", _("走访收集")
    STAFF = "staff", _("工作人员录入")


class LimitKind(models.TextChoices):
    """The time-limit classes of rules.md §Appeals."""

    EMERGENCY = "emergency", _("紧急（危及生命财产）")
    URGENT = "urgent", _("急迫生活需求")
    GENERAL = "general", _("一般求助咨询")
    COMPLAINT = "complaint", _("投诉/复杂事项")


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    DISPATCHED = "dispatched", _("办理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")
    VISITED = "visited", _("已回访")
    RATED = "rated", _("已评价")
    REJECTED = "rejected", _("不予受理")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待签收")
    SIGNED = "signed", _("办理中")
    ANSWERED = "answered", _("已答复")
    FINISHED = "finished", _("已办结")
    RETURNED = "returned", _("已回退")


OPEN_TASK_STATES = (TaskStatus.ASSIGNED, TaskStatus.SIGNED)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交")
    ACCEPTED = "accepted", _("受理")
    REJECTED = "rejected", _("不予受理")
    DISPATCHED = "dispatched", _("派单")
    SIGNED = "signed", _("签收")
    PROGRESS = "progress", _("办理进展")
    TASK_ANSWERED = "task_answered", _("承办单位答复")
    TASK_FINISHED = "task_finished", _("承办单位办结")
    RETURNED = "returned", _("回退")
    ANSWERED = "answered", _("答复")
    CLOSED = "closed", _("办结")
    EXTENDED = "extended", _("延期")
    VISITED = "visited", _("回访")
    RATED = "rated", _("评价")
    REOPENED = "reopened", _("重新办理")
    REMINDED = "reminded", _("催办")
    ESCALATED = "escalated", _("督办上报")
    VISIT_DUE = "visit_due", _("待回访提醒")
    ANONYMISED = "anonymised", _("个人信息删除")


class ReminderKind(models.TextChoices):
    OVERDUE = "overdue", _("逾期催办")
    ESCALATION = "escalation", _("督办（报上级单位）")
    RETURN_VISIT = "return_visit", _("待回访")


# The kinds of unit a case can be dispatched to (派单至): the 办理 pages of appeals and of enterprise needs
# offer every active unit of these kinds, whatever the dispatcher's own scope — a county sends work to the
# city's departments and mass organisations too.
DISPATCH_KINDS = (
    UnitKind.COMMUNITY,
    UnitKind.STREET,
    UnitKind.WORK_COMMITTEE,
    UnitKind.DEPARTMENT,
    UnitKind.MASS_ORG,
    UnitKind.INDUSTRY_OFFICE,
)

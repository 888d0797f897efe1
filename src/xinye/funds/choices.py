"""The kinds of party-building funds, the state of an allocation, what money may be spent on, and the
year-end performance grade."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FundKind(models.TextChoices):
    """The seed: "行业党委给予建设启动资金、新建党支部给予党建工作经费"."""

    STARTUP = "startup", _("建设启动资金")
    WORK = "work", _("党建工作经费")


class AllocationStatus(models.TextChoices):
    APPLIED = "applied", _("待审核")
    APPROVED = "approved", _("已批准（待拨付）")
    REJECTED = "rejected", _("未批准")
    DISBURSED = "disbursed", _("已拨付（使用中）")
    CLOSED = "closed", _("已结算")


# The states whose amount counts as allocated (approved money, whether paid out yet or not).
ALLOCATED_STATES = (AllocationStatus.APPROVED, AllocationStatus.DISBURSED, AllocationStatus.CLOSED)


class SpendingPurpose(models.TextChoices):
    """rules.md: spending follows the 党费/党建经费 rules — not wages, hospitality or gifts."""

    TRAINING = "training", _("教育培训")
    ACTIVITY = "activity", _("活动开展")
    VENUE = "venue", _("阵地建设")
    CARE = "care", _("慰问帮扶")
    HONOURS = "honours", _("表彰激励")


class Performance(models.TextChoices):
    """年度绩效 of an allocation at the year's close."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    POOR = "poor", _("不合格")

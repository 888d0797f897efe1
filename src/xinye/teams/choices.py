"""Choices of the three teams (三支队伍)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Post(models.TextChoices):
    SECRETARY = "secretary", _("党组织书记")
    COMMITTEE_MEMBER = "committee_member", _("委员")
    PARTY_WORKER = "party_worker", _("党务工作者")


class Source(models.TextChoices):
    """How the person was chosen (seed: 外部选派 or 内部培养)."""

    DISPATCHED = "dispatched", _("外部选派")
    INTERNAL = "internal", _("内部培养")


class ManagementLevel(models.TextChoices):
    """双向进入、交叉任职: the person's level in the enterprise's management."""

    SENIOR = "senior", _("高级管理层")
    MIDDLE = "middle", _("中级管理层")


class ReserveStatus(models.TextChoices):
    ACTIVE = "active", _("在库")
    APPOINTED = "appointed", _("已任用")
    WITHDRAWN = "withdrawn", _("已退出")


class IncentiveKind(models.TextChoices):
    SUBSIDY = "subsidy", _("补贴")
    COMMENDATION = "commendation", _("表彰")


class VanguardKind(models.TextChoices):
    """党员先锋岗、党员示范岗 and 亮身份 (a member who shows their membership at work)."""

    VANGUARD = "vanguard", _("党员先锋岗")
    MODEL = "model", _("党员示范岗")
    IDENTITY = "identity", _("亮身份")

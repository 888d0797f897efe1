from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityCategory(models.TextChoices):
    EPIDEMIC = "epidemic", _("疫情防控")
    SAFETY = "safety", _("平安建设")
    CIVILITY = "civility", _("文明创建")
    CARE = "care", _("关爱服务")
    OTHER = "other", _("其他")


class ActivityStatus(models.TextChoices):
    PUBLISHED = "published", _("报名中")
    FINISHED = "finished", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("已报名")
    ATTENDED = "attended", _("已参加")
    ABSENT = "absent", _("未到")
    CANCELLED = "cancelled", _("已取消")

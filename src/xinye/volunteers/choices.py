from django.db import models


class ActivityCategory(models.TextChoices):
    EPIDEMIC = "epidemic", "疫情防控"
    SAFETY = "safety", "平安建设"
    CIVILITY = "civility", "文明创建"
    CARE = "care", "关爱服务"
    OTHER = "other", "其他"


class ActivityStatus(models.TextChoices):
    PUBLISHED = "published", "报名中"
    FINISHED = "finished", "已结束"
    CANCELLED = "cancelled", "已取消"


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", "已报名"
    ATTENDED = "attended", "已参加"
    ABSENT = "absent", "未到"
    CANCELLED = "cancelled", "已取消"

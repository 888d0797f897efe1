"""The kinds of personal services (个性化暖心服务) and the state of a sign-up."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    RED_EDUCATION = "red_education", _("红色教育")
    SCHOOL = "school", _("子女入学")
    LEGAL_AID = "legal_aid", _("法律援助")
    COUNSELLING = "counselling", _("心理辅导")
    JOBS = "jobs", _("就业招聘")


# Kinds whose offers hold dated sessions a worker signs up for (红色教育 visits, 招聘会).
SESSION_KINDS = (ServiceKind.RED_EDUCATION, ServiceKind.JOBS)


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("已报名")
    CANCELLED = "cancelled", _("已取消")

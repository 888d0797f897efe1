"""Choices of the grading."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    ORGANISATION = "organisation", _("党组织")


class Grade(models.TextChoices):
    BLANK = "blank", _("空白点")
    SOLID = "solid", _("实心点")
    SHINING = "shining", _("闪光点")


class CoverageNeed(models.TextChoices):
    """What coverage an enterprise needs for a grade (rules.md §Coverage)."""

    COVERED = "covered", _("已覆盖（单独组建、联合组建或工作覆盖）")
    ORGANISED = "organised", _("组织覆盖（单独组建或联合组建）")

from django.db import models
from django.utils.translation import gettext_lazy as _


class CoverageStatus(models.TextChoices):
    """An enterprise's coverage (中办发〔2012〕11号): own organisation, joint one, work only, or none."""

    INDEPENDENT = "independent", _("单独组建")
    JOINT = "joint", _("联合组建")
    WORK = "work", _("工作覆盖")
    BLANK = "blank", _("空白")

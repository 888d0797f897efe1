from django.db import models


class CoverageStatus(models.TextChoices):
    """An enterprise's coverage (中办发〔2012〕11号): own organisation, joint one, work only, or none."""

    INDEPENDENT = "independent", "单独组建"
    JOINT = "joint", "联合组建"
    WORK = "work", "工作覆盖"
    BLANK = "blank", "空白"

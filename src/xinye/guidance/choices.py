from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitTopic(models.TextChoices):
    """What a visit (走访) dealt with: the duties of instructors and liaisons in rules.md."""

    POLICY = "policy", _("政策宣讲")
    FORMATION = "formation", _("组建指导")
    DEVELOPMENT = "development", _("发展党员")
    MASS_ORGS = "mass_orgs", _("工青妇")
    CARE = "care", _("关心关爱")
    PROBLEMS = "problems", _("解决问题")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待解决")
    IN_PROGRESS = "in_progress", _("解决中")
    RESOLVED = "resolved", _("已解决")


class AssessmentGrade(models.TextChoices):
    """rules.md: yearly assessment in 4 grades."""

    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASICALLY_COMPETENT = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class DueStatus(models.TextChoices):
    DONE = "done", _("本季度已走访")
    DUE = "due", _("本季度待走访")
    OVERDUE = "overdue", _("逾期未走访")

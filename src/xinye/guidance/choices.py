from django.db import models
from django.utils.translation import gettext_lazy as _


class AgentKind(models.TextChoices):
    INSTRUCTOR = "instructor", _("党建指导员")
    LIAISON = "liaison", _("驻企联络员")

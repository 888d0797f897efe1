from django.db import models


class AgentKind(models.TextChoices):
    INSTRUCTOR = "instructor", "党建指导员"
    LIAISON = "liaison", "驻企联络员"

"""The worker's rights requests (PIPL art. 44–47): their kinds and states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RightsKind(models.TextChoices):
    ACCESS = "access", _("查阅复制")  # art. 45
    CORRECTION = "correction", _("更正补充")  # art. 46
    WITHDRAWAL = "withdrawal", _("撤回同意")  # art. 15
    DELETION = "deletion", _("删除")  # art. 47


class RightsStatus(models.TextChoices):
    OPEN = "open", _("待办理")
    DONE = "done", _("已办结")
    REFUSED = "refused", _("不予更正")


# The one transition table of a rights request: an open request is done (corrected) or refused with a reason.
RIGHTS_TRANSITIONS = {
    RightsStatus.OPEN: {RightsStatus.DONE, RightsStatus.REFUSED},
    RightsStatus.DONE: set(),
    RightsStatus.REFUSED: set(),
}

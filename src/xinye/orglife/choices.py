from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    """The forms of organisational life (支部工作条例 art. 11–13)."""

    GENERAL_MEETING = "general_meeting", _("支部党员大会")
    COMMITTEE_MEETING = "committee_meeting", _("支委会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    DEMOCRATIC_REVIEW = "democratic_review", _("民主评议党员")
    HEART_TO_HEART = "heart_to_heart", _("谈心谈话")


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class RuleCondition(models.TextChoices):
    """When a meeting rule applies to an organisation."""

    ALWAYS = "always", _("所有党组织")
    HAS_COMMITTEE = "has_committee", _("设支部委员会的")
    HAS_GROUPS = "has_groups", _("设党小组（含网络党小组）的")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")

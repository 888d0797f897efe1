"""The campaigns' kinds, stages and the states of nominees, votes and objections."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    BEST_DRIVER = "best_driver", _("最美司机")
    BEST_RIDER = "best_rider", _("最美骑手")
    BEST_COURIER = "best_courier", _("最美快递员")
    BEST_FAMILY = "best_family", _("最美家庭")
    WOMEN_PACESETTER = "women_pacesetter", _("巾帼建功标兵")
    OTHER = "other", _("其他评选")


class Stage(models.TextChoices):
    """The dated stages, in order (the API's `stage` values)."""

    NOMINATING = "nominating", _("推荐")
    REVIEWING = "reviewing", _("审核")
    VOTING = "voting", _("公众投票")
    PUBLICISING = "publicising", _("公示")
    CLOSED = "closed", _("结果")


# The one transition table: each stage moves only to the next, by date (the tick) or by the organiser.
NEXT_STAGE = {
    Stage.NOMINATING: Stage.REVIEWING,
    Stage.REVIEWING: Stage.VOTING,
    Stage.VOTING: Stage.PUBLICISING,
    Stage.PUBLICISING: Stage.CLOSED,
}
# The campaign's date field that ends each stage.
STAGE_ENDS = {
    Stage.NOMINATING: "nominate_until",
    Stage.REVIEWING: "review_until",
    Stage.VOTING: "vote_until",
    Stage.PUBLICISING: "publicise_until",
}


class NominationSource(models.TextChoices):
    UNIT = "unit", _("单位推荐")
    SELF = "self", _("本人自荐")
    PEER = "peer", _("他人推荐")


class NomineeStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过审核")
    REJECTED = "rejected", _("审核未通过")
    SHORTLISTED = "shortlisted", _("公示中")
    WITHDRAWN = "withdrawn", _("公示异议成立，取消")
    WINNER = "winner", _("当选")
    NOT_SELECTED = "not_selected", _("未当选")


# The nominees a vote may go to and the public sees on the campaign's page.
PUBLIC_NOMINEE_STATUSES = (
    NomineeStatus.APPROVED,
    NomineeStatus.SHORTLISTED,
    NomineeStatus.WINNER,
    NomineeStatus.NOT_SELECTED,
)


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class RecordKind(models.TextChoices):
    COMPLAINT = "complaint", _("有效投诉")
    TRAFFIC = "traffic", _("交通违法")
    DISCIPLINE = "discipline", _("违纪违规")
    OTHER = "other", _("其他")

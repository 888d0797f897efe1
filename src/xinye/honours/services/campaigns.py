"""The campaign and its stages (the transition table in choices), and the library entry a winner makes."""

import datetime

from django.db import transaction
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import require
from xinye.core.errors import Refused
from xinye.honours.choices import (
    NEXT_STAGE,
    CampaignKind,
    NomineeStatus,
    ObjectionStatus,
    Stage,
)
from xinye.honours.models import Campaign, Exemplar, Nominee, Objection

READS = ("clean_campaign", "due_stage")

DATE_ORDER = ("nominate_until", "review_until", "vote_until", "publicise_until")


# --- campaigns ---


def clean_campaign(
    *, nominate_until, review_until, vote_until, publicise_until, quota, votes_per_day, industry="", unit=None
) -> None:
    """A campaign's own rules: the stages' last days in order, at least one winner and one vote a day, and
    an industry campaign run by a unit of that industry when the organiser belongs to one."""
    days = dict(zip(DATE_ORDER, (nominate_until, review_until, vote_until, publicise_until), strict=True))
    labels = {"review_until": "审核截止", "vote_until": "投票截止", "publicise_until": "公示截止"}
    previous = None
    for name, day in days.items():
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            raise Refused({name: f"{labels[name]}不能早于上一阶段的截止日期"})
        previous = (name, day)
    if quota is not None and quota < 1:
        raise Refused({"quota": "评选名额至少为 1"})
    if votes_per_day is not None and votes_per_day < 1:
        raise Refused({"votes_per_day": "每日票数至少为 1"})
    if industry and unit is not None and unit.industry and unit.industry != industry:
        raise Refused({"industry": "行业须与主办单位的行业一致"})


@transaction.atomic
def save_campaign(campaign: Campaign, *, actor) -> Campaign:
    """Create or change a campaign inside the actor's scope; its dates may not be moved once closed."""
    clean_campaign(
        nominate_until=campaign.nominate_until,
        review_until=campaign.review_until,
        vote_until=campaign.vote_until,
        publicise_until=campaign.publicise_until,
        quota=campaign.quota,
        votes_per_day=campaign.votes_per_day,
        industry=campaign.industry,
        unit=campaign.unit,
    )
    if not campaign.industry and campaign.unit.industry:
        campaign.industry = campaign.unit.industry
    if campaign.pk is not None:
        stored = Campaign.objects.filter(pk=campaign.pk).first()
        if stored is not None and stored.stage != campaign.stage:
            raise Refused({"stage": "阶段只能通过“进入下一阶段”推进"})
        if stored is not None and stored.stage == Stage.CLOSED:
            raise Refused("评选已结束，不能再修改")
    return writes.save(campaign, actor=actor)


@transaction.atomic
def delete_campaign(campaign: Campaign, *, actor) -> None:
    """Remove a campaign that nobody has been nominated to yet."""
    require(actor, "delete", campaign)
    if Nominee.objects.filter(campaign=campaign).exists():
        raise Refused("已有候选人，不能删除该评选")
    writes.delete(campaign, actor=actor)


def due_stage(campaign: Campaign, today: datetime.date) -> bool:
    """Whether the current stage's last day has passed."""
    ends = campaign.ends_on()
    return ends is not None and ends < today


@transaction.atomic
def advance_stage(campaign: Campaign, *, actor) -> Campaign:
    """Move the campaign to its next stage (choices.NEXT_STAGE). Refused: a closed campaign; leaving 推荐
    with no nominee; leaving 审核 with nominees not yet reviewed or none approved; closing while an
    objection is open. Entering 公示 shortlists the `quota` approved nominees with the most votes (ties:
    the earlier nomination); closing makes them winners and enters them in the library of models."""
    require(actor, "change", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    nxt = NEXT_STAGE.get(campaign.stage)
    if nxt is None:
        raise Refused({"stage": "评选已结束"})
    nominees = Nominee.objects.filter(campaign=campaign)
    if campaign.stage == Stage.NOMINATING and not nominees.exists():
        raise Refused({"stage": "还没有候选人，不能进入审核"})
    if campaign.stage == Stage.REVIEWING:
        pending = nominees.filter(status=NomineeStatus.PENDING).count()
        if pending:
            raise Refused({"stage": f"还有 {pending} 名候选人未审核"})
        if not nominees.filter(status=NomineeStatus.APPROVED).exists():
            raise Refused({"stage": "没有审核通过的候选人，不能开始投票"})
    if campaign.stage == Stage.VOTING:
        ranked = list(nominees.filter(status=NomineeStatus.APPROVED).order_by("-votes", "pk"))
        for place, nominee in enumerate(ranked):
            nominee.status = (
                NomineeStatus.SHORTLISTED if place < campaign.quota else NomineeStatus.NOT_SELECTED
            )
            nominee.save(update_fields=["status"])
    if campaign.stage == Stage.PUBLICISING:
        open_count = Objection.objects.filter(campaign=campaign, status=ObjectionStatus.OPEN).count()
        if open_count:
            raise Refused({"stage": f"还有 {open_count} 件公示异议未处理"})
        for nominee in nominees.filter(status=NomineeStatus.SHORTLISTED).select_related("campaign"):
            nominee.status = NomineeStatus.WINNER
            nominee.save(update_fields=["status"])
            _enter_library(nominee)
    campaign.stage = nxt
    campaign.stage_changed_at = timezone.now()
    campaign.save(update_fields=["stage", "stage_changed_at"])
    require(actor, "change", campaign)
    return campaign


def _enter_library(nominee: Nominee) -> Exemplar:
    campaign = nominee.campaign
    exemplar, _created = Exemplar.objects.get_or_create(
        nominee=nominee,
        defaults={
            "name": nominee.name,
            "honour": f"{campaign.year}年度{campaign.get_kind_display() if campaign.kind != CampaignKind.OTHER else campaign.title}",
            "year": campaign.year,
            "campaign": campaign,
            "enterprise_name": nominee.enterprise_name,
            "industry": nominee.industry,
            "region_id": nominee.region_id,
            "unit_id": campaign.unit_id,
            "story": nominee.story,
        },
    )
    return exemplar

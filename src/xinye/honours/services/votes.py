"""The public vote: one signed-in phone, a daily limit, bursts flagged; voiding a ballot; the results."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from xinye.accounts.permissions import require
from xinye.core.errors import OutOfScope, Refused
from xinye.honours import rules
from xinye.honours.choices import (
    PUBLIC_NOMINEE_STATUSES,
    NomineeStatus,
    Stage,
)
from xinye.honours.models import Campaign, Nominee, Vote
from xinye.workers.models import Worker

READS = ("results", "votes_today", "voted_today")


# --- the public vote ---


def votes_today(campaign: Campaign, worker: Worker, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return Vote.objects.filter(campaign=campaign, worker=worker, day=today).count()


def voted_today(nominee: Nominee, worker: Worker | None, today: datetime.date | None = None) -> bool:
    if worker is None:
        return False
    today = today or timezone.localdate()
    return Vote.objects.filter(nominee=nominee, worker=worker, day=today).exists()


def vote(nominee: Nominee, *, worker: Worker, ip: str | None = None, now=None) -> Vote:
    """A signed-in worker (their phone verified by the portal's SMS sign-in) votes for a nominee while the
    campaign is in 公众投票: one vote per nominee a day and the campaign's `votes_per_day` in all. The
    phone's votes are serialised on its worker row, so concurrent taps count once. The nominee's tally
    moves in the same transaction: it is a counter over the votes (which are kept, not audited one by
    one), so it is incremented in the database rather than through the audited save. A burst from one
    address (rules) is flagged on the vote, not refused."""
    if worker is None or worker.pk is None:
        raise Refused("请先用手机号登录")
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        Worker.objects.select_for_update().filter(pk=worker.pk).values_list("pk", flat=True).first()
        row = (
            Nominee.objects.filter(pk=nominee.pk)
            .values("status", "campaign_id", "campaign__stage", "campaign__votes_per_day")
            .first()
        )
        if row is None:
            raise OutOfScope()
        if row["campaign__stage"] != Stage.VOTING:
            raise Refused("该评选当前不在投票阶段")
        if row["status"] != NomineeStatus.APPROVED:
            raise Refused("该候选人不在投票名单中")
        campaign_id = row["campaign_id"]
        mine = list(
            Vote.objects.filter(campaign_id=campaign_id, worker=worker, day=today).values_list(
                "nominee_id", flat=True
            )
        )
        if nominee.pk in mine:
            raise Refused("您今天已经为TA投过票了，明天再来吧")
        limit = row["campaign__votes_per_day"]
        if len(mine) >= limit:
            raise Refused(f"每个手机号每天最多投 {limit} 票，今天的票已用完")
        flag = ""
        if ip:
            window, most = rules.setting("burst_window_minutes"), rules.setting("burst_votes")
            since = now - datetime.timedelta(minutes=window)
            # counted up to the threshold only: a busy address costs no more than a quiet one
            recent = Vote.objects.filter(campaign_id=campaign_id, ip=ip, created_at__gte=since)[:most]
            if recent.count() >= most:
                flag = f"同一地址 {window} 分钟内超过 {most} 票"
        try:
            with transaction.atomic():
                ballot = Vote.objects.create(
                    campaign_id=campaign_id,
                    nominee_id=nominee.pk,
                    worker=worker,
                    day=today,
                    ip=ip or None,
                    created_at=now,
                    flag=flag,
                )
        except IntegrityError:  # a second tap that raced the first
            raise Refused("您今天已经为TA投过票了，明天再来吧") from None
        Nominee.objects.filter(pk=nominee.pk).update(votes=F("votes") + 1)
    return ballot


@transaction.atomic
def void_vote(ballot: Vote, *, actor, reason: str) -> Vote:
    """The organiser voids a (flagged) vote with a reason while the vote is on; the tally drops by one and
    the change is logged on the nominee."""
    require(actor, "change", ballot)
    ballot = Vote.objects.select_for_update().select_related("campaign", "nominee").get(pk=ballot.pk)
    if ballot.voided:
        raise Refused("该票已作废")
    if ballot.campaign.stage != Stage.VOTING:
        raise Refused("投票已结束，不能再作废选票")
    if not (reason or "").strip():
        raise Refused({"void_reason": "请填写作废原因"})
    ballot.voided = True
    ballot.void_reason = reason.strip()[:255]
    ballot.save(update_fields=["voided", "void_reason"])
    nominee = ballot.nominee
    nominee.votes = Nominee.objects.get(pk=nominee.pk).votes - 1
    nominee.save(update_fields=["votes"])  # through save: the change log records who voided what
    return ballot


def results(campaign: Campaign):
    """The campaign's public nominees, most votes first (the stored tally; ties: earlier nomination)."""
    return (
        Nominee.objects.filter(campaign=campaign, status__in=PUBLIC_NOMINEE_STATUSES)
        .order_by("-votes", "pk")
        .only("pk", "name", "votes", "status", "enterprise_name", "region_id", "industry", "campaign_id")
    )

"""The 最美 campaigns' write door: the campaign and its stages (the transition table in choices, moved by
the organiser or by the tick when a stage's last day has passed), nominations (by the organiser in the
console on a unit's recommendation, or by a signed-in worker on the portal, for themselves or a peer),
review against eligibility, the public vote (one signed-in phone, a daily limit, bursts flagged), the
publicity period with its objections, and the winners entering the library of models (先进典型)."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import actor_user, require
from xinye.core.crypto import keyed_hash
from xinye.core.errors import OutOfScope, Refused
from xinye.honours import rules
from xinye.honours.choices import (
    NEXT_STAGE,
    PUBLIC_NOMINEE_STATUSES,
    CampaignKind,
    NominationSource,
    NomineeStatus,
    ObjectionStatus,
    Stage,
)
from xinye.honours.models import Campaign, Exemplar, NegativeRecord, Nominee, Objection, Vote
from xinye.ledger.choices import Gender
from xinye.ledger.models import Practitioner
from xinye.workers.models import Worker

READS = (
    "clean_campaign",
    "clean_nominee",
    "eligibility",
    "results",
    "public_campaigns",
    "public_nominees",
    "votes_today",
    "voted_today",
    "published_exemplars",
    "due_stage",
)

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


# --- nominations and review ---


def clean_nominee(campaign: Campaign, practitioner: Practitioner, *, story: str) -> None:
    """A nomination's rules: the campaign is taking nominations, the practitioner is of the campaign's
    industry (a 巾帼建功标兵 is a woman), a story is given, and nobody is nominated twice."""
    if campaign.stage != Stage.NOMINATING:
        raise Refused({"campaign": "该评选已停止推荐"})
    if campaign.industry and practitioner.industry != campaign.industry:
        raise Refused({"practitioner": f"该评选只面向{campaign.get_industry_display()}行业的从业人员"})
    if campaign.kind == CampaignKind.WOMEN_PACESETTER and practitioner.gender == Gender.MALE:
        raise Refused({"practitioner": "巾帼建功标兵只面向女性从业人员"})
    if not (story or "").strip():
        raise Refused({"story": "请填写主要事迹"})
    if Nominee.objects.filter(campaign=campaign, practitioner=practitioner).exists():
        raise Refused({"practitioner": "该从业人员已被推荐，无需重复推荐"})


def _new_nominee(campaign, practitioner, **fields) -> Nominee:
    name = (fields.pop("name", "") or "").strip() or practitioner.name
    if campaign.kind == CampaignKind.BEST_FAMILY and not name.endswith("家庭"):
        name = f"{name}家庭"
    nominee = Nominee(
        campaign=campaign,
        practitioner=practitioner,
        name=name,
        enterprise_name=practitioner.enterprise.name,
        region_id=practitioner.region_id,
        industry=practitioner.industry,
        **fields,
    )
    try:
        with transaction.atomic():
            nominee.save()
    except IntegrityError:  # a concurrent second nomination
        raise Refused({"practitioner": "该从业人员已被推荐，无需重复推荐"}) from None
    return nominee


@transaction.atomic
def nominate(
    campaign: Campaign,
    practitioner: Practitioner,
    *,
    actor,
    story: str,
    nominated_by_unit=None,
    name: str = "",
) -> Nominee:
    """The organiser records a unit's recommendation (推荐表) in the console: the nominee belongs to the
    campaign, so the actor must be able to add nominees where the campaign's organiser stands."""
    require(actor, "add", model=Nominee, unit=campaign.unit, industry=campaign.industry)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    clean_nominee(campaign, practitioner, story=story)
    nominee = _new_nominee(
        campaign,
        practitioner,
        name=name,
        story=story.strip(),
        source=NominationSource.UNIT,
        nominated_by_unit=nominated_by_unit or campaign.unit,
    )
    require(actor, "add", nominee)
    return nominee


def _practitioner_for_phone(phone_hash: str, name: str | None = None) -> Practitioner | None:
    qs = Practitioner.objects.filter(phone_hash=phone_hash).select_related("enterprise")
    if name is not None:
        qs = qs.filter(name=name.strip())
    return qs.first()


@transaction.atomic
def nominate_on_portal(
    campaign: Campaign, *, worker: Worker, story: str, peer_name: str = "", peer_phone: str = ""
) -> Nominee:
    """A signed-in worker nominates themselves (found in the ledger by their verified phone) or a peer
    (found by name and phone, both as in the ledger) while the campaign takes nominations."""
    if worker is None or worker.pk is None:
        raise Refused("请先登录")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if peer_phone or peer_name:
        if not peer_name.strip() or not peer_phone.strip():
            raise Refused({"peer_phone": "推荐他人须填写其姓名和手机号"})
        practitioner = _practitioner_for_phone(keyed_hash(peer_phone.strip()), peer_name)
        source = NominationSource.PEER
        if practitioner is None:
            raise Refused({"peer_phone": "从业人员台账中没有这位从业人员，请核对姓名和手机号"})
    else:
        practitioner = (
            worker.practitioner if worker.practitioner_id else _practitioner_for_phone(worker.phone_hash)
        )
        source = NominationSource.SELF
        if practitioner is None:
            raise Refused({"story": "从业人员台账中没有您的记录，请先到服务站备案或由所在单位推荐"})
    clean_nominee(campaign, practitioner, story=story)
    return _new_nominee(
        campaign, practitioner, story=story.strip(), source=source, nominated_by_worker=worker
    )


def eligibility(nominee: Nominee) -> list[str]:
    """Why a nominee is not eligible (empty when eligible): in the ledger (the practitioner row exists) and
    no open negative record."""
    reasons = []
    if not Practitioner.objects.filter(pk=nominee.practitioner_id).exists():
        reasons.append("不在从业人员台账中")
    for record in NegativeRecord.objects.filter(
        practitioner_id=nominee.practitioner_id, closed_on__isnull=True
    ):
        reasons.append(f"有未销号的不良记录：{record.get_kind_display()}（{record.recorded_on:%Y-%m-%d}）")
    return reasons


@transaction.atomic
def review_nominee(nominee: Nominee, *, actor, approve: bool, reason: str) -> Nominee:
    """The reviewer approves or rejects a nominee during 推荐 or 审核, recording the reason (required for a
    rejection). Approval is refused for an ineligible nominee (eligibility)."""
    require(actor, "change", nominee)
    nominee = Nominee.objects.select_for_update().select_related("campaign").get(pk=nominee.pk)
    if nominee.campaign.stage not in (Stage.NOMINATING, Stage.REVIEWING):
        raise Refused({"status": "评选已进入投票，不能再审核"})
    reason = (reason or "").strip()
    if approve:
        problems = eligibility(nominee)
        if problems:
            raise Refused({"status": "不符合条件：" + "；".join(problems)})
        reason = reason or "经审核符合条件"
    elif not reason:
        raise Refused({"review_reason": "审核不通过须填写原因"})
    nominee.status = NomineeStatus.APPROVED if approve else NomineeStatus.REJECTED
    nominee.review_reason = reason[:255]
    nominee.reviewed_by = actor_user(actor)
    nominee.reviewed_at = timezone.now()
    nominee.save(update_fields=["status", "review_reason", "reviewed_by", "reviewed_at"])
    require(actor, "change", nominee)
    return nominee


@transaction.atomic
def save_negative_record(record: NegativeRecord, *, actor) -> NegativeRecord:
    """Record or close a practitioner's negative record; it is owned like the practitioner."""
    practitioner = record.practitioner
    record.unit_id = practitioner.unit_id
    record.industry = practitioner.industry
    if record.closed_on and record.closed_on < record.recorded_on:
        raise Refused({"closed_on": "销号日期不能早于记录日期"})
    return writes.save(record, actor=actor)


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


# --- 公示 and objections ---


def _check_objection(nominee: Nominee, reason: str) -> None:
    if nominee.campaign.stage != Stage.PUBLICISING:
        raise Refused("该评选不在公示期，不能提出异议")
    if nominee.status != NomineeStatus.SHORTLISTED:
        raise Refused("只能对公示名单中的人选提出异议")
    if len((reason or "").strip()) < 5:
        raise Refused({"reason": "请写明异议的具体事实（至少 5 个字）"})


@transaction.atomic
def raise_objection(nominee: Nominee, *, worker: Worker, reason: str) -> Objection:
    """A signed-in worker objects to a shortlisted nominee during 公示."""
    if worker is None or worker.pk is None:
        raise Refused("请先登录")
    nominee = Nominee.objects.select_related("campaign").get(pk=nominee.pk)
    _check_objection(nominee, reason)
    return Objection.objects.create(
        campaign=nominee.campaign, nominee=nominee, reason=reason.strip(), raised_by_worker=worker
    )


@transaction.atomic
def record_objection(nominee: Nominee, *, actor, reason: str, raised_by_name: str = "") -> Objection:
    """Staff record an objection received by letter or phone during 公示."""
    require(actor, "change", nominee)
    nominee = Nominee.objects.select_related("campaign").get(pk=nominee.pk)
    _check_objection(nominee, reason)
    objection = Objection.objects.create(
        campaign=nominee.campaign,
        nominee=nominee,
        reason=reason.strip(),
        raised_by_name=raised_by_name.strip(),
    )
    require(actor, "change", objection)
    return objection


@transaction.atomic
def handle_objection(objection: Objection, *, actor, upheld: bool, outcome: str) -> Objection:
    """The organiser records the outcome of an objection (required); an upheld one takes the nominee off
    the publicised list. Each objection is handled once."""
    require(actor, "change", objection)
    objection = Objection.objects.select_for_update().select_related("nominee__campaign").get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise Refused({"status": "该异议已处理"})
    if not (outcome or "").strip():
        raise Refused({"outcome": "请填写核查情况和处理结果"})
    if objection.nominee.campaign.stage != Stage.PUBLICISING:
        raise Refused({"status": "评选已不在公示期"})
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.outcome = outcome.strip()
    objection.handled_by = actor_user(actor)
    objection.handled_at = timezone.now()
    objection.save(update_fields=["status", "outcome", "handled_by", "handled_at"])
    if upheld:
        nominee = objection.nominee
        nominee.status = NomineeStatus.WITHDRAWN
        nominee.save(update_fields=["status"])
    require(actor, "change", objection)
    return objection


# --- the library of models ---


@transaction.atomic
def save_exemplar(exemplar: Exemplar, *, actor) -> Exemplar:
    """Add or edit a model in the library inside the actor's scope."""
    if not (exemplar.story or "").strip():
        raise Refused({"story": "请填写事迹"})
    return writes.save(exemplar, actor=actor)


def published_exemplars(*, county=None, industry=None):
    qs = Exemplar.objects.filter(is_published=True).select_related("region").prefetch_related("photos")
    if county:
        qs = qs.filter(region_id=county)
    if industry:
        qs = qs.filter(industry=industry)
    return qs


def public_campaigns():
    """The campaigns the public sees on /m/campaigns/: all of them, the open ones first."""
    closed = Case(When(stage=Stage.CLOSED, then=Value(1)), default=Value(0))
    return Campaign.objects.select_related("unit").order_by(closed, "-year", "vote_until", "pk")


def public_nominees(campaign: Campaign):
    return results(campaign)


# --- the tick ---


@dataclass
class TickResult:
    moved: int = 0
    held: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.moved

    @property
    def summary(self) -> str:
        return f"评选进入下一阶段 {self.moved} 个，因未办结暂缓 {self.held} 个"


def tick(*, actor, now=None) -> TickResult:
    """Advance every campaign whose current stage's last day has passed, as far as the dates allow; a
    campaign a rule holds back (reviews pending, objections open) is reported, not forced. Idempotent."""
    today = timezone.localdate(now) if now else timezone.localdate()
    result = TickResult()
    for campaign in Campaign.objects.exclude(stage=Stage.CLOSED).order_by("pk"):
        while due_stage(campaign, today):
            before = campaign.get_stage_display()
            try:
                campaign = advance_stage(campaign, actor=actor)
            except Refused as exc:
                result.held += 1
                result.details.append(f"{campaign.title}：停留在{before}，{'；'.join(exc.messages)}")
                break
            result.moved += 1
            result.details.append(f"{campaign.title}：{before} → {campaign.get_stage_display()}")
    return result

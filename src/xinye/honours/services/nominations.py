"""Nominations (the console's on a unit's recommendation, the portal's by a signed-in worker) and their review against eligibility and negative records."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import actor_user, require
from xinye.core.crypto import keyed_hash
from xinye.core.errors import Refused
from xinye.honours.choices import (
    CampaignKind,
    NominationSource,
    NomineeStatus,
    Stage,
)
from xinye.honours.models import Campaign, NegativeRecord, Nominee
from xinye.ledger.choices import Gender
from xinye.ledger.models import Practitioner
from xinye.workers.models import Worker

READS = ("clean_nominee", "eligibility")


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

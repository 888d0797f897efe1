"""公示 and its objections, the library of models and the public lists."""

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import actor_user, require
from xinye.core.errors import Refused
from xinye.honours.choices import (
    NomineeStatus,
    ObjectionStatus,
    Stage,
)
from xinye.honours.models import Campaign, Exemplar, Nominee, Objection
from xinye.honours.services.votes import results
from xinye.workers.models import Worker

READS = ("public_campaigns", "public_nominees", "published_exemplars")


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

"""The policy catalogue and its reach (which enterprise was told of or took up which policy), and 银企/保险
对接: institutions, their products, matchmaking events and one-to-one matches with their outcome.

Plain records go through the generic write door (`accounts.writes`) after their own `clean_*` rules; a
match's outcome is its own step (`conclude_match`), fixed once concluded."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import actor_user, has_action, in_scope, require, restrict
from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.orgs.choices import RegionLevel
from xinye.support.choices import COVER_KINDS, LOAN_KINDS, MatchStatus, ProductKind, ReachKind
from xinye.support.models import Institution, Match, MatchEvent, Policy, PolicyReach, Product

READS = ("visible", "clean_policy", "clean_reach", "clean_product", "clean_match", "clean_outcome")

CENT = Decimal("0.01")


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


# --- what a reader sees of the catalogues ---

# The catalogues whose city-wide rows every reader of the type sees: a policy the city publishes, a bank or
# insurer the city works with, the city's 银企对接会 are public knowledge for every county's staff, while a
# county's own rows stay its own and writes stay with the owning unit (restrict's "change").
CITYWIDE = {
    Policy: "region__level",
    Institution: "region__level",
    Product: "institution__region__level",
    MatchEvent: "region__level",
}


def visible(model, user):
    """The rows of a catalogue `model` (policies, institutions, products, events) that `user` reads: those in
    their scope, and the city-wide ones for anyone granted to view the type at all."""
    own = restrict(model.objects.all(), user, "view")
    if not has_action(user, "view", model):
        return own
    return model.objects.filter(Q(pk__in=own.values("pk")) | Q(**{CITYWIDE[model]: RegionLevel.CITY}))


# --- policies ---


def clean_policy(*, title: str, effective_from, effective_until, industries: str = "") -> None:
    """A policy's own rules: a title, a start date, an end date not before it, known industry codes."""
    if not (title or "").strip():
        raise Refused({"title": "请填写政策名称"})
    if effective_from is None:
        raise Refused({"effective_from": "请填写施行日期"})
    if effective_until is not None and effective_until < effective_from:
        raise Refused({"effective_until": "有效期至不能早于施行日期"})
    unknown = [
        c
        for c in (industries or "").replace("，", ",").split(",")
        if c.strip() and c.strip() not in Industry.values
    ]
    if unknown:
        raise Refused(
            {"industries": f"未知的行业代码：{'、'.join(unknown)}（可选：{'、'.join(Industry.values)}）"}
        )


@transaction.atomic
def save_policy(policy: Policy, *, actor) -> Policy:
    """Create or change a policy in the catalogue, inside the actor's scope; its region follows its unit."""
    clean_policy(
        title=policy.title,
        effective_from=policy.effective_from,
        effective_until=policy.effective_until,
        industries=policy.industries,
    )
    policy.region_id = policy.unit.region_id
    return writes.save(policy, actor=actor)


@transaction.atomic
def delete_policy(policy: Policy, *, actor) -> None:
    """Remove a policy no enterprise has been told of; one with reach records is ended by its end date."""
    require(actor, "delete", policy)
    if policy.reach.exists():
        raise Refused("已有企业的政策落实记录，请改为填写有效期至")
    writes.delete(policy, actor=actor)


def clean_reach(*, policy, enterprise, kind: str, date: datetime.date, benefit=None) -> None:
    """A reach record's rules: a known kind; a policy taken up only while in force; the enterprise in the
    policy's region (a county's policy reaches that county's enterprises); a benefit only when taken up."""
    if kind not in ReachKind.values:
        raise Refused({"kind": f"未知的落实情况：{kind}"})
    if (
        policy.region.level in (RegionLevel.COUNTY, RegionLevel.ZONE)
        and enterprise.region_id != policy.region_id
    ):
        raise Refused({"enterprise": f"该政策只适用于{policy.region.name}的企业"})
    if kind == ReachKind.TAKEN_UP and not policy.in_force(date):
        raise Refused({"date": f"政策在 {date:%Y-%m-%d} 不在有效期内，不能记录为已享受"})
    if benefit is not None:
        if kind != ReachKind.TAKEN_UP:
            raise Refused({"benefit": "只有已享受的政策才填写享受金额"})
        if Decimal(benefit) < 0:
            raise Refused({"benefit": "享受金额不能为负数"})


@transaction.atomic
def record_reach(
    policy: Policy, enterprise, *, actor, kind: str, date=None, benefit=None, note: str = ""
) -> PolicyReach:
    """Record that `enterprise` was told of (已告知) or took up (已享受) `policy`. The enterprise must be in the
    actor's scope (its county, its instructor…) and the policy visible to them; once per policy, enterprise
    and kind. Taking a policy up records it as told as well."""
    if not visible(Policy, actor).filter(pk=policy.pk).exists():
        raise Refused({"policy": "该政策不在您可查看的政策目录中"})
    date = date or timezone.localdate()
    clean_reach(policy=policy, enterprise=enterprise, kind=kind, date=date, benefit=benefit)
    if PolicyReach.objects.filter(policy=policy, enterprise=enterprise, kind=kind).exists():
        raise Refused(f"已记录{enterprise.name}对该政策“{ReachKind(kind).label}”，无需重复记录")
    reach = PolicyReach(
        policy=policy,
        enterprise=enterprise,
        kind=kind,
        date=date,
        benefit=_money(benefit),
        note=(note or "").strip()[:255],
        recorded_by=actor_user(actor),
    )
    try:
        with transaction.atomic():
            writes.save(reach, actor=actor)
    except IntegrityError:  # a concurrent double record
        raise Refused(f"已记录{enterprise.name}对该政策“{ReachKind(kind).label}”，无需重复记录") from None
    if (
        kind == ReachKind.TAKEN_UP
        and not PolicyReach.objects.filter(policy=policy, enterprise=enterprise, kind=ReachKind.TOLD).exists()
    ):
        writes.save(
            PolicyReach(
                policy=policy,
                enterprise=enterprise,
                kind=ReachKind.TOLD,
                date=date,
                recorded_by=actor_user(actor),
            ),
            actor=actor,
        )
    return reach


# --- institutions, products, events ---


@transaction.atomic
def save_institution(institution: Institution, *, actor) -> Institution:
    """Create or change an institution inside the actor's scope; its region follows its unit."""
    if not (institution.name or "").strip():
        raise Refused({"name": "请填写机构名称"})
    institution.region_id = institution.unit.region_id
    return writes.save(institution, actor=actor)


def clean_product(*, kind: str, max_amount=None) -> None:
    if kind not in ProductKind.values:
        raise Refused({"kind": f"未知的产品类别：{kind}"})
    if max_amount is not None and Decimal(max_amount) <= 0:
        raise Refused({"max_amount": "最高额度/保额须大于 0 元"})


@transaction.atomic
def save_product(product: Product, *, actor) -> Product:
    clean_product(kind=product.kind, max_amount=product.max_amount)
    return writes.save(product, actor=actor)


@transaction.atomic
def save_event(event: MatchEvent, *, actor) -> MatchEvent:
    """Create or change a matchmaking event inside the actor's scope; its region follows its unit."""
    if not (event.title or "").strip():
        raise Refused({"title": "请填写活动名称"})
    event.region_id = event.unit.region_id
    return writes.save(event, actor=actor)


# --- matches ---


def clean_match(*, enterprise, institution, product=None, need=None, kind: str) -> None:
    """A match's rules: a known kind; the product the institution's own and of that kind; an insurer for
    cover, a bank or guarantor for a loan; the need, if any, the same enterprise's."""
    if kind not in ProductKind.values:
        raise Refused({"kind": f"未知的对接类别：{kind}"})
    if product is not None:
        if product.institution_id != institution.pk:
            raise Refused({"product": f"该产品不是{institution.name}的产品"})
        if product.kind != kind:
            raise Refused({"product": f"产品“{product.name}”是{product.get_kind_display()}，与对接类别不符"})
    if kind in COVER_KINDS and institution.kind != "insurer":
        raise Refused({"institution": "保险对接须选择保险机构"})
    if kind in LOAN_KINDS and institution.kind not in ("bank", "guarantee"):
        raise Refused({"institution": "融资对接须选择银行或融资担保机构"})
    if need is not None and need.enterprise_id != enterprise.pk:
        raise Refused({"need": "对应需求须是该企业提出的需求"})


@transaction.atomic
def record_match(
    *, actor, enterprise, institution, kind: str, product=None, event=None, need=None, note: str = "", at=None
) -> Match:
    """Record that an enterprise was matched with an institution (at an event or one to one), 对接中 until
    its outcome is recorded. The enterprise must be in the actor's scope; the institution, product, event
    and need visible to them."""
    for name, obj in (("institution", institution), ("product", product), ("event", event)):
        if obj is not None and not visible(type(obj), actor).filter(pk=obj.pk).exists():
            raise Refused({name: "所选对象不在您可查看的范围内"})
    if need is not None and not in_scope(actor, "view", need):
        raise Refused({"need": "所选需求不在您的管辖范围内"})
    clean_match(enterprise=enterprise, institution=institution, product=product, need=need, kind=kind)
    match = Match(
        enterprise=enterprise,
        institution=institution,
        product=product,
        event=event,
        need=need,
        kind=kind,
        note=(note or "").strip()[:255],
        region_id=enterprise.region_id,
        created_at=at or timezone.now(),
    )
    return writes.save(match, actor=actor)


def clean_outcome(
    match: Match, *, status: str, amount=None, workers_covered: int = 0, concluded_on=None
) -> None:
    """An outcome's rules: 已达成 needs a positive amount (the loan, or the sum insured per worker times the
    workers — whatever the contract says) and a date not in the future, within the product's ceiling; cover
    reaches at least one worker and no more than the enterprise employs; a loan covers no workers."""
    if status not in (MatchStatus.CONCLUDED, MatchStatus.DECLINED):
        raise Refused({"status": "对接结果只能是“已达成”或“未达成”"})
    if status == MatchStatus.DECLINED:
        return
    if amount is None or Decimal(amount) <= 0:
        raise Refused({"amount": "已达成的对接须填写大于 0 元的贷款/保额"})
    if (
        match.product is not None
        and match.product.max_amount is not None
        and Decimal(amount) > match.product.max_amount
    ):
        raise Refused({"amount": f"超过产品“{match.product.name}”的最高额度 {match.product.max_amount} 元"})
    if concluded_on is not None and concluded_on > timezone.localdate():
        raise Refused({"concluded_on": "达成日期不能晚于今天"})
    if match.kind in LOAN_KINDS and workers_covered:
        raise Refused({"workers_covered": "贷款不覆盖从业人员，请填 0"})
    if match.kind in COVER_KINDS:
        if workers_covered < 1:
            raise Refused({"workers_covered": "保险对接须填写覆盖的从业人员数"})
        staff = match.enterprise.staff_count
        if staff and workers_covered > staff:
            raise Refused({"workers_covered": f"覆盖人数不能超过企业从业人员数 {staff} 人"})


@transaction.atomic
def conclude_match(
    match: Match,
    *,
    actor,
    status: str,
    amount=None,
    workers_covered: int = 0,
    concluded_on=None,
    note: str = "",
) -> Match:
    """Record a match's outcome: 已达成 with the loan or cover amount and the workers covered, or 未达成.
    An outcome is recorded once; a concluded match is never edited (a new match records a new contract)."""
    require(actor, "change", match)
    if match.status != MatchStatus.PROPOSED:
        raise Refused(f"该对接已“{match.get_status_display()}”，结果不能再修改")
    clean_outcome(
        match, status=status, amount=amount, workers_covered=workers_covered, concluded_on=concluded_on
    )
    match.status = status
    if status == MatchStatus.CONCLUDED:
        match.amount = _money(amount)
        match.workers_covered = workers_covered
        match.concluded_on = concluded_on or timezone.localdate()
    if note:
        match.note = note.strip()[:255]
    return writes.save(match, actor=actor)

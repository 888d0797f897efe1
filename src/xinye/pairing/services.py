"""结对共建: the write door for pairs, their yearly plans, the activities either side logs under the 六联
model with their evidence, and the yearly reviews; and the reads the console, the API and the grading use
(the pairs' statistics, the pairs silent this quarter, the uncovered enterprises no one is paired with,
which enterprises and organisations have an active pair).

A pair joins a host party organisation — of a 机关, 国企, 事业单位 or 社区, never an enterprise's — with an
enterprise's party organisation or with an enterprise that has none. Both sides reach the pair (the scope's
`partner`), so either side's staff may log an activity; the activity records which side logged it."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import actor_user, require, unit_in_scope
from xinye.core.errors import Refused
from xinye.coverage.models import EnterpriseCoverage
from xinye.ledger.choices import CoverageStatus
from xinye.ledger.models import Enterprise, PartyOrganisation
from xinye.orgs.choices import PARTY_ORG_KINDS
from xinye.pairing.choices import EvidenceKind, HostSector, Link, Rating, Side
from xinye.pairing.models import (
    ActivityEvidence,
    Pairing,
    PairingActivity,
    PairingPlan,
    PairingReview,
    PlanItem,
)

READS = (
    "clean_links",
    "clean_pairing",
    "clean_activity",
    "evidence_kind",
    "side_of",
    "partner_fields",
    "quarter_bounds",
    "active_on",
    "silent_pairings",
    "pairing_stats",
    "uncovered_unpaired",
    "active_pairing_ids",
)

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
# The organisation-level coverage statuses: an enterprise in one of them has no party organisation of its
# own or joint (coverage's 工作覆盖 and 空白), so a host organisation may pair with the enterprise itself.
UNORGANISED = (CoverageStatus.WORK, CoverageStatus.BLANK)


# --- rules (pure) ---


def clean_links(links) -> list[str]:
    """The 六联 tags of an activity or planned activity: at least one, each one of the six; returned in the
    model's order without repeats."""
    if isinstance(links, str):
        links = [part for part in links.replace("，", ",").split(",") if part.strip()]
    values = [str(link).strip() for link in links or []]
    unknown = [v for v in values if v not in Link.values]
    if unknown:
        raise Refused({"links": f"未知的六联类别：{'、'.join(unknown)}；可选：{'、'.join(Link.values)}"})
    if not values:
        raise Refused({"links": "请至少选择一项六联类别"})
    return [v for v in Link.values if v in values]


def clean_pairing(*, unit, host_sector, partner_org, enterprise, starts_on, ends_on, pairing=None) -> None:
    """A pair's own rules: the host is a party organisation that is not an enterprise's; exactly one
    enterprise side, and an enterprise paired by itself has no party organisation; the period runs forward;
    the same two sides are not paired twice over overlapping periods."""
    if unit is None:
        raise Refused({"unit": "请选择结对党组织"})
    if unit.kind not in PARTY_ORG_KINDS:
        raise Refused(
            {"unit": f"结对党组织须为党组织：“{unit.name}”是{unit.get_kind_display()}，请选择其机关党组织"}
        )
    if PartyOrganisation.objects.filter(unit=unit).exists():
        raise Refused({"unit": f"“{unit.name}”是企业党组织，结对方须为机关、国企、事业单位或社区的党组织"})
    if host_sector not in HostSector.values:
        raise Refused({"host_sector": f"未知的结对单位类别：{host_sector}"})
    if (partner_org is None) == (enterprise is None):
        raise Refused({"partner_org": "请选择企业党组织，或选择一家未建党组织的企业（二者选一）"})
    if enterprise is not None:
        org = PartyOrganisation.objects.filter(enterprises=enterprise).select_related("unit").first()
        if org is not None:
            raise Refused({"enterprise": f"“{enterprise.name}”已由“{org.unit.name}”覆盖，请与该党组织结对"})
    if starts_on is None or ends_on is None:
        raise Refused({"ends_on": "请填写结对起止日期"})
    if ends_on < starts_on:
        raise Refused({"ends_on": "结对截止日期不能早于起始日期"})
    same = Pairing.objects.filter(
        unit=unit,
        partner_org=partner_org,
        enterprise=enterprise,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )
    if pairing is not None and pairing.pk is not None:
        same = same.exclude(pk=pairing.pk)
    if same.exists():
        raise Refused({"starts_on": "这两方在该期限内已有结对，请修改原结对的期限"})


def clean_activity(pairing: Pairing, *, held_on, participants, links, today=None) -> list[str]:
    """An activity's own rules: held within the pair's period and not in the future, at least one
    participant, known 六联 tags. Returns the tags cleaned."""
    today = today or timezone.localdate()
    if held_on is None:
        raise Refused({"held_on": "请填写活动日期"})
    if not pairing.is_active_on(held_on):
        raise Refused(
            {
                "held_on": f"活动日期 {held_on:%Y-%m-%d} 不在结对期限"
                f"（{pairing.starts_on:%Y-%m-%d} 至 {pairing.ends_on:%Y-%m-%d}）内"
            }
        )
    if held_on > today:
        raise Refused({"held_on": "活动日期不能晚于今天：计划中的活动请写入年度计划"})
    if participants is None or participants < 1:
        raise Refused({"participants": "参加人数至少为 1"})
    return clean_links(links)


def evidence_kind(file) -> str:
    """What an uploaded file is, by its bytes: a photo (JPEG, PNG, WebP) or a document (PDF, Word/Excel/WPS).
    Refuses anything else and anything over 10 MB."""
    if not file:  # None, or a file field with no file in it (an upload without its file)
        raise Refused({"file": "请选择要上传的照片或文件"})
    if file.size > EVIDENCE_MAX_BYTES:
        raise Refused({"file": "文件不能超过 10 MB"})
    file.seek(0)
    head = file.read(12)
    file.seek(0)
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return EvidenceKind.PHOTO
    if head.startswith((b"%PDF-", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return EvidenceKind.DOCUMENT
    raise Refused({"file": "只能上传照片（JPEG、PNG、WebP）或文件（PDF、Word、Excel）"})


def side_of(actor, pairing: Pairing) -> str:
    """Which side `actor` logs for: the host's when the host organisation is in their scope, else the
    enterprise side's (the system actor logs for the host)."""
    if unit_in_scope(actor, "add", PairingActivity, pairing.unit, pairing.industry):
        return Side.HOST
    return Side.PARTNER


def partner_fields(partner_org, enterprise) -> dict:
    if partner_org is not None:
        first = partner_org.enterprises.order_by("pk").first()
        return {
            "partner_unit": partner_org.unit,
            "region_id": partner_org.region_id,
            "industry": partner_org.industry
            or (first.industry if first else "")
            or partner_org.unit.industry,
        }
    return {
        "partner_unit": enterprise.unit,
        "region_id": enterprise.region_id,
        "industry": enterprise.industry,
    }


# --- pairs ---


@transaction.atomic
def create_pairing(
    *, unit, host_sector, partner_org=None, enterprise=None, starts_on, ends_on, goals="", actor
) -> Pairing:
    """Record a pair between a host party organisation and an enterprise's organisation or an enterprise
    without one, for a period. Either side's staff may record it (both reach it afterwards)."""
    pairing = Pairing(
        unit=unit,
        host_sector=host_sector,
        partner_org=partner_org,
        enterprise=enterprise,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=goals or "",
    )
    return save_pairing(pairing, actor=actor)


@transaction.atomic
def save_pairing(pairing: Pairing, *, actor) -> Pairing:
    """Create or change a pair as edited (the console's form): the rules, the enterprise side's unit, county
    and industry derived again; a new period must still hold every activity logged."""
    clean_pairing(
        unit=pairing.unit if pairing.unit_id else None,
        host_sector=pairing.host_sector,
        partner_org=pairing.partner_org if pairing.partner_org_id else None,
        enterprise=pairing.enterprise if pairing.enterprise_id else None,
        starts_on=pairing.starts_on,
        ends_on=pairing.ends_on,
        pairing=pairing,
    )
    if pairing.pk is None:
        # Both sides must be within the recorder's sight: one cannot pair an organisation one cannot see.
        require(actor, "view", pairing.unit)
        require(actor, "view", pairing.partner_org or pairing.enterprise)
        pairing.created_by = actor_user(actor)
    else:
        stored = (
            Pairing.objects.filter(pk=pairing.pk).values("unit_id", "partner_org_id", "enterprise_id").first()
        )
        now = {
            "unit_id": pairing.unit_id,
            "partner_org_id": pairing.partner_org_id,
            "enterprise_id": pairing.enterprise_id,
        }
        if stored is not None and stored != now:
            raise Refused({"unit": "结对双方不能修改：请结束本结对并重新结对"})
        outside = pairing.activities.exclude(held_on__gte=pairing.starts_on, held_on__lte=pairing.ends_on)
        first = outside.order_by("held_on").first()
        if first is not None:
            raise Refused(
                {"ends_on": f"已有活动（{first.held_on:%Y-%m-%d} {first.title}）不在新的结对期限内"}
            )
    for field, value in partner_fields(pairing.partner_org, pairing.enterprise).items():
        setattr(pairing, field, value)
    return writes.save(pairing, actor=actor)


def _assign(obj, fields: dict, allowed: set, *, actor, refusal: str = "该字段不能修改", strip: str = ""):
    """The update_* functions' common part: only `allowed` fields (else `refusal` on the first other one),
    the actor may change `obj`, then the values set (`strip`: the one text field trimmed)."""
    unknown = set(fields) - allowed
    if unknown:
        raise Refused({sorted(unknown)[0]: refusal})
    require(actor, "change", obj)
    for field, value in fields.items():
        setattr(obj, field, value.strip() if field == strip and isinstance(value, str) else value)


@transaction.atomic
def update_pairing(pairing: Pairing, *, actor, **fields) -> Pairing:
    """Change a pair's period, sector or goals (the sides of a pair are not changed: end it, pair anew)."""
    allowed = {"host_sector", "starts_on", "ends_on", "goals"}
    _assign(pairing, fields, allowed, actor=actor, refusal="结对双方不能修改：请结束本结对并重新结对")
    return save_pairing(pairing, actor=actor)


@transaction.atomic
def delete_pairing(pairing: Pairing, *, actor) -> None:
    """Remove a pair recorded by mistake; one with activities is ended (shorten its period) instead."""
    require(actor, "delete", pairing)
    if pairing.activities.exists():
        raise Refused("该结对已有共建活动记录，不能删除；结对结束请修改截止日期")
    writes.delete(pairing, actor=actor)


# --- yearly plans ---


def _check_year(pairing: Pairing, year: int) -> None:
    if year is None or not (pairing.starts_on.year <= year <= pairing.ends_on.year):
        raise Refused(
            {"year": f"年度须在结对期限内（{pairing.starts_on.year} 至 {pairing.ends_on.year} 年）"}
        )


@transaction.atomic
def save_plan(pairing: Pairing, *, year: int, content: str, actor) -> PairingPlan:
    """Write the pair's plan for `year` (one per year: a second write changes it)."""
    require(actor, "view", pairing)
    _check_year(pairing, year)
    if not (content or "").strip():
        raise Refused({"content": "请填写计划内容"})
    plan = PairingPlan.objects.filter(pairing=pairing, year=year).first() or PairingPlan(
        pairing=pairing, year=year
    )
    plan.content = content.strip()
    return writes.save(plan, actor=actor)


@transaction.atomic
def save_plan_object(plan: PairingPlan, *, actor) -> PairingPlan:
    """The console's form of `save_plan`: the year in the pair's period, one plan per pair and year."""
    _check_year(plan.pairing, plan.year)
    if PairingPlan.objects.filter(pairing=plan.pairing, year=plan.year).exclude(pk=plan.pk).exists():
        raise Refused({"year": f"该结对已有 {plan.year} 年计划，请直接修改"})
    return writes.save(plan, actor=actor)


@transaction.atomic
def update_plan(plan: PairingPlan, *, actor, **fields) -> PairingPlan:
    """Change a yearly plan's year or content (the console's form: `save_plan_object`)."""
    _assign(plan, fields, {"year", "content"}, actor=actor)
    if not (plan.content or "").strip():
        raise Refused({"content": "请填写计划内容"})
    plan.content = plan.content.strip()
    return save_plan_object(plan, actor=actor)


@transaction.atomic
def delete_plan(plan: PairingPlan, *, actor) -> None:
    """Remove a yearly plan written by mistake, with its planned activities."""
    writes.delete(plan, actor=actor)


@transaction.atomic
def add_plan_item(plan: PairingPlan, *, month: int, title: str, links, actor) -> PlanItem:
    """Add a planned activity to a yearly plan: a month of that year, a title, its 六联 tags."""
    require(actor, "change", plan)
    item = PlanItem(plan=plan, month=month, title=(title or "").strip(), links=links)
    return save_plan_item(item, actor=actor)


@transaction.atomic
def save_plan_item(item: PlanItem, *, actor) -> PlanItem:
    if item.month is None or not 1 <= item.month <= 12:
        raise Refused({"month": "计划月份须为 1 至 12"})
    if not item.title:
        raise Refused({"title": "请填写计划活动"})
    item.links = clean_links(item.links)
    return writes.save(item, actor=actor)


@transaction.atomic
def update_plan_item(item: PlanItem, *, actor, **fields) -> PlanItem:
    """Change a planned activity's month, title or 六联 tags."""
    _assign(item, fields, {"month", "title", "links"}, actor=actor, strip="title")
    return save_plan_item(item, actor=actor)


@transaction.atomic
def delete_plan_item(item: PlanItem, *, actor) -> None:
    writes.delete(item, actor=actor)


# --- activities and evidence ---


@transaction.atomic
def log_activity(
    pairing: Pairing,
    *,
    held_on,
    title: str,
    links,
    participants: int,
    place: str = "",
    summary: str = "",
    actor,
) -> PairingActivity:
    """Log an activity the pair held, from either side: within the pair's period, tagged with the 六联 it
    served. The side is the logger's (`side_of`)."""
    require(actor, "view", pairing)
    activity = PairingActivity(
        pairing=pairing,
        held_on=held_on,
        title=(title or "").strip(),
        links=links,
        participants=participants,
        place=place or "",
        summary=summary or "",
        side=side_of(actor, pairing),
        created_by=actor_user(actor),
    )
    return save_activity(activity, actor=actor)


@transaction.atomic
def save_activity(activity: PairingActivity, *, actor) -> PairingActivity:
    """Create or change an activity as edited (the console's form and `log_activity`)."""
    if not activity.title:
        raise Refused({"title": "请填写活动名称"})
    activity.links = clean_activity(
        activity.pairing, held_on=activity.held_on, participants=activity.participants, links=activity.links
    )
    if activity.pk is None and activity.created_by_id is None:
        activity.created_by = actor_user(actor)
        activity.side = side_of(actor, activity.pairing)
    return writes.save(activity, actor=actor)


@transaction.atomic
def update_activity(activity: PairingActivity, *, actor, **fields) -> PairingActivity:
    allowed = {"held_on", "title", "links", "participants", "place", "summary"}
    _assign(activity, fields, allowed, actor=actor)
    return save_activity(activity, actor=actor)


@transaction.atomic
def delete_activity(activity: PairingActivity, *, actor) -> None:
    """Remove an activity logged by mistake, with its evidence."""
    writes.delete(activity, actor=actor)


@transaction.atomic
def add_evidence(activity: PairingActivity, *, file, caption: str = "", actor) -> ActivityEvidence:
    """Attach a photo or document to an activity; its kind is read from the file's bytes."""
    require(actor, "change", activity)
    evidence = ActivityEvidence(activity=activity, file=file, caption=caption or "")
    return save_evidence(evidence, actor=actor)


@transaction.atomic
def save_evidence(evidence: ActivityEvidence, *, actor) -> ActivityEvidence:
    if evidence.pk is None or getattr(evidence.file, "_committed", True) is False:
        evidence.kind = evidence_kind(evidence.file)
    if evidence.pk is None:
        evidence.uploaded_by = actor_user(actor)
    return writes.save(evidence, actor=actor)


@transaction.atomic
def update_evidence(evidence: ActivityEvidence, *, actor, caption: str) -> ActivityEvidence:
    """Change an evidence's caption (a wrong file is deleted and uploaded again)."""
    require(actor, "change", evidence)
    evidence.caption = caption or ""
    return save_evidence(evidence, actor=actor)


@transaction.atomic
def delete_evidence(evidence: ActivityEvidence, *, actor) -> None:
    writes.delete(evidence, actor=actor)


# --- yearly reviews ---


@transaction.atomic
def review_pairing(pairing: Pairing, *, year: int, rating: str, text: str, actor) -> PairingReview:
    """Write the pair's review for `year` (a rating and the reasons); a second review of the year changes it."""
    require(actor, "view", pairing)
    review = PairingReview.objects.filter(pairing=pairing, year=year).first() or PairingReview(
        pairing=pairing, year=year
    )
    review.rating, review.text = rating, (text or "").strip()
    return save_review(review, actor=actor)


@transaction.atomic
def save_review(review: PairingReview, *, actor) -> PairingReview:
    _check_year(review.pairing, review.year)
    if review.rating not in Rating.values:
        raise Refused({"rating": f"未知的评价等次：{review.rating}；可选：{'、'.join(Rating.values)}"})
    if not review.text:
        raise Refused({"text": "请填写评价意见"})
    if PairingReview.objects.filter(pairing=review.pairing, year=review.year).exclude(pk=review.pk).exists():
        raise Refused({"year": f"该结对已有 {review.year} 年评估，请直接修改"})
    review.reviewed_by = actor_user(actor) or review.reviewed_by
    return writes.save(review, actor=actor)


@transaction.atomic
def update_review(review: PairingReview, *, actor, **fields) -> PairingReview:
    """Change a review's year, rating or reasons (the console's form: `save_review`)."""
    _assign(review, fields, {"year", "rating", "text"}, actor=actor, strip="text")
    return save_review(review, actor=actor)


@transaction.atomic
def delete_review(review: PairingReview, *, actor) -> None:
    writes.delete(review, actor=actor)


# --- reads ---


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the calendar quarter holding `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    end_month = first_month + 2
    end = datetime.date(day.year, end_month, 31 if end_month in (3, 12) else 30)
    return start, end


def active_on(pairings: QuerySet, day: datetime.date) -> QuerySet:
    """The pairs whose period holds `day`."""
    return pairings.filter(starts_on__lte=day, ends_on__gte=day)


def silent_pairings(pairings: QuerySet, *, on: datetime.date | None = None) -> QuerySet:
    """The pairs active on `on` (today) with no activity held this quarter so far (本季度无活动)."""
    on = on or timezone.localdate()
    start, _end = quarter_bounds(on)
    held = PairingActivity.objects.filter(pairing=OuterRef("pk"), held_on__gte=start, held_on__lte=on)
    return active_on(pairings, on).exclude(Exists(held))


def pairing_stats(pairings: QuerySet, *, on: datetime.date | None = None, year: int | None = None) -> dict:
    """The figures of `pairings` (already scoped): active pairs on `on`, the activities of `year` (default
    `on`'s) with their participants and their count under each of the 六联 (an activity tagged with two
    counts under both), and the active pairs silent this quarter."""
    on = on or timezone.localdate()
    year = year or on.year
    activities = PairingActivity.objects.filter(pairing__in=pairings.values("pk"), held_on__year=year)
    by_link = dict.fromkeys(Link.values, 0)
    count = participants = 0
    for links, people in activities.values_list("links", "participants"):
        count += 1
        participants += people
        for link in links:
            if link in by_link:
                by_link[link] += 1
    start, end = quarter_bounds(on)
    return {
        "pairings": active_on(pairings, on).count(),
        "activities": count,
        "by_link": by_link,
        "pairs_without_activity_this_quarter": silent_pairings(pairings, on=on).count(),
        "participants": participants,
        "year": year,
        "quarter": {"from": start.isoformat(), "to": end.isoformat()},
    }


def _paired_enterprises_q(on: datetime.date) -> Q:
    """Enterprises with a pair active on `on`: paired themselves, or covered by a paired organisation."""
    pairs = active_on(Pairing.objects.all(), on)
    return Q(pk__in=pairs.filter(enterprise__isnull=False).values("enterprise_id")) | Q(
        party_organisations__in=pairs.filter(partner_org__isnull=False).values("partner_org_id")
    )


def uncovered_unpaired(
    enterprises: QuerySet, *, on: datetime.date | None = None, statuses=UNORGANISED
) -> QuerySet:
    """The enterprises of `enterprises` (already scoped) in the survey scope whose coverage status is one of
    `statuses` — by default those no party organisation covers (coverage's 工作覆盖 and 空白; pass
    `(CoverageStatus.BLANK,)` for the strictly uncovered) — and that no active pair includes: the
    candidates for a new pair. Each row carries `coverage_status`."""
    on = on or timezone.localdate()
    status = EnterpriseCoverage.objects.filter(enterprise=OuterRef("pk"), in_scope=True)

    return (
        enterprises.filter(is_active=True, in_survey_scope=True)
        .annotate(coverage_status=Subquery(status.values("status")[:1]))
        .filter(coverage_status__in=list(statuses))
        .exclude(pk__in=Enterprise.objects.filter(_paired_enterprises_q(on)).values("pk"))
        .order_by("region_id", "industry", "name")
    )


@dataclass(frozen=True)
class ActivePairings:
    """What `active_pairing_ids` answers: enterprises with an active pair (directly or through their
    organisation) and party organisations (ledger ids) with one."""

    enterprise_ids: frozenset[int]
    org_ids: frozenset[int]


def active_pairing_ids(
    enterprise_ids=None, org_ids=None, *, on: datetime.date | None = None
) -> ActivePairings:
    """The enterprises and party organisations with a pair active on `on` (today), restricted to the ids
    given (None: all). For the grading: "结对共建" counts an enterprise or organisation as paired. Not
    scoped: the caller has scoped the ids it asks about."""
    on = on or timezone.localdate()
    pairs = active_on(Pairing.objects.all(), on)
    orgs = set(pairs.filter(partner_org__isnull=False).values_list("partner_org_id", flat=True))
    enterprises = set(pairs.filter(enterprise__isnull=False).values_list("enterprise_id", flat=True))
    enterprises |= set(
        PartyOrganisation.enterprises.through.objects.filter(partyorganisation_id__in=orgs).values_list(
            "enterprise_id", flat=True
        )
    )
    if enterprise_ids is not None:
        enterprises &= set(enterprise_ids)
    if org_ids is not None:
        orgs &= set(org_ids)
    return ActivePairings(frozenset(enterprises), frozenset(orgs))

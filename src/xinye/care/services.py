"""Personal services: the catalogue's writes (staff, through `require`), the public catalogue reads (per
county and station, nearest first), and a worker's sign-ups to sessions (no double sign-up, no more than
the places)."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import require
from xinye.care.choices import SESSION_KINDS, ServiceKind, SignupStatus
from xinye.care.models import ServiceOffer, ServiceSession, ServiceSignup
from xinye.core import geo
from xinye.core.errors import OutOfScope, Refused

READS = (
    "clean_offer",
    "clean_session",
    "catalogue",
    "offers_for_station",
    "open_sessions",
    "signups_for",
)


def clean_offer(*, kind: str, valid_from, valid_until, station=None, unit=None) -> None:
    """An offer's own rules: a known kind, valid dates in order, and a station in the offer's county."""
    if kind not in ServiceKind.values:
        raise Refused({"kind": f"未知的服务类别：{kind}"})
    if valid_from and valid_until and valid_until < valid_from:
        raise Refused({"valid_until": "有效期止不能早于有效期起"})
    if station is not None and unit is not None and station.region_id != unit.region_id:
        raise Refused({"station": "服务站须在提供单位所在的旗县区"})


def clean_session(*, offer, starts_at, ends_at, capacity) -> None:
    """A session's own rules: only 红色教育 and 就业招聘 hold sessions; ends after it starts; at least one place."""
    if offer is not None and offer.kind not in SESSION_KINDS:
        raise Refused({"offer": "只有红色教育和就业招聘可以设置报名场次"})
    if starts_at and ends_at and ends_at <= starts_at:
        raise Refused({"ends_at": "结束时间须晚于开始时间"})
    if capacity is not None and capacity < 1:
        raise Refused({"capacity": "名额至少为 1"})


@transaction.atomic
def save_offer(offer: ServiceOffer, *, actor) -> ServiceOffer:
    """Create or change an offer inside the actor's scope; its county follows its unit."""
    clean_offer(
        kind=offer.kind,
        valid_from=offer.valid_from,
        valid_until=offer.valid_until,
        station=offer.station,
        unit=offer.unit,
    )
    offer.region_id = offer.unit.region_id
    return writes.save(offer, actor=actor)


@transaction.atomic
def delete_offer(offer: ServiceOffer, *, actor) -> None:
    """Remove an offer with its sessions; one with sign-ups is withdrawn (unpublished) instead."""
    require(actor, "delete", offer)
    if ServiceSignup.objects.filter(session__offer=offer).exists():
        raise Refused("已有从业人员报名，请改为停止发布")
    writes.delete(offer, actor=actor)


@transaction.atomic
def save_session(session: ServiceSession, *, actor) -> ServiceSession:
    """Create or change a session of an offer inside the actor's scope; places never below the sign-ups."""
    clean_session(
        offer=session.offer, starts_at=session.starts_at, ends_at=session.ends_at, capacity=session.capacity
    )
    if session.pk is not None and session.capacity < session.taken:
        raise Refused({"capacity": f"已有 {session.taken} 人报名，名额不能少于报名人数"})
    return writes.save(session, actor=actor)


@transaction.atomic
def delete_session(session: ServiceSession, *, actor) -> None:
    require(actor, "delete", session)
    if session.signups.filter(status=SignupStatus.SIGNED_UP).exists():
        raise Refused("已有从业人员报名，请改为取消该场次")
    writes.delete(session, actor=actor)


def sign_up(session: ServiceSession, *, worker) -> ServiceSignup:
    """The signed-in worker signs up for a session. Refused: a second sign-up, a full, cancelled or past
    session, an offer no longer published. A cancelled sign-up may be renewed while places last."""
    if worker is None or worker.pk is None:
        raise Refused("请先登录")
    with transaction.atomic():
        session = ServiceSession.objects.select_for_update().select_related("offer").get(pk=session.pk)
        existing = ServiceSignup.objects.filter(session=session, worker=worker).first()
        if existing is not None and existing.status == SignupStatus.SIGNED_UP:
            raise Refused("您已报名该场次，无需重复报名")
        if session.is_cancelled or not session.offer.is_active or session.starts_at <= timezone.now():
            raise Refused("该场次已停止报名")
        if session.taken >= session.capacity:
            raise Refused("名额已满")
        if existing is not None:
            existing.status = SignupStatus.SIGNED_UP
            existing.signed_up_at = timezone.now()
            existing.save()
            return existing
        try:
            with transaction.atomic():
                return ServiceSignup.objects.create(session=session, worker=worker)
        except IntegrityError:  # a concurrent double tap
            raise Refused("您已报名该场次，无需重复报名") from None


@transaction.atomic
def cancel_signup(signup: ServiceSignup, *, worker) -> ServiceSignup:
    """The worker cancels their own sign-up before the session starts (someone else's: OutOfScope)."""
    if signup.worker_id != worker.pk:
        raise OutOfScope()
    if signup.status != SignupStatus.SIGNED_UP or signup.session.starts_at <= timezone.now():
        raise Refused("该报名不能取消")
    signup.status = SignupStatus.CANCELLED
    signup.save()
    return signup


# --- the public catalogue ---


def _published(qs, today: datetime.date):
    return qs.filter(is_active=True).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )


def catalogue(*, county=None, kind=None, first_county=None, lat=None, lng=None) -> list[ServiceOffer]:
    """Published offers (active, within their dates), narrowed to a county code and a kind. Ordered by
    distance when a location is given (offers without one last), else the worker's county (`first_county`)
    first, then county, kind and name. Each offer carries its open sessions as `open_sessions`."""
    qs = _published(ServiceOffer.objects.select_related("region", "station", "unit"), timezone.localdate())
    if county:
        qs = qs.filter(region_id=county)
    if kind:
        qs = qs.filter(kind=kind)
    offers = list(qs)
    _attach_sessions(offers)
    if lat is not None and lng is not None:
        for offer in offers:
            point = offer.point()
            offer.distance = geo.distance_m(lat, lng, *point) if point else None
        offers.sort(key=lambda o: (o.distance is None, o.distance or 0, o.pk))
    else:
        offers.sort(key=lambda o: (o.region_id != first_county, o.region_id, o.kind, o.title))
    return offers


def offers_for_station(station) -> list[ServiceOffer]:
    """What a station's page lists: the station's own offers, then the county's offers held at no station."""
    qs = _published(
        ServiceOffer.objects.filter(
            Q(station=station) | Q(region_id=station.region_id, station__isnull=True)
        ),
        timezone.localdate(),
    ).select_related("unit")
    offers = sorted(qs, key=lambda o: (o.station_id != station.pk, o.kind, o.title))
    _attach_sessions(offers)
    return offers


def _attach_sessions(offers) -> None:
    by_offer: dict[int, list] = {}
    for session in open_sessions().filter(offer__in=[o.pk for o in offers if o.kind in SESSION_KINDS]):
        by_offer.setdefault(session.offer_id, []).append(session)
    for offer in offers:
        offer.open_sessions = by_offer.get(offer.pk, [])


def open_sessions():
    """Sessions still open for sign-up (not cancelled, not started), soonest first, with their sign-up count."""
    return (
        ServiceSession.objects.filter(is_cancelled=False, starts_at__gt=timezone.now())
        .annotate(signed=Count("signups", filter=Q(signups__status=SignupStatus.SIGNED_UP)))
        .order_by("starts_at", "pk")
    )


def signups_for(worker):
    """A worker's sign-ups, soonest session first; for the portal."""
    return (
        ServiceSignup.objects.filter(worker=worker)
        .select_related("session__offer")
        .order_by("-session__starts_at")
    )

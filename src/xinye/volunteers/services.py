"""Volunteering services: register (from 备案), publish, sign up (idempotent), confirm attendance
(credits hours to the ledger), hours per worker, totals by county and industry."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import actor_user, require
from xinye.core.errors import OutOfScope, Refused
from xinye.orgs.services import require_citywide
from xinye.volunteers.choices import ActivityCategory, ActivityStatus, SignupStatus
from xinye.volunteers.models import VolunteerActivity, VolunteerHours, VolunteerProfile, VolunteerSignup

READS = ("open_activities", "signups_for", "hours_for", "totals", "clean_activity")


def _industry_of(worker) -> str:
    if worker.practitioner_id:
        return worker.practitioner.industry or ""
    return ""


@transaction.atomic
def register_volunteer(*, worker, skills: str = "", unit=None) -> VolunteerProfile:
    """Register (or update) a worker as a volunteer with their community; idempotent per worker."""
    unit = unit or worker.unit
    if unit is None:
        raise Refused("请先在服务站或社区完成备案，再登记为志愿者")
    region = worker.region or unit.region
    profile, created = VolunteerProfile.objects.get_or_create(
        worker=worker,
        defaults={"unit": unit, "region": region, "skills": skills[:255], "industry": _industry_of(worker)},
    )
    if not created:
        changed = False
        for name, value in (
            ("skills", skills[:255] or profile.skills),
            ("unit", unit),
            ("region", region),
            ("industry", _industry_of(worker) or profile.industry),
            ("is_active", True),
        ):
            if getattr(profile, name) != value:
                setattr(profile, name, value)
                changed = True
        if changed:
            profile.save()
    return profile


def clean_activity(*, category: str, starts_at, ends_at, capacity: int) -> None:
    """An activity's own rules (the console's form runs them too): known category, ends after it starts,
    at least one place. Refused naming the field."""
    if category not in ActivityCategory.values:
        raise Refused({"category": [f"未知的活动类别：{category}"]})
    if starts_at and ends_at and ends_at <= starts_at:
        raise Refused({"ends_at": ["结束时间须晚于开始时间"]})
    if capacity is not None and capacity < 1:
        raise Refused({"capacity": ["名额至少为 1"]})


@transaction.atomic
def publish_activity(
    *,
    actor,
    unit,
    title: str,
    category: str,
    place: str,
    starts_at,
    ends_at,
    capacity: int = 20,
    hours: Decimal | None = None,
    description: str = "",
    station=None,
) -> VolunteerActivity:
    """Publish an activity of `unit`, which must be inside the actor's scope (checked again on the row)."""
    require(actor, "add", model=VolunteerActivity, unit=unit)
    clean_activity(category=category, starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    if hours is None:
        hours = (Decimal((ends_at - starts_at).total_seconds()) / 3600).quantize(Decimal("0.01"))
    activity = VolunteerActivity.objects.create(
        title=title,
        category=category,
        unit=unit,
        region=unit.region,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        hours=hours,
        description=description,
        station=station,
        created_by=actor_user(actor),
    )
    require(actor, "add", activity)
    return activity


@transaction.atomic
def save_activity(activity: VolunteerActivity, *, actor) -> VolunteerActivity:
    """Change (or, from the console, create) an activity inside the actor's scope: its region follows its
    unit, and the saved row is checked again before the transaction commits."""
    clean_activity(
        category=activity.category,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        capacity=activity.capacity,
    )
    activity.region = activity.unit.region
    if activity.pk is None:
        activity.created_by = actor_user(actor)
    return writes.save(activity, actor=actor)


def sign_up(activity: VolunteerActivity, *, worker) -> VolunteerSignup:
    """Sign up (idempotent: signing up twice returns the same row); refuses full or closed activities."""
    profile = getattr(worker, "volunteer_profile", None)
    if profile is None or not profile.is_active:
        raise Refused("请先登记为志愿者")
    existing = VolunteerSignup.objects.filter(activity=activity, profile=profile).first()
    if existing is not None and existing.status != SignupStatus.CANCELLED:
        return existing
    with transaction.atomic():
        activity = VolunteerActivity.objects.select_for_update().get(pk=activity.pk)
        if activity.status != ActivityStatus.PUBLISHED or activity.starts_at <= timezone.now():
            raise Refused("该活动已停止报名")
        if activity.taken >= activity.capacity:
            raise Refused("名额已满")
        if existing is not None:
            existing.status = SignupStatus.SIGNED_UP
            existing.signed_up_at = timezone.now()
            existing.save()
            return existing
        try:
            with transaction.atomic():
                return VolunteerSignup.objects.create(activity=activity, profile=profile)
        except IntegrityError:
            return VolunteerSignup.objects.get(activity=activity, profile=profile)


@transaction.atomic
def cancel_signup(signup: VolunteerSignup, *, worker) -> VolunteerSignup:
    """The worker cancels their own sign-up (someone else's is not there for them: OutOfScope)."""
    if signup.profile.worker_id != worker.pk:
        raise OutOfScope()
    if signup.status != SignupStatus.SIGNED_UP:
        raise Refused("该报名不能取消")
    signup.status = SignupStatus.CANCELLED
    signup.save()
    return signup


@transaction.atomic
def confirm_attendance(
    signup: VolunteerSignup,
    *,
    actor,
    attended: bool = True,
    hours: Decimal | None = None,
    note: str = "",
) -> VolunteerSignup:
    """Staff confirm who came: attendance credits the activity's hours (or `hours`) to the ledger once."""
    require(actor, "change", signup)
    if signup.status == SignupStatus.CANCELLED:
        raise Refused("已取消的报名不能确认")
    signup.status = SignupStatus.ATTENDED if attended else SignupStatus.ABSENT
    signup.confirmed_at = timezone.now()
    signup.confirmed_by = actor_user(actor)
    signup.save()
    credit = VolunteerHours.objects.filter(signup=signup).first()
    if attended:
        amount = Decimal(hours if hours is not None else signup.activity.hours).quantize(Decimal("0.01"))
        if amount <= 0 or amount > 24:
            raise Refused("时长须在 0 到 24 小时之间")
        if credit is None:
            VolunteerHours.objects.create(
                profile=signup.profile,
                activity=signup.activity,
                signup=signup,
                unit=signup.activity.unit,
                hours=amount,
                note=note[:255],
                recorded_by=signup.confirmed_by,
            )
        elif credit.hours != amount:
            credit.hours = amount
            credit.save()
    elif credit is not None:
        credit.delete()
    return signup


def open_activities(*, region=None, limit: int = 50):
    """Activities a worker can still sign up to (published, not started), soonest first; for the portal."""
    qs = VolunteerActivity.objects.filter(status=ActivityStatus.PUBLISHED, starts_at__gt=timezone.now())
    if region is not None:
        qs = qs.filter(region=region)
    return qs.select_related("unit").order_by("starts_at")[:limit]


def signups_for(worker):
    """A worker's sign-ups with their activity, newest activity first; for "我的"."""
    return (
        VolunteerSignup.objects.filter(profile__worker=worker)
        .select_related("activity", "credit")
        .order_by("-activity__starts_at")
    )


def hours_for(worker) -> Decimal:
    """Total confirmed volunteer hours of a worker."""
    total = VolunteerHours.objects.filter(profile__worker=worker).aggregate(s=Sum("hours"))["s"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def totals(profiles, by: str = "region") -> list[dict]:
    """Volunteers and hours grouped by county (`region`) or `industry` over a (restricted) profile queryset."""
    from xinye.core.choices import Industry

    key = "region__name" if by == "region" else "industry"
    rows = (
        profiles.values(key)
        .annotate(volunteers=Count("pk", distinct=True), hours=Sum("hours__hours"))
        .order_by(key)
    )
    labels = dict(Industry.choices)
    out = []
    for row in rows:
        name = row[key] or "未关联行业"
        if by != "region":
            name = labels.get(row[key], name)
        out.append(
            {
                "name": str(name),
                "volunteers": row["volunteers"],
                "hours": (row["hours"] or Decimal("0")).quantize(Decimal("0.01")),
            }
        )
    return out


def anonymise_worker(*, worker) -> int:
    """Volunteer records belong to the person: deleting their data removes the profile and its hours."""
    deleted, _ = VolunteerProfile.objects.filter(worker=worker).delete()
    return deleted


@transaction.atomic
def withdraw_worker(*, worker) -> int:
    """The worker withdrew their consent (PIPL art. 15): their profile leaves the roster (`is_active`
    off: no longer listed to organisers, no new sign-ups) and sign-ups for activities not yet begun are
    cancelled. Past hours stay (they happened). Returns the number of sign-ups cancelled."""
    profile = VolunteerProfile.objects.filter(worker=worker).first()
    if profile is None:
        return 0
    if profile.is_active:
        profile.is_active = False
        profile.save()
    pending = VolunteerSignup.objects.filter(
        profile=profile, status=SignupStatus.SIGNED_UP, activity__starts_at__gt=timezone.now()
    )
    count = 0
    for signup in pending:
        signup.status = SignupStatus.CANCELLED
        signup.save()
        count += 1
    return count


@transaction.atomic
def purge_cancelled_signups(*, actor, before, dry_run: bool = False) -> int:
    """Cancelled sign-ups (withdrawn registrations) older than `before` are deleted: nothing counts them."""
    require_citywide(actor=actor, action="delete", model=VolunteerSignup)
    rows = VolunteerSignup.objects.filter(status=SignupStatus.CANCELLED, signed_up_at__lt=before)
    if dry_run:
        return rows.count()
    count = 0
    for row in rows:
        row.delete()
        count += 1
    return count

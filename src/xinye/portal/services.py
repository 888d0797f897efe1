"""Portal services: sign-in codes, consent, 备案, a worker's own data, and submissions to the appeal and
hazard apps (each retried request finds its first result by idempotency key)."""

import datetime
import functools
import hmac
import secrets
import uuid

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone, translation

from xinye.core.crypto import keyed_hash
from xinye.core.validators import clean_id_number, clean_mobile
from xinye.portal import rules
from xinye.portal.models import Consent, NoticeKind, PrivacyNotice, SmsCode, Worker


class RateLimited(ValueError):
    """Too many requests; the message says in Chinese when to try again."""


# --- sign-in codes ----------------------------------------------------------------------------------


def _code_hash(phone: str, code: str) -> str:
    return keyed_hash(f"sms-code:{phone}:{code}")


def request_code(phone: str, *, ip: str | None = None) -> str:
    """Send a 6-digit sign-in code to `phone` (rate-limited per phone and per IP). Returns the clean phone."""
    from xinye.portal.sms import get_backend

    phone = clean_mobile(phone)
    phone_hash = keyed_hash(phone)
    now = timezone.now()
    limits = rules.code_rate_limits()
    recent = SmsCode.objects.filter(phone_hash=phone_hash, created_at__gte=now - datetime.timedelta(hours=1))
    if (
        recent.filter(created_at__gte=now - datetime.timedelta(minutes=1)).count()
        >= limits["phone_per_minute"]
    ):
        raise RateLimited("验证码已发送，请 1 分钟后再重新获取")
    if recent.count() >= limits["phone_per_hour"]:
        raise RateLimited(f"该手机号 1 小时内获取验证码已达 {limits['phone_per_hour']} 次，请稍后再试")
    if ip and (
        SmsCode.objects.filter(ip=ip, created_at__gte=now - datetime.timedelta(hours=1)).count()
        >= limits["ip_per_hour"]
    ):
        raise RateLimited("当前网络获取验证码过于频繁，请 1 小时后再试")
    code = f"{secrets.randbelow(1_000_000):06d}"
    ttl = rules.code_ttl_seconds()
    with transaction.atomic():
        # a new code replaces any earlier unused one
        SmsCode.objects.filter(phone_hash=phone_hash, used_at__isnull=True).update(used_at=now)
        SmsCode.objects.create(
            phone_hash=phone_hash,
            code_hash=_code_hash(phone, code),
            ip=ip or None,
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=ttl),
        )
    get_backend().send_code(phone, code, max(1, ttl // 60))
    return phone


def verify_code(phone: str, code: str) -> str:
    """Check a code: single use, within its life, a few attempts. Returns the clean phone or raises."""
    phone = clean_mobile(phone)
    code = (code or "").strip()
    now = timezone.now()
    row = (
        SmsCode.objects.filter(phone_hash=keyed_hash(phone), used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if row is None:
        raise ValueError("验证码无效或已使用，请重新获取")
    if row.expires_at <= now:
        raise ValueError("验证码已过期，请重新获取")
    if not hmac.compare_digest(row.code_hash, _code_hash(phone, code)):
        row.attempts += 1
        burnt = row.attempts >= rules.code_max_attempts()
        SmsCode.objects.filter(pk=row.pk).update(attempts=row.attempts, used_at=now if burnt else None)
        if burnt:
            raise ValueError("验证码错误次数过多，请重新获取")
        raise ValueError("验证码错误")
    if SmsCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
        raise ValueError("验证码无效或已使用，请重新获取")  # a concurrent use won
    return phone


# --- workers and consent ----------------------------------------------------------------------------


def worker_for_phone(phone: str) -> Worker | None:
    return Worker.objects.filter(phone_hash=keyed_hash(phone)).first()


_current_notice: dict[str, tuple[float, int | None]] = {}


def current_notice_id(kind: str) -> int | None:
    """The current notice's id, remembered for a minute per process (asked on every signed-in request);
    forgotten at once when a notice is saved in this process (portal/apps.py)."""
    import time

    cached = _current_notice.get(kind)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    notice = PrivacyNotice.current(kind)
    _current_notice[kind] = (time.monotonic() + 60, notice.pk if notice else None)
    return notice.pk if notice else None


def forget_current_notices() -> None:
    _current_notice.clear()


def has_consent(worker: Worker, kind: str) -> bool:
    """Consent to the *current* version of the notice of this kind, not withdrawn (one query; the
    first versions are published by a migration, so there is always a notice to agree to)."""
    current = (
        PrivacyNotice.objects.filter(kind=kind, published_at__lte=timezone.now())
        .order_by("-published_at")
        .values("pk")[:1]
    )
    return Consent.objects.filter(
        worker=worker, notice_id=Subquery(current), withdrawn_at__isnull=True
    ).exists()


@transaction.atomic
def give_consent(worker: Worker, kind: str, *, ip: str | None = None) -> Consent | None:
    notice = PrivacyNotice.current(kind)
    if notice is None:
        return None
    existing = Consent.objects.filter(worker=worker, notice=notice, withdrawn_at__isnull=True).first()
    return existing or Consent.objects.create(worker=worker, notice=notice, kind=kind, ip=ip or None)


@transaction.atomic
def withdraw_consent(worker: Worker, kind: str) -> None:
    """Withdrawing the sensitive consent erases what it covered (the ID number and its link)."""
    Consent.objects.filter(worker=worker, kind=kind, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if kind == NoticeKind.SENSITIVE and (worker.id_number or worker.practitioner_id):
        worker.id_number = ""
        worker.practitioner = None
        worker.save()


@transaction.atomic
def sign_up(phone: str, *, ip: str | None = None) -> Worker:
    """Create (or find) the worker for a verified phone and record the general consent (required)."""
    phone = clean_mobile(phone)
    worker = worker_for_phone(phone)
    if worker is None:
        worker = Worker(phone=phone)
        worker.save()
    give_consent(worker, NoticeKind.GENERAL, ip=ip)
    return worker


def _clean_id_for(worker: Worker, id_number: str) -> str:
    if not id_number:
        return ""
    if not has_consent(worker, NoticeKind.SENSITIVE):
        raise ValueError("填写身份证号前，请先单独同意《敏感个人信息处理规则》")
    return clean_id_number(id_number).number


def _link_practitioner(worker: Worker) -> None:
    from xinye.ledger.models import Practitioner

    worker.practitioner = (
        Practitioner.objects.filter(id_hash=keyed_hash(worker.id_number)).first()
        if worker.id_number
        else None
    )


@transaction.atomic
def register(
    worker: Worker,
    *,
    station=None,
    community=None,
    name: str,
    occupation: str = "",
    enterprise_name: str = "",
    id_number: str = "",
    volunteer: bool = False,
    volunteer_skills: str = "",
) -> Worker:
    """备案 at a station (its community) or a community: the worker's unit and region follow, so that
    community's staff see them. An ID number (sensitive consent required) links the practitioner ledger."""
    if station is not None:
        community = station.unit
    if community is None:
        raise ValueError("请选择备案的服务站或社区")
    name = (name or "").strip()
    if not name:
        raise ValueError("请填写姓名")
    worker.name = name[:32]
    worker.occupation = occupation or ""
    worker.enterprise_name = (enterprise_name or "").strip()[:128]
    worker.station = station
    worker.unit = community
    worker.region = community.region
    if id_number:
        worker.id_number = _clean_id_for(worker, id_number)
        _link_practitioner(worker)
    worker.registered_at = worker.registered_at or timezone.now()
    worker.save()
    if volunteer:
        from xinye.volunteers.services import register_volunteer

        register_volunteer(worker=worker, skills=volunteer_skills)
    return worker


@transaction.atomic
def correct_data(
    worker: Worker, *, name: str, occupation: str, enterprise_name: str, id_number: str | None
) -> Worker:
    """The worker corrects their own data (PIPL art. 46). An empty ID number removes it."""
    worker.name = (name or "").strip()[:32]
    worker.occupation = occupation or ""
    worker.enterprise_name = (enterprise_name or "").strip()[:128]
    if id_number is not None:
        worker.id_number = _clean_id_for(worker, id_number.strip())
        _link_practitioner(worker)
    worker.save()
    return worker


@transaction.atomic
def delete_worker_data(worker: Worker) -> None:
    """Delete the worker's personal data (PIPL art. 47): appeals and reports stay for the record but
    lose every link to the person; the worker row, consents and submissions go; check-ins keep only counts."""
    from xinye.appeals import services as appeals
    from xinye.hazards import services as hazards
    from xinye.volunteers import services as volunteers

    for module in (appeals, hazards, volunteers):
        module.anonymise_worker(worker=worker)
    worker.delete()


# --- submissions (the appeal and hazard apps own the rows, their checks and rate limits) -------------


def clean_key(key: str) -> str:
    try:
        return str(uuid.UUID(str(key)))
    except ValueError:
        raise ValueError("表单已失效，请刷新页面后重新提交")


def portal_key(worker: Worker, key: str) -> str:
    """The idempotency key sent on: the form's uuid4, bound to this worker (≤ 64 characters)."""
    return f"portal-{worker.pk}-{clean_key(key)}"


def is_sensitive_category(label: str) -> bool:
    return any(word in str(label) for word in rules.sensitive_appeal_labels())


def sensitive_appeal_categories() -> frozenset[str]:
    """The appeal categories whose Chinese label names a personal difficulty (rules.sensitive_appeal_labels),
    matched in Chinese whatever language the request is in, so a translated label cannot skip the consent."""
    return _sensitive_categories(tuple(rules.sensitive_appeal_labels()))


@functools.lru_cache(maxsize=4)
def _sensitive_categories(words: tuple) -> frozenset[str]:
    from xinye.appeals.choices import AppealCategory

    with translation.override("zh-hans"):
        return frozenset(
            value for value, label in AppealCategory.choices if any(word in str(label) for word in words)
        )


def submit_appeal(worker: Worker, *, category: str, text: str, photos=(), key: str, region=None):
    """File an appeal through the appeals app; a retried form (same key) returns the first appeal.
    Categories about personal difficulties need the separate sensitive consent first."""
    from xinye.appeals import services as appeals

    if category in sensitive_appeal_categories():
        if not has_consent(worker, NoticeKind.SENSITIVE):
            raise ValueError("反映个人困难需先单独同意《敏感个人信息处理规则》")
    return appeals.submit_appeal(
        worker=worker,
        category=category,
        text=text,
        photos=tuple(photos),
        idempotency_key=portal_key(worker, key),
        source="portal",
        region=None if worker.region_id else region,  # the worker's own region first (appeals reads it)
    )


def submit_report(
    worker: Worker,
    *,
    category: str,
    description: str,
    latitude,
    longitude,
    photo=None,
    key: str,
    coord_system: str = "wgs84",
):
    """File a 随手拍 report about a place (never about tracking a person) through the hazards app."""
    from xinye.hazards import services as hazards

    return hazards.submit_report(
        worker=worker,
        category=category,
        description=description,
        latitude=latitude,
        longitude=longitude,
        coord_system=coord_system,
        photo=photo,
        idempotency_key=portal_key(worker, key),
    )

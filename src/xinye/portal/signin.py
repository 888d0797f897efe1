"""Portal sign-in: SMS codes and the first sign-up. There is no actor yet — the phone's holder proves
themselves with the code — so these are not services with an actor; they are rate-limited per phone and
per IP instead, and every refusal is a `Refused` with its Chinese reason."""

import datetime
import hmac
import secrets
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from xinye.core.crypto import keyed_hash
from xinye.core.errors import Refused
from xinye.core.validators import clean_mobile as _clean_mobile
from xinye.portal import rules
from xinye.portal.models import SmsCode
from xinye.portal.sms import deliver
from xinye.workers.models import NoticeKind, Worker
from xinye.workers.services import give_consent, worker_for_phone


def clean_mobile(phone: str) -> str:
    try:
        return _clean_mobile(phone)
    except ValueError as exc:
        raise Refused({"phone": [str(exc)]})


class RateLimited(Refused):
    """Too many requests; the message says in Chinese when to try again."""


# --- sign-in codes ----------------------------------------------------------------------------------


def _code_hash(phone: str, code: str) -> str:
    return keyed_hash(f"sms-code:{phone}:{code}")


class CodeRequest(NamedTuple):
    phone: str  # the clean phone
    delayed: bool  # the gateway did not take it: queued, it arrives when the gateway answers again


def request_code(phone: str, *, ip: str | None = None) -> CodeRequest:
    """Send a 6-digit sign-in code to `phone` (rate-limited per phone and per IP). The gateway gets a short
    timeout; a code it does not take is queued (sms.deliver), and `delayed` says so."""
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
    delivered = deliver(phone, code, expires_at=now + datetime.timedelta(seconds=ttl))
    return CodeRequest(phone, delayed=not delivered)


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
        raise Refused("验证码无效或已使用，请重新获取")
    if row.expires_at <= now:
        raise Refused("验证码已过期，请重新获取")
    if not hmac.compare_digest(row.code_hash, _code_hash(phone, code)):
        row.attempts += 1
        burnt = row.attempts >= rules.code_max_attempts()
        SmsCode.objects.filter(pk=row.pk).update(attempts=row.attempts, used_at=now if burnt else None)
        if burnt:
            raise Refused("验证码错误次数过多，请重新获取")
        raise Refused("验证码错误")
    if SmsCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
        raise Refused("验证码无效或已使用，请重新获取")  # a concurrent use won
    return phone


@transaction.atomic
def sign_up(phone: str, *, ip: str | None = None) -> Worker:
    """Create (or find) the worker for a verified phone and record the general consent (required)."""
    phone = clean_mobile(phone)
    worker = worker_for_phone(phone)
    if worker is None:
        worker = Worker(phone=phone)
        worker.save()
    give_consent(worker=worker, kind=NoticeKind.GENERAL, ip=ip)
    return worker

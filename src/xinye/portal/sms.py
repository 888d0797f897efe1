"""Pluggable SMS sending for sign-in codes. Choose with XINYE_SMS_BACKEND (see portal/rules.py).

A real deployment plugs in its operator's gateway by subclassing `BaseBackend`; its `send_code` must give
up after `rules.sms_timeout_seconds()` (pass it as the HTTP client's timeout) and raise on any failure. The
console backend logs the code and, for tests and the demo, keeps the last messages in `OUTBOX`.

When the gateway times out or fails, the code is not lost and sign-in does not hang: `deliver` queues it in
the outbox (`SmsOutbox`, encrypted) and `flush_outbox` sends it once the gateway answers again — run by
`xinye tick` (the portal's duty) and after every code the gateway accepts. A code is only worth sending
within its life: an entry older than its code is dropped, never sent late.
"""

import datetime
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from xinye.core.crypto import decrypt, encrypt
from xinye.portal import rules
from xinye.portal.models import SmsOutbox

logger = logging.getLogger("xinye.portal.sms")


@dataclass
class Message:
    phone: str
    text: str
    code: str


OUTBOX: list[Message] = []  # console backend only; newest last, bounded


class BaseBackend:
    def send_code(self, phone: str, code: str, minutes: int) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Development/demo: prints the code instead of sending it."""

    def send_code(self, phone: str, code: str, minutes: int) -> None:
        text = f"【新业】您的登录验证码是 {code}，{minutes} 分钟内有效。如非本人操作请忽略。"
        OUTBOX.append(Message(phone, text, code))
        del OUTBOX[:-100]
        logger.warning("SMS to %s: %s", phone, text)
        print(f"[短信] {phone}: {text}", flush=True)  # noqa: T201 - the console backend's whole purpose


class DrillBackend(ConsoleBackend):
    """Load and fault drills (bench/load_drill.py) and tests: the console backend, except that while the file
    `XINYE_SMS_DRILL_DOWN_FILE` (default var/sms-gateway-down) exists every call behaves like a gateway that
    does not answer — it waits the configured timeout and raises `TimeoutError`. Switching the file on and
    off reaches every server process at once."""

    def send_code(self, phone: str, code: str, minutes: int) -> None:
        if drill_down_file().exists():
            time.sleep(rules.sms_timeout_seconds())
            raise TimeoutError("SMS gateway did not answer (drill)")
        super().send_code(phone, code, minutes)


def drill_down_file() -> Path:
    return Path(
        getattr(settings, "XINYE_SMS_DRILL_DOWN_FILE", "") or Path(settings.VAR_DIR) / "sms-gateway-down"
    )


def get_backend() -> BaseBackend:
    return import_string(rules.sms_backend())()


def last_code_for(phone: str) -> str | None:
    """Tests and the demo: the newest code the console backend 'sent' to a phone."""
    for message in reversed(OUTBOX):
        if message.phone == phone:
            return message.code
    return None


# --- the outbox: codes the gateway did not take ---------------------------------------------------------

CLAIM_SECONDS = 60  # a sender that died holding an entry gives it back after this long

# This process saw the gateway fail: until this time.monotonic() it queues codes without waiting out another
# timeout (a gateway that is down would otherwise hold a server process for the timeout on every sign-in).
_gateway_down_until = [0.0]


def deliver(phone: str, code: str, *, expires_at: datetime.datetime) -> bool:
    """Send a sign-in code now; if the gateway fails or times out, queue it for `flush_outbox`.
    Returns True when the gateway took it, False when it was queued (the sign-in page then says so)."""
    minutes = max(1, rules.code_ttl_seconds() // 60)
    error = "gateway failed within the last minute"
    if time.monotonic() >= _gateway_down_until[0]:
        try:
            get_backend().send_code(phone, code, minutes)
        except Exception as exc:  # noqa: BLE001 - any gateway failure: the code waits in the outbox
            _gateway_down_until[0] = time.monotonic() + rules.sms_retry_after_seconds()
            error = f"{type(exc).__name__}: {exc}"
        else:
            if SmsOutbox.objects.filter(sent_at__isnull=True, dropped_at__isnull=True).exists():
                flush_outbox(limit=20)  # the gateway answers again: send what waited
            return True
    logger.warning("SMS gateway unavailable (%s); code queued for %s", error, phone[:3] + "****")
    SmsOutbox.objects.create(
        phone=encrypt(phone), code=encrypt(code), expires_at=expires_at, last_error=error[:200]
    )
    return False


@dataclass
class FlushResult:
    sent: int = 0
    failed: int = 0
    dropped: int = 0

    @property
    def total(self) -> int:
        return self.sent

    @property
    def details(self) -> list[str]:
        return []

    @property
    def summary(self) -> str:
        return f"短信补发：已发送 {self.sent} 条，仍失败 {self.failed} 条，过期作废 {self.dropped} 条"


def flush_outbox(*, limit: int = 200, now: datetime.datetime | None = None) -> FlushResult:
    """Send the queued codes still within their life, oldest first; drop the expired ones. Each entry is
    claimed by a conditional update first, so two senders (tick, a web process) never send it twice."""
    now = now or timezone.now()
    result = FlushResult()
    pending = SmsOutbox.objects.filter(sent_at__isnull=True, dropped_at__isnull=True)
    result.dropped = pending.filter(expires_at__lte=now).update(dropped_at=now)
    stale = now - datetime.timedelta(seconds=CLAIM_SECONDS)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)
    backend = get_backend()
    minutes = max(1, rules.code_ttl_seconds() // 60)
    for entry in pending.filter(free, expires_at__gt=now).order_by("created_at")[:limit]:
        if SmsOutbox.objects.filter(free, pk=entry.pk, sent_at__isnull=True).update(claimed_at=now) != 1:
            continue  # another sender has it
        try:
            backend.send_code(decrypt(entry.phone), decrypt(entry.code), minutes)
        except Exception as exc:  # noqa: BLE001 - still down: leave it for the next run
            SmsOutbox.objects.filter(pk=entry.pk).update(
                claimed_at=None, attempts=entry.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:200]
            )
            result.failed += 1
            break  # the gateway is down: do not wait out a timeout per entry
        SmsOutbox.objects.filter(pk=entry.pk).update(sent_at=timezone.now(), attempts=entry.attempts + 1)
        result.sent += 1
    return result


def tick(*, actor=None, now=None) -> FlushResult:
    """`xinye tick`'s portal duty: send the codes the gateway did not take (idempotent)."""
    return flush_outbox(now=now)

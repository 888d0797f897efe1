"""Portal rules a city may change: settings with these defaults (each names the reason for its figure)."""

from django.conf import settings


def _get(name, default):
    return getattr(settings, name, default)


def sms_backend() -> str:
    """Dotted path of the SMS backend class; the default prints codes to the log (demo/console)."""
    return _get("XINYE_SMS_BACKEND", "xinye.portal.sms.ConsoleBackend")


def sms_timeout_seconds() -> float:
    """How long a sign-in waits for the SMS gateway before queueing the code instead (a gateway that does
    not answer must not hold the worker on a spinning page, nor a server process)."""
    return _get("XINYE_SMS_TIMEOUT", 3)


def sms_retry_after_seconds() -> float:
    """After the gateway failed, a server process queues codes straight away for this long before it tries
    the gateway again (`xinye tick` always tries)."""
    return _get("XINYE_SMS_RETRY_AFTER", 30)


def code_ttl_seconds() -> int:
    """A sign-in code lives 5 minutes (issue #4)."""
    return _get("XINYE_SMS_CODE_TTL", 300)


def code_max_attempts() -> int:
    """Wrong guesses before a code is burnt (6 digits: stops brute force within its life)."""
    return _get("XINYE_SMS_CODE_MAX_ATTEMPTS", 5)


def code_rate_limits() -> dict:
    """Codes per phone: 1 a minute, 5 an hour; per IP: 20 an hour (SMS cost and abuse)."""
    return _get(
        "XINYE_SMS_RATE_LIMITS",
        {"phone_per_minute": 1, "phone_per_hour": 5, "ip_per_hour": 20},
    )


def sensitive_appeal_labels() -> tuple:
    """Appeal categories about a person's own difficulties (PIPL art. 28): filing one needs the separate
    sensitive-information consent. Matched on the category's Chinese label."""
    return _get("XINYE_PORTAL_SENSITIVE_APPEAL_LABELS", ("生活困难", "心理"))


def station_page_cache_seconds() -> int:
    """How long an anonymous station page (the QR target) is reused before it is rendered again; a
    change to the station shows within this time on every server process."""
    return _get("XINYE_PORTAL_STATION_CACHE_SECONDS", 60)

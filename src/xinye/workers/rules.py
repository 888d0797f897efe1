"""Privacy rules a city may change: settings with these defaults (each names the reason for its figure)."""

from django.conf import settings

# Retention periods in days per kind of record (`xinye purge`, docs/operations.md has the table). Where the
# statistics must keep counting a row, it is anonymised, not deleted.
RETENTION_DEFAULTS = {
    "closed_appeals": 3 * 365,  # 诉求 closed (办结/回访/评价) or 不予受理: text, answer and the person go
    "closed_reports": 3 * 365,  # 随手拍 closed: the person and the photo go; place and category stay
    "rights_requests": 3 * 365,  # handled rights requests: what was asked and answered goes
    "cancelled_signups": 365,  # cancelled volunteer sign-ups (withdrawn registrations): deleted
    "sms_codes": 30,  # sign-in codes (also the SMS rate-limit rows; the longest window is an hour)
    "ip_addresses": 180,  # IP addresses kept with consents and votes (等保 log review ≥ 6 months)
    "expired_sessions": 0,  # sessions past their expiry: deleted at once
}


def retention_days(kind: str) -> int:
    """Days a record of `kind` is kept after it ends; XINYE_RETENTION_DAYS overrides any of the defaults."""
    return int({**RETENTION_DEFAULTS, **getattr(settings, "XINYE_RETENTION_DAYS", {})}[kind])


def rights_request_span() -> tuple[int, str]:
    """A rights request is answered within 15 working days (PIPL art. 50 asks for a timely answer; the
    city's 12345 practice for complex cases is 15 days)."""
    return (int(getattr(settings, "XINYE_RIGHTS_REQUEST_WORKDAYS", 15)), "workdays")

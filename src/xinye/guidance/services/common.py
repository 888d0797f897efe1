"""What guidance's services share: today and the quarters the visit rules count in."""

from __future__ import annotations

import datetime

from django.utils import timezone

# The pure rules and queries of this module (no actor: they write nothing).
READS = (
    "quarter_label",
    "quarter_of",
    "today",
)


def today() -> datetime.date:
    return timezone.localdate()


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of the quarter containing `day`."""
    q = (day.month - 1) // 3
    start = datetime.date(day.year, q * 3 + 1, 1)
    end_month = q * 3 + 3
    end = (datetime.date(day.year + (end_month == 12), end_month % 12 + 1, 1)) - datetime.timedelta(days=1)
    return start, end


def quarter_label(day: datetime.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"

"""Demo grades: every organisation's standing as of today, and a grade record for each month since January
of last year, rebuilt from the dates in the ledger (organisations from their founding, instructors and liaisons from
their assignment, health scores as of each month's end) — so the city sees blanks become solid over the
months. Idempotent (a month's records are replaced)."""

import datetime

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.grading import services

ACTOR = system_actor("demo")


def load(world: dict) -> None:
    today = timezone.localdate()
    services.refresh(actor=ACTOR, as_of=today)
    # From January of last year: the ledger's first visits (early 2025) to today.
    months = [datetime.date(y, m, 1) for y in (today.year - 1, today.year) for m in range(1, 13)]
    months = [m for m in months if m <= today]
    world["grading"] = {"months": len(months), "snapshots": services.backfill(months, actor=ACTOR)}

"""Demo data for reports: today's snapshot of the key figures, as `xinye tick` would write it.

No history is back-filled: the demo's ledger rows were all created when the demo was loaded, so a
back-fill would only show the whole city appearing today. The briefing says so (no earlier snapshot).
"""

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.reports import services


def load(world: dict) -> None:
    services.take_snapshot(timezone.localdate(), actor=system_actor("demo"))

"""The campaigns' settings the city may change (settings.XINYE_HONOURS), with the defaults used here.

- `burst_window_minutes` / `burst_votes`: more than `burst_votes` votes in one campaign from one network
  address within the window flags each further vote for the organiser (counted until voided, never
  dropped: a staff canteen's Wi-Fi is one address for many honest phones).
"""

from django.conf import settings

DEFAULTS = {"burst_window_minutes": 10, "burst_votes": 30}


def setting(name: str) -> int:
    return {**DEFAULTS, **(getattr(settings, "XINYE_HONOURS", None) or {})}[name]

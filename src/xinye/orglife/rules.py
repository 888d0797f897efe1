"""Organisational-life rules a city may change (rules.md), as settings with the published defaults.

Meeting frequencies are data (MeetingRule rows, seeded from orglife/seed.py); the rest is here.
Override with `XINYE_ORGLIFE_RULES = {...}` in settings.
"""

from django.conf import settings

DEFAULTS = {
    # rules.md: a member missing organisational life (or dues) for 6 months is treated as having left
    # (自行脱党): flag at 3 months, alarm at 6.
    "missing_flag_months": 3,
    "missing_alarm_months": 6,
    # Term expiry warning (换届提醒): within this many days of next_election_on.
    "election_notice_days": 90,
    # Score weights (total 100) and the score below which an organisation is "not running normally".
    "weights": {"meetings": 60, "attendance": 20, "members": 10, "term": 10},
    "healthy_score": 70,
    # 支委会 is required where the branch has a committee; rules.md: ≥ 7 full members elect one.
    "committee_min_full_members": 7,
}


def rule(name: str):
    overrides = getattr(settings, "XINYE_ORGLIFE_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])

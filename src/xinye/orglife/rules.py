"""Organisational-life rules a city may change (rules.md), as settings with the published defaults.

Meeting frequencies are data (MeetingRule rows, seeded from orglife/seed.py); the rest is here.
Override with `XINYE_ORGLIFE_RULES = {...}` in settings.
"""

from django.conf import settings

from xinye.ledger import rules as ledger_rules

DEFAULTS = {
    # rules.md: a member missing organisational life (or dues) for 6 months is treated as having left
    # (自行脱党): flag at 3 months, alarm at 6.
    "missing_flag_months": 3,
    "missing_alarm_months": 6,
    # Score weights (total 100) and the score below which an organisation is "not running normally".
    "weights": {"meetings": 60, "attendance": 20, "members": 10, "term": 10},
    "healthy_score": 70,
}


# Figures the ledger defines for the whole city, read here under the same name (one setting, not two):
# term expiry warning (换届提醒, days before next_election_on) and the full members who elect a 支委会
# (rules.md: ≥ 7), which decides whether 支委会 meetings are required.
SHARED = {"election_notice_days": ledger_rules.rule, "committee_min_full_members": ledger_rules.rule}


def rule(name: str):
    if name in SHARED:
        return SHARED[name](name)
    overrides = getattr(settings, "XINYE_ORGLIFE_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])

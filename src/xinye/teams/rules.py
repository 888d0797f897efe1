"""Rules of the three teams that a city may change, as settings with the published defaults.

Override with `XINYE_TEAMS_RULES = {...}` in settings.
"""

from django.conf import settings

DEFAULTS = {
    # Required training hours a year by post (学时).
    # - 书记: rules.md "基层党组织书记 at least one concentrated training a year (commonly ≥ 56 学时)".
    # - 委员: rules.md "party members ≥ 32 学时 of concentrated study a year" (全国党员教育培训工作规划);
    #   a committee member is trained as a member at least.
    # - 党务工作者: rules.md names no figure; 32 学时, the members' figure, is our documented default (a
    #   党务工作者 need not be a member, but the city trains them with the members' programme).
    "required_hours": {"secretary": 56, "committee_member": 32, "party_worker": 32},
    # Alerts: a term ending within this many days (rules.md: 换届 reminder 90 days, as the ledger's).
    "term_notice_days": 90,
    # Age structure bands (upper bounds, exclusive): ≤35, 36–45, 46–55, over 55.
    "age_bands": (36, 46, 56),
}


def rule(name: str):
    overrides = getattr(settings, "XINYE_TEAMS_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])


def required_hours(post: str) -> int:
    """The training hours a year a person in `post` must complete."""
    return int(rule("required_hours").get(post, 32))

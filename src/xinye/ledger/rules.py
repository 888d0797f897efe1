"""Rules of the ledger that a city may change (rules.md), as settings with the published defaults.

Override with `XINYE_LEDGER_RULES = {...}` in settings; the shared organisation sizes come from `XINYE_RULES`.
"""

from django.conf import settings

DEFAULTS = {
    # 党章 art. 30-31 / 支部工作条例: term of office — 党支部、党总支 3 years, 基层党委 5 years.
    "term_years": {
        "party_committee": 5,
        "general_branch": 3,
        "branch": 3,
        "joint_branch": 3,
        "online_branch": 3,
        "party_group": 3,
    },
    # 换届提醒: organisations whose term ends within this many days are listed as due for election.
    "election_notice_days": 90,
    # 支部工作条例: a branch with ≥ 7 full members elects a committee of 3–5 (≤ 7); below that, a 书记 only.
    "committee_min_full_members": 7,
    "committee_size": (3, 7),
    # Documents attached to formation steps (批复、会议记录、申请书): size and kinds accepted.
    "document_max_bytes": 20 * 1024 * 1024,
    "document_extensions": (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".ofd"),
    # Minimum age to join the party (发展党员工作细则: 年满十八岁).
    "min_join_age": 18,
}


def rule(name: str):
    overrides = getattr(settings, "XINYE_LEDGER_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])


def shared_rule(name: str, default):
    return (getattr(settings, "XINYE_RULES", {}) or {}).get(name, default)


def term_years(kind: str) -> int:
    return int(rule("term_years").get(kind, 3))


def branch_min_full_members() -> int:
    """支部工作条例 ch. 2: a unit with ≥ 3 full members forms its own 党支部."""
    return int(shared_rule("branch_min_full_members", 3))


def joint_branch_max_units() -> int:
    """A 联合党支部 normally covers ≤ 5 units."""
    return int(shared_rule("joint_branch_max_units", 5))

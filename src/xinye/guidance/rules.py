"""Rules for instructors and liaisons that a city may change (rules.md "Instructors and liaisons").

Override with `XINYE_GUIDANCE_RULES = {...}` in settings; the defaults are the published figures.
"""

from django.conf import settings

DEFAULTS = {
    # rules.md: ≥ 1 visit per assigned enterprise per quarter.
    "visits_per_quarter": 1,
    # rules.md (宁德 rule): ≥ 1 heart-to-heart talk (谈心) and ≥ 1 care visit (慰问) a year per agent.
    "heart_to_heart_per_year": 1,
    "care_visits_per_year": 1,
    # rules.md (合肥 rule): about 3 enterprises per instructor where staff allow — a target, not a cap.
    "instructor_target_enterprises": 3,
    # Assignment balance: max load − min load within a county (分级分片, even load).
    "tolerance": {"instructor": 1, "liaison": 1},
    # A quarterly visit shows as "due soon" in the last this-many days of the quarter.
    "due_soon_days": 15,
}


def rule(name: str):
    overrides = getattr(settings, "XINYE_GUIDANCE_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])


def tolerance(kind: str) -> int:
    return int(rule("tolerance").get(kind, 1))

"""Figures of the distinction facts that a city may change: `XINYE_GRADING_RULES = {...}` in settings.
The grade thresholds themselves are data (`GradeRule` rows, editable in the console)."""

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # The window a distinction counts over: the 12 months up to the grading date.
    "fact_window_days": 365,
    # 志愿服务: the workers of an enterprise gave at least this many volunteer hours in the window.
    "volunteer_hours_min": Decimal("10"),
    # 发展党员: at least this many practitioners of the enterprise became 预备党员 (细则 step 17) in the window.
    "members_developed_min": 1,
}


def rule(name: str):
    overrides = getattr(settings, "XINYE_GRADING_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])

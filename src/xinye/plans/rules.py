"""The task loop's time limits, as data the city may change (settings `PLANS_RULES`), with the defaults here.

Spans are (amount, unit) as in appeals.rules and core.workdays: "workdays" count the working-day calendar
(holidays and 调休), "days" calendar days."""

from django.conf import settings

DEFAULTS = {
    "sign_within": (1, "workdays"),  # an office signs (签收) a task within 1 working day of 下达
    "due_soon": 2,  # 临期: a reminder when 2 working days or fewer remain
    "remind_after": (1, "days"),  # 催办 the day after the deadline (as appeals)
    "escalate_after": (
        5,
        "workdays",
    ),  # 上报督办 to the county 两新工委 and the 行业党委 5 working days later
    "reply_within": (3, "workdays"),  # a 督办 notice is answered within 3 working days
}


def rule(name: str):
    return getattr(settings, "PLANS_RULES", {}).get(name, DEFAULTS[name])

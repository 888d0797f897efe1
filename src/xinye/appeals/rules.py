"""Rules the city may change, as data: appeal time limits, category → limit class, routing, rate limit.

Each value is read from settings with the default given here (rules.md §Appeals, modelled on 12345 /
接诉即办, 国办发〔2020〕53号). A limit is (amount, unit) with unit "hours", "days" (calendar days, due at the
end of the day) or "workdays" (working days on the Chinese public-holiday calendar, due at the end of the day).
"""

from django.conf import settings

from xinye.appeals.choices import AppealCategory, LimitKind

# rules.md §Appeals: emergency 2 h; urgent living need 24 h; general 3 working days to answer, 7 days to
# finish; complaint/complex 15 days (extendable once with a reason); a mis-routed task is sent back within
# 2 working days. "sign" (签收) is a local rule: how soon a unit must acknowledge a task it receives.
DEFAULT_LIMITS = {
    LimitKind.EMERGENCY: {"sign": (1, "hours"), "answer": (2, "hours"), "finish": (2, "hours")},
    LimitKind.URGENT: {"sign": (4, "hours"), "answer": (24, "hours"), "finish": (24, "hours")},
    # "7 days to finish" counted in working days, so that it never falls before the 3-working-day answer
    # limit across a holiday such as National Day.
    LimitKind.GENERAL: {"sign": (1, "workdays"), "answer": (3, "workdays"), "finish": (7, "workdays")},
    LimitKind.COMPLAINT: {"sign": (1, "workdays"), "answer": (15, "days"), "finish": (15, "days")},
}
DEFAULT_RETURN_WITHIN = (2, "workdays")  # 回退 only within 2 working days of assignment
DEFAULT_EXTENSION = (15, "days")  # a complaint may be extended once, by this much
DEFAULT_REMIND_AFTER = (1, "days")  # a reminder the day after a deadline passes
DEFAULT_ESCALATE_AFTER = (5, "workdays")  # reported to the unit's superior if still open 5 working days later
DEFAULT_RETURN_VISIT_AFTER = (1, "days")  # return visit the day after 办结

DEFAULT_CATEGORY_LIMIT = {
    AppealCategory.EMERGENCY: LimitKind.EMERGENCY,
    AppealCategory.HARDSHIP: LimitKind.URGENT,
    AppealCategory.WAGES: LimitKind.COMPLAINT,
    AppealCategory.CONTRACT: LimitKind.COMPLAINT,
    AppealCategory.INSURANCE: LimitKind.COMPLAINT,
    AppealCategory.ACCIDENT: LimitKind.COMPLAINT,
    AppealCategory.RED_EDUCATION: LimitKind.GENERAL,
    AppealCategory.SCHOOL: LimitKind.GENERAL,
    AppealCategory.LEGAL_AID: LimitKind.GENERAL,
    AppealCategory.COUNSELLING: LimitKind.GENERAL,
    AppealCategory.JOBS: LimitKind.GENERAL,
    AppealCategory.OTHER: LimitKind.GENERAL,
}

# Routing (派单) per category: a list of targets, one task each. A target is "a|b|c": the first that
# resolves wins. "community" = the worker's community (兜底); "county_wc" = the county 两新工委;
# "role:<responsibility role>" = the unit answering for the worker's enterprise in the responsibility
# matrix; "unit:<code>" = a fixed unit (e.g. the city 总工会 for labour rights).
DEFAULT_ROUTING = {
    AppealCategory.WAGES: ["role:mass_org|unit:mass-union|county_wc"],
    AppealCategory.CONTRACT: ["role:mass_org|unit:mass-union|county_wc"],
    AppealCategory.INSURANCE: ["role:mass_org|unit:mass-union|county_wc"],
    AppealCategory.ACCIDENT: ["role:mass_org|unit:mass-union|county_wc", "community"],
    AppealCategory.HARDSHIP: ["community"],
    AppealCategory.RED_EDUCATION: ["community"],
    AppealCategory.SCHOOL: ["community"],
    AppealCategory.LEGAL_AID: ["community"],
    AppealCategory.COUNSELLING: ["community"],
    AppealCategory.JOBS: ["community"],
    AppealCategory.EMERGENCY: ["community", "county_wc"],
    AppealCategory.OTHER: ["community"],
}

# Submissions per worker per window (anti-abuse on the portal): (count, seconds).
DEFAULT_RATE_LIMIT = (10, 3600)

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024


def limits() -> dict:
    custom = getattr(settings, "XINYE_APPEAL_LIMITS", None) or {}
    merged = {k: dict(v) for k, v in DEFAULT_LIMITS.items()}
    for kind, values in custom.items():
        merged.setdefault(kind, {}).update(values)
    return merged


def limit(kind: str, step: str) -> tuple[int, str]:
    return tuple(limits()[kind][step])


def category_limit(category: str) -> str:
    table = {**DEFAULT_CATEGORY_LIMIT, **(getattr(settings, "XINYE_APPEAL_CATEGORY_LIMITS", None) or {})}
    return table.get(category, LimitKind.GENERAL)


def routing(category: str) -> list[str]:
    table = {**DEFAULT_ROUTING, **(getattr(settings, "XINYE_APPEAL_ROUTING", None) or {})}
    return list(table.get(category, ["community"]))


def setting(name: str, default):
    return getattr(settings, name, default)


def return_within():
    return setting("XINYE_APPEAL_RETURN_WITHIN", DEFAULT_RETURN_WITHIN)


def extension():
    return setting("XINYE_APPEAL_EXTENSION", DEFAULT_EXTENSION)


def remind_after():
    return setting("XINYE_APPEAL_REMIND_AFTER", DEFAULT_REMIND_AFTER)


def escalate_after():
    return setting("XINYE_APPEAL_ESCALATE_AFTER", DEFAULT_ESCALATE_AFTER)


def return_visit_after():
    return setting("XINYE_APPEAL_RETURN_VISIT_AFTER", DEFAULT_RETURN_VISIT_AFTER)


def rate_limit() -> tuple[int, int]:
    return tuple(setting("XINYE_APPEAL_RATE_LIMIT", DEFAULT_RATE_LIMIT))


# 小哥绿色通道 (issue 15 item 4; the seed: "开辟小哥绿色通道，提供……暖心服务"). A local rule of the city, not a
# rules.md figure: an appeal filed by a registered (备案) worker in one of these categories is a green-channel
# appeal — flagged to the handling unit, counted on its own in the statistics, and held to the shorter of
# its limit class's spans and the green spans below (per limit class; a class not listed keeps its own).
# Defaults: 欠薪, 工伤/交通事故 and 法律援助, the rights a rider loses most by waiting; 签收 within 2 hours,
# answer within 1 working day, finish within 5 working days (complaints: 10).
DEFAULT_GREEN_CHANNEL = {
    "categories": [AppealCategory.WAGES, AppealCategory.ACCIDENT, AppealCategory.LEGAL_AID],
    "limits": {
        LimitKind.GENERAL: {"sign": (2, "hours"), "answer": (1, "workdays"), "finish": (5, "workdays")},
        LimitKind.COMPLAINT: {"sign": (2, "hours"), "answer": (5, "workdays"), "finish": (10, "workdays")},
    },
}


def green_channel() -> dict:
    """`XINYE_GREEN_CHANNEL` over the defaults: "categories" replaces the list, "limits" merges per class."""
    custom = getattr(settings, "XINYE_GREEN_CHANNEL", None) or {}
    limits = {k: dict(v) for k, v in DEFAULT_GREEN_CHANNEL["limits"].items()}
    for kind, values in (custom.get("limits") or {}).items():
        limits.setdefault(kind, {}).update(values)
    categories = custom.get("categories", DEFAULT_GREEN_CHANNEL["categories"])
    return {"categories": [str(c) for c in categories], "limits": limits}


def is_green(category: str, worker) -> bool:
    """Whether an appeal of `category` by `worker` goes through the green channel: the worker is registered
    (备案) and the city marks the category green."""
    return bool(worker is not None and worker.is_registered and category in green_channel()["categories"])


def green_limit(kind: str, step: str) -> tuple[int, str] | None:
    """The green channel's span for a limit class and step, or None when the class keeps its own."""
    span = green_channel()["limits"].get(kind, {}).get(step)
    return tuple(span) if span else None

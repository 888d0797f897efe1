"""Rules the city may change, as data: the time limits of an enterprise need, per kind.

A local rule of the city (rules.md has no figure for enterprise services): a need is signed for (签收) within
1 working day like an appeal's task; it is answered and finished within the spans below, on the working-day
calendar (`core.workdays`), longer where the work takes a bank's or a landlord's time. Override with
`XINYE_NEED_LIMITS = {"financing": {"finish": (30, "workdays")}}`. Reminders, escalation and the 回退 window
are the appeals' rules (`appeals.rules`): one city rule for every handling unit's loop.
"""

from django.conf import settings

from xinye.support.choices import NeedKind

DEFAULT_NEED_LIMITS = {
    NeedKind.FINANCING: {"sign": (1, "workdays"), "answer": (5, "workdays"), "finish": (20, "workdays")},
    NeedKind.INSURANCE: {"sign": (1, "workdays"), "answer": (3, "workdays"), "finish": (10, "workdays")},
    NeedKind.PREMISES: {"sign": (1, "workdays"), "answer": (5, "workdays"), "finish": (20, "workdays")},
    NeedKind.RECRUITMENT: {"sign": (1, "workdays"), "answer": (3, "workdays"), "finish": (10, "workdays")},
    NeedKind.POLICY: {"sign": (1, "workdays"), "answer": (3, "workdays"), "finish": (5, "workdays")},
    NeedKind.COMPLIANCE: {"sign": (1, "workdays"), "answer": (5, "workdays"), "finish": (15, "workdays")},
    NeedKind.OTHER: {"sign": (1, "workdays"), "answer": (3, "workdays"), "finish": (10, "workdays")},
}


def need_limit(kind: str, step: str) -> tuple[int, str]:
    """The span of one step ("sign", "answer", "finish") of a need of `kind`, settings over the defaults."""
    custom = (getattr(settings, "XINYE_NEED_LIMITS", None) or {}).get(kind, {})
    default = DEFAULT_NEED_LIMITS.get(kind, DEFAULT_NEED_LIMITS[NeedKind.OTHER])
    return tuple(custom.get(step, default[step]))


# Default 派单 of a need, in the appeals' routing syntax (appeals.rules.DEFAULT_ROUTING: "a|b" the first that
# resolves; "county_wc" the county 两新工委; "role:<r>" the enterprise's unit in the responsibility matrix;
# "community" the county's community). The 两新工委 coordinates 银企对接 and the other cross-department asks;
# the 工会 pushes rider insurance (职业伤害保障); the 行业主管部门 answers policy and compliance questions; the
# enterprise's 兜底 community finds premises.
DEFAULT_NEED_ROUTING = {
    NeedKind.FINANCING: ["county_wc"],
    NeedKind.INSURANCE: ["role:mass_org|unit:mass-union|county_wc"],
    NeedKind.PREMISES: ["role:community|community|county_wc"],
    NeedKind.RECRUITMENT: ["county_wc"],
    NeedKind.POLICY: ["role:department|county_wc"],
    NeedKind.COMPLIANCE: ["role:department|county_wc"],
    NeedKind.OTHER: ["county_wc"],
}


def need_routing(kind: str) -> list[str]:
    table = {**DEFAULT_NEED_ROUTING, **(getattr(settings, "XINYE_NEED_ROUTING", None) or {})}
    return list(table.get(kind, ["county_wc"]))

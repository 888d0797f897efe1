"""Coverage rules a city may change (rules.md §Coverage, §Setting up party organisations).

Shared organisation sizes come from `XINYE_RULES` (settings); rules of this app from
`XINYE_COVERAGE_RULES = {...}` in settings, with the defaults below.
"""

from django.conf import settings

from xinye.core.choices import Industry

# Industries that sit close enough to share a 联合党支部 (支部工作条例: 地域相邻、行业相近).
# Symmetric pairs; an industry is always related to itself. Why each pair:
# - 外卖骑手 ~ 快递: both last-mile delivery (末端配送), the same streets, stations and hours;
# - 快递 ~ 物流: parcels move through the same 分拨中心 and warehouses;
# - 物流 ~ 大货车（网约车）: trunk-line freight is the transport side of logistics (同一货运场站);
# - 外卖骑手 ~ 互联网: riders work for internet platforms (平台经济), whose local staff sit with the sites.
RELATED_INDUSTRIES: tuple[tuple[str, str], ...] = (
    (Industry.DELIVERY, Industry.EXPRESS),
    (Industry.EXPRESS, Industry.LOGISTICS),
    (Industry.LOGISTICS, Industry.FREIGHT),
    (Industry.DELIVERY, Industry.INTERNET),
)

DEFAULTS = {
    # 地域相邻: the farthest a member of a proposed joint branch may be from its lead enterprise, in km.
    "joint_max_distance_km": 10.0,
    # Pairs of related industries (see above); a city may add or remove pairs.
    "related_industries": RELATED_INDUSTRIES,
}


def rule(name: str):
    overrides = getattr(settings, "XINYE_COVERAGE_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])


def shared_rule(name: str, default):
    return (getattr(settings, "XINYE_RULES", {}) or {}).get(name, default)


def branch_min_full_members() -> int:
    """支部工作条例 ch. 2: a unit with ≥ 3 full members forms its own 党支部 (应建尽建)."""
    return int(shared_rule("branch_min_full_members", 3))


def joint_branch_max_units() -> int:
    """A 联合党支部 normally covers ≤ 5 units."""
    return int(shared_rule("joint_branch_max_units", 5))


def joint_max_distance_km() -> float:
    return float(rule("joint_max_distance_km"))


def related_industries() -> frozenset[frozenset[str]]:
    return frozenset(frozenset((str(a), str(b))) for a, b in rule("related_industries"))

"""Rules of member development, dues, transfers and learning that a city may change (rules.md).

Defaults are the published figures; override any of them with `XINYE_MEMBERS_RULES = {...}` in settings.
The step intervals themselves are data (`StepInterval` rows), editable in the console by city staff;
the dues bands are data too (`DuesBand` rows). What stays here are single figures.
"""

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # 发展党员工作细则 第六条: 年满十八岁 may apply.
    "min_join_age": 18,
    # 细则 第十二条: 党支部每半年对入党积极分子进行一次考察.
    "activist_review_every_days": 182,
    # 细则 第十九条: 集中培训时间一般不少于3天（或不少于24个学时）.
    "candidate_training_hours": Decimal("24"),
    "candidate_training_days": 3,
    # 细则 第三十三条 / 第三十四条: 预备期一年; 延长预备期只能一次，不能少于半年，最长不超过一年.
    "probation_months": 12,
    "probation_extension_months": (6, 12),
    # 党组织关系介绍信有效期 (中组部《关于党员组织关系转接的规定》): 3 months; 跨省 6 months.
    "transfer_valid_months": 3,
    "transfer_valid_months_cross_province": 6,
    # 党费规定: 学生、低保、失业党员每月交纳党费 0.2 元.
    "dues_flat_amount": Decimal("0.20"),
    # Month from which xinye tracks dues (earlier months were paid on paper).
    "dues_tracking_from": "2026-01-01",
    # 流动党员 normally pay dues to the organisation that holds their membership.
    "flowing_members_pay_here": False,
    # The province the city is in (跨省 transfers get the longer validity).
    "home_province": "内蒙古自治区",
}


def rule(name: str):
    overrides = getattr(settings, "XINYE_MEMBERS_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])

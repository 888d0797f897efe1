"""English for the health work: orglife's stored organisation health (issue 17)."""

GLOSSARY = {
    "变更标记次数": "Change marks",
    "党组织运转情况（存储）": "Stored organisation health",
    "评估日期": "Assessed as of",
    "计算时间": "Computed at",
    "告警党员数": "Members at the alarm",
    "待重算": "To recompute",
    "%(note)s；截至 %(time)s 计算": "%(note)s; as computed at %(time)s",
    "截至 %(time)s 计算": "As computed at %(time)s",
}

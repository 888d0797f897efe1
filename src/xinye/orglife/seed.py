"""The meeting frequencies of rules.md ("Organisational life"), seeded as MeetingRule rows.

(kind, period, min_count, condition, source) — a city changes them in the console, not in code.
"""

SOURCE = "中国共产党支部工作条例（试行）"
MEETING_RULES = [
    ("general_meeting", "quarter", 1, "always", f"{SOURCE}第十一条：支部党员大会一般每季度召开 1 次"),
    ("committee_meeting", "month", 1, "has_committee", f"{SOURCE}第十一条：支部委员会会议一般每月召开 1 次"),
    ("group_meeting", "month", 1, "has_groups", f"{SOURCE}第十一条：党小组会一般每月召开 1 次"),
    ("party_lecture", "quarter", 1, "always", "党课每季度至少 1 次（本市规定；书记每年至少讲 1 次）"),
    ("theme_day", "month", 1, "always", "主题党日每月 1 次，时间相对固定"),
    ("life_meeting", "year", 1, "always", f"{SOURCE}第十三条：组织生活会一般每年召开 1 次（通常在第四季度）"),
    ("democratic_review", "year", 1, "always", f"{SOURCE}第十三条：民主评议党员一般每年开展 1 次"),
    ("heart_to_heart", "year", 1, "always", f"{SOURCE}第十二条：书记与每名党员每年至少谈心谈话 1 次"),
]


def sync(MeetingRule) -> None:
    """Create the published rules where missing; a city's own changes to existing rows are kept."""
    for kind, period, min_count, condition, source in MEETING_RULES:
        MeetingRule.objects.get_or_create(
            kind=kind,
            defaults={"period": period, "min_count": min_count, "condition": condition, "source": source},
        )

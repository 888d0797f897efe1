"""Organisation health on hand-made inputs: known history → known score and list of what is missing."""

import datetime as dt

import pytest

from xinye.core.errors import Refused
from xinye.orglife import health as hc
from xinye.orglife.seed import MEETING_RULES
from xinye.orglife.services import quorum

RULES = [hc.RuleInput(kind, period, n, cond, src) for kind, period, n, cond, src in MEETING_RULES]


def m(kind, day, expected=4, present=4, quorum_met=None):
    return hc.MeetingInput(kind, day, expected, present, quorum_met)


def test_known_history_gives_known_score_and_missing_items():
    org = hc.OrgInput(
        id=1,
        name="测试党支部",
        has_committee=False,
        has_groups=False,
        next_election_on=dt.date(2026, 12, 1),
        members=(
            hc.MemberInput(1, "甲一", last_present=dt.date(2026, 9, 20)),
            hc.MemberInput(2, "乙二", last_present=dt.date(2026, 9, 20), arrears_months=2),
            hc.MemberInput(3, "丙三", last_present=dt.date(2026, 6, 15)),
            hc.MemberInput(4, "丁四", joined_on=dt.date(2010, 7, 1)),
        ),
        meetings=(
            m("theme_day", dt.date(2026, 3, 1)),  # before the period: where records begin
            m("theme_day", dt.date(2026, 7, 5), 4, 3),
            m("theme_day", dt.date(2026, 8, 5), 4, 3),
            m("general_meeting", dt.date(2026, 8, 20), 4, 2, quorum_met=False),
            m("party_lecture", dt.date(2026, 9, 20), 4, 4),
        ),
    )
    period = hc.parse_period("2026Q3", dt.date(2026, 10, 10))
    h = hc.assess(org, RULES, period, dt.date(2026, 10, 10))
    assert h.missing == [
        "2026-08-20 支部党员大会到会 2 人（应到 4 人），未超过半数，会议无效，不计入召开次数",
        "本季度应召开支部党员大会 1 次，实际 0 次",
        "本季度应召开主题党日 3 次，实际 2 次（9 月未召开）",
        "1 名党员连续 6 个月以上未参加组织生活（丁四），按规定视为自行脱党，须立即处置",
        "1 名党员连续 3 个月以上未参加组织生活（丙三），须及时提醒教育",
    ]
    # meetings 3/5 of 60 = 36, attendance 12/16 of 20 = 15, members 2/4 of 10 = 5, term due 62 days after the quarter = 5
    assert h.parts == {"meetings": 36.0, "attendance": 15.0, "members": 5.0, "term": 5.0}
    assert h.score == 61
    assert not h.normal
    assert h.term == "due" and h.reminders == ["任期将于 2026-12-01 届满（62 天后），请做好换届准备"]
    # no committee and no party groups: 支委会 and 党小组会 are not required; yearly rules wait for Q4
    assert {c.kind for c in h.checks} == {"general_meeting", "party_lecture", "theme_day"}


def healthy_year(year=2025, committee=True):
    meetings = []
    for month in range(1, 13):
        meetings.append(m("theme_day", dt.date(year, month, 8)))
        if committee:
            meetings.append(m("committee_meeting", dt.date(year, month, 3), 3, 3, True))
        if month % 3 == 0:
            meetings.append(m("general_meeting", dt.date(year, month, 15), 4, 4, True))
            meetings.append(m("party_lecture", dt.date(year, month, 16)))
    meetings += [
        m("life_meeting", dt.date(year, 12, 20)),
        m("democratic_review", dt.date(year, 12, 21)),
        m("heart_to_heart", dt.date(year, 11, 2), 1, 1),
    ]
    return hc.OrgInput(
        id=2,
        name="健康支部",
        has_committee=committee,
        next_election_on=dt.date(2028, 5, 1),
        members=tuple(hc.MemberInput(i, f"党员{i}", last_present=dt.date(year, 12, 21)) for i in range(4)),
        meetings=tuple(meetings),
    )


def test_a_branch_keeping_every_rule_scores_100():
    as_of = dt.date(2026, 1, 5)
    for text in ("2025", "2025Q4", "2025Q2"):
        h = hc.assess(healthy_year(), RULES, hc.parse_period(text, as_of), as_of)
        assert (h.score, h.normal, h.missing) == (100, True, []), text
    year = hc.assess(healthy_year(), RULES, hc.parse_period("2025", as_of), as_of)
    assert {c.kind: (c.required, c.held) for c in year.checks}["committee_meeting"] == (12, 12)


def test_monthly_rules_are_checked_month_by_month():
    org = hc.OrgInput(
        id=3,
        name="支部",
        has_committee=True,
        meetings=tuple(m("committee_meeting", dt.date(2025, 10, d), 3, 3, True) for d in (3, 10, 17)),
    )
    h = hc.assess(org, RULES, hc.parse_period("2025Q4", dt.date(2026, 1, 5)), dt.date(2026, 1, 5))
    assert "本季度应召开支委会 3 次，实际 3 次（11 月、12 月未召开）" in h.missing


def test_the_period_in_progress_gives_reminders_not_shortfalls():
    as_of = dt.date(2026, 11, 28)
    org = hc.OrgInput(id=4, name="支部", meetings=(m("theme_day", dt.date(2026, 10, 9)),))
    h = hc.assess(org, RULES, hc.parse_period("2026Q4", as_of), as_of)
    assert h.missing == []  # October's 主题党日 was held; November and the quarter are not over yet
    assert "11 月主题党日尚未召开（2026-11-30 前）" in h.reminders
    assert "第 4 季度支部党员大会尚未召开（2026-12-31 前）" in h.reminders
    assert "2026 年组织生活会尚未召开（2026-12-31 前）" in h.reminders


def test_expired_term_and_dues_arrears_are_listed():
    org = hc.OrgInput(
        id=5,
        name="支部",
        next_election_on=dt.date(2025, 3, 1),
        members=(hc.MemberInput(1, "甲", arrears_months=7), hc.MemberInput(2, "乙", arrears_months=3)),
    )
    h = hc.assess(org, RULES, hc.parse_period("2026Q1", dt.date(2026, 4, 2)), dt.date(2026, 4, 2))
    assert h.term == "expired"
    assert "任期已于 2025-03-01 届满，应按期换届" in h.missing
    assert "1 名党员连续 6 个月以上未交纳党费（甲），按规定视为自行脱党，须立即处置" in h.missing
    assert "1 名党员连续 3 个月以上未交纳党费（乙），须及时提醒教育" in h.missing


def test_period_parsing():
    assert hc.parse_period("2026q4", dt.date(2026, 1, 1)).start == dt.date(2026, 10, 1)
    assert hc.parse_period("", dt.date(2026, 5, 1)).label == "2026Q2"
    assert hc.parse_period("2025", dt.date(2026, 5, 1)).end == dt.date(2025, 12, 31)
    with pytest.raises(Refused, match="考核期"):
        hc.parse_period("2026Q5", dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("kind", "voting", "present", "committee", "present_c", "met"),
    [
        ("general_meeting", 8, 4, 0, 0, False),  # exactly half is not "more than half"
        ("general_meeting", 8, 5, 0, 0, True),
        ("general_meeting", 3, 2, 0, 0, True),
        ("committee_meeting", 8, 8, 5, 2, False),
        ("committee_meeting", 8, 0, 5, 3, True),
        ("committee_meeting", 8, 8, 0, 0, None),  # no committee: cannot be checked
    ],
)
def test_quorum_rules(kind, voting, present, committee, present_c, met):
    assert quorum(kind, voting, present, committee, present_c)[2] is met


def test_a_large_branch_without_a_committee_is_told_to_elect_one():
    members = tuple(hc.MemberInput(i, f"党员{i}") for i in range(8))
    org = hc.OrgInput(id=6, name="大支部", members=members)
    h = hc.assess(org, RULES, hc.parse_period("2026Q1", dt.date(2026, 4, 2)), dt.date(2026, 4, 2))
    assert "正式党员 8 名（7 名以上），应设立支部委员会" in h.missing
    small = hc.assess(
        hc.OrgInput(id=7, name="小支部", members=members[:6]), RULES, h.period, dt.date(2026, 4, 2)
    )
    assert not any("支部委员会" in m for m in small.missing)

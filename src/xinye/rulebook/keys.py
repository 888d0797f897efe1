"""The rules xinye enforces that a clause of the rule book may set: key → what the rule is.

The apps that enforce them (orglife, members, guidance, ledger, appeals) cite a key in their refusals
(`rulebook.services.cite(key)`); the city links each key to the clause that sets it (`RuleLink`). The
figures themselves stay where they are enforced (each app's `rules.py` or rule rows): the rule book says
*where* a rule comes from, not what its value is.
"""

from django.utils.translation import gettext_lazy as _

RULE_KEYS = {
    "orglife.meeting_frequency": _("组织生活会议频次（支部党员大会、支委会、党小组会、党课、主题党日）"),
    "members.step_interval": _("发展党员各步骤之间的最短（最长）间隔"),
    "members.probation": _("预备期及其延长"),
    "members.candidate_training": _("发展对象集中培训学时"),
    "guidance.instructor_quota": _("党建指导员联系企业数"),
    "guidance.visit_frequency": _("指导员、联络员走访、谈心谈话和走访慰问频次"),
    "ledger.branch_size": _("单独组建党支部的正式党员人数"),
    "ledger.joint_branch_units": _("联合党支部覆盖的企业数"),
    "ledger.committee_size": _("支部委员会的设立条件和人数"),
    "appeals.time_limits": _("诉求签收、答复、办结时限"),
    "appeals.extension": _("复杂诉求延期办理"),
    "appeals.return_within": _("派错单位的退回时限"),
}

# Rules the product enforces by a reminder, a figure or a shortfall on a page — never by refusing a write —
# so no refusal cites them: their link to a clause is informational (the rule book shows where the figure
# comes from). Every other key is cited by a refusal; tests/rulebook/test_citations.py holds both lists to it.
INFORMATIONAL = {
    # the meetings' shortfalls are listed per organisation (组织生活 pages, the grading facts); holding a
    # meeting is never refused for coming too early or too late
    "orglife.meeting_frequency": _("以组织生活完成情况和缺项提示体现，不拒绝登记"),
    # the quota is how many enterprises an instructor should answer for: shown on the assignment pages and in
    # the yearly assessment; a county short of instructors may exceed it, so an assignment is never refused
    "guidance.instructor_quota": _("以指导员联系企业数统计和年度考核体现，不拒绝分配"),
    # the time limits set each appeal's deadlines; passing one triggers 催办 and 督办 (the tick), not a refusal
    "appeals.time_limits": _("以办理期限、超时催办和督办体现，不拒绝办理"),
}


def choices() -> list[tuple[str, str]]:
    return [(k, f"{k} · {v}") for k, v in RULE_KEYS.items()]

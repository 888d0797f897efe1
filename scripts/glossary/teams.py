"""English for the console strings of the three teams (teams)."""

GLOSSARY = {
    # choices
    "党组织书记": "Party organisation secretary",
    "党务工作者": "Party affairs worker",
    "外部选派": "Dispatched from outside",
    "内部培养": "Developed internally",
    "高级管理层": "Senior management",
    "中级管理层": "Middle management",
    "在库": "In the pool",
    "已任用": "Appointed",
    "已退出": "Withdrawn",
    "补贴": "Subsidy",
    "表彰": "Commendation",
    "党员先锋岗": "Party member vanguard post",
    "党员示范岗": "Party member model post",
    "亮身份": "Showing membership at work",
    # models and fields
    "职务": "Post",
    "产生方式": "How chosen",
    "选派单位": "Dispatching unit",
    "专职": "Full-time",
    "企业管理层级": "Level in the enterprise's management",
    "企业职务": "Post in the enterprise",
    "交叉任职：在企业管理层担任的职务，如 副总经理": (
        "Cross-appointment: the post held in the enterprise's management, e.g. deputy general manager"
    ),
    "出生年份（外派人员）": "Year of birth (dispatched person)",
    "学历（外派人员）": "Education (dispatched person)",
    "任职日期": "In post since",
    "任期届满": "Term ends",
    "离任日期": "Left the post on",
    "离任原因": "Reason for leaving",
    "办理人": "Handled by",
    "三支队伍任职": "Team post",
    "三支队伍（书记、委员、党务工作者）": "The three teams (secretaries, committee members, party affairs workers)",
    "拟任职务": "Intended post",
    "培养说明": "Development notes",
    "入库日期": "Added to the pool on",
    "后备人选": "Reserve candidate",
    "制定单位": "Drawn up by",
    "计划名称": "Plan title",
    "培训课程": "Training courses",
    "年度培训计划": "Yearly training plan",
    "如 2026 年度党务工作者岗位补贴、优秀党务工作者": (
        "e.g. 2026 post subsidy for party affairs workers, outstanding party affairs worker"
    ),
    "授予单位": "Granted by",
    "激励": "Incentive",
    "激励（补贴、表彰）": "Incentives (subsidies, commendations)",
    "书记和党务工作者年度考核": "Yearly assessment of secretaries and party affairs workers",
    "岗位名称": "Post title",
    "如 外卖配送党员先锋岗": "e.g. delivery party member vanguard post",
    "所在服务站": "At service station",
    "设岗日期": "Set up on",
    "撤岗日期": "Closed on",
    "党员先锋岗（亮身份）": "Vanguard posts (showing membership)",
    "提醒内容": "Reminder",
    "提醒时间": "Reminded at",
    "任期届满提醒": "Term-end reminder",
    # console
    "本组织本职务的历任": "Everyone who held this post here",
    "退出后备人选库": "Withdraw from the reserve pool",
    "课程数": "Courses",
    "完成名单（本计划覆盖的在任人员）": "Completion list (people in post covered by this plan)",
    "计划所在旗县区、行业暂无在任人员": "Nobody is in post in the plan's county and industry yet",
    "队伍统计与预警": "Team figures and alerts",
    "三支队伍预警": "Team alerts",
    "无书记的党组织 %(none)s 个，书记任期 90 天内届满 %(ending)s 人；交叉任职率 %(rate)s": (
        "%(none)s organisations without a secretary, %(ending)s secretaries' terms end within 90 days; "
        "cross-appointment rate %(rate)s"
    ),
    "三支队伍：统计与预警": "The three teams: figures and alerts",
    "范围内党组织 %(n)s 个：在任书记 %(s)s 人、委员 %(c)s 人、党务工作者 %(w)s 人。": (
        "%(n)s party organisations in scope: %(s)s secretaries, %(c)s committee members and %(w)s party "
        "affairs workers in post."
    ),
    "交叉任职率": "Cross-appointment rate",
    "专兼比": "Full-time : part-time",
    "培训完成率": "Training completion rate",
    "预警": "Alerts",
    "无书记的党组织": "Organisations without a secretary",
    "书记空缺应在 3 个月内补齐。": "A vacant secretary's post is filled within 3 months.",
    "书记任期 90 天内届满及已届满未换届": "Secretaries' terms ending within 90 days or already over without an election",
    "已届满": "Term over",
    "分组": "Group by",
    "无书记": "No secretary",
    "任期将满": "Term ending",
    "外派/内部": "Dispatched/internal",
    "范围内暂无党组织。": "No party organisation in scope.",
    "交叉任职率：书记或委员在企业任高级或中级管理层职务的党组织 ÷ 党组织。专兼比、年龄、学历按人计；培训完成率按本年度培训学时是否达到岗位要求（书记 56、委员和党务工作者 32 学时），不在台账的外派人员不计。": (
        "Cross-appointment rate: organisations whose secretary or a committee member holds a senior or middle "
        "management post in the enterprise ÷ organisations. Full-time : part-time, age and education count "
        "people; the training completion rate is whether this year's training hours reach the post's "
        "requirement (secretaries 56, committee members and party affairs workers 32 hours); dispatched "
        "people not in the ledger are not counted."
    ),
}

"""Demo rule book: the 实施方案 and its 4 配套措施办法 that the seed names (通辽市, "将取得的工作成效以制度化形式
固定下来"), as published documents with clauses, and the links from every rule xinye enforces to the clause
that sets it. The titles are the seed's; the clause texts are a demo restatement of the published rules
xinye applies (shared/rules.md), not the official wording. The 实施方案 has two versions (2024 and the
revised 2025 one in force) to show that publishing a new version keeps the old one readable. Idempotent."""

import datetime

from xinye.accounts.permissions import system_actor
from xinye.rulebook import services
from xinye.rulebook.models import Clause, RuleDocument, RuleLink

ACTOR = system_actor("demo")
ISSUER = "中共通辽市委两新工委"
NOTE = "（演示条文，据公开规定整理，以正式文件为准）"

DOCUMENTS = [
    (
        "implementation-plan",
        "关于加强新业态、新就业群体党的建设的实施方案",
        "通两新发〔2024〕1号",
        [
            (1, "总体要求", "以党建引领新业态、新就业群体健康发展，推动党的组织和工作全覆盖。"),
            (2, "工作机制", "市委两新工委统筹，5 个市级行业党委分行业指导，旗县市区行业党建办抓好落实。"),
            (3, "摸排建档", "对有固定经营场所、从业人员 10 人以上且实际运营的企业逐一摸排，建立台账。"),
            (4, "应建尽建", "企业有正式党员 3 名以上的，应当单独成立党支部。"),
            (
                5,
                "联合组建",
                "正式党员不足 3 名的企业，按地域相邻、行业相近、规模适当、便于管理的原则成立联合党支部，"
                "一个联合党支部覆盖的企业一般不超过 5 家。",
            ),
            (6, "支部委员会", "正式党员 7 名以上的党支部设立支部委员会，由 3 至 5 人组成，一般不超过 7 人。"),
            (
                7,
                "诉求办理",
                "从业人员诉求实行闭环办理，按紧急、急迫、一般、投诉类分别限时签收、答复、办结；"
                "派错单位的，应在 2 个工作日内退回。",
            ),
            (8, "延期办理", "投诉和复杂事项确需延期的，说明理由后可延期一次。"),
        ],
    ),
    (
        "org-life-measures",
        "关于规范新业态、新就业群体党组织党内政治生活的若干措施",
        "通两新发〔2024〕2号",
        [
            (1, "适用范围", "本措施适用于新业态、新就业群体中的各类党组织，含联合党支部和网络党支部。"),
            (
                2,
                "三会一课",
                "支部党员大会每季度召开 1 次，支部委员会会议和党小组会每月召开 1 次，党课每季度 1 次，"
                "主题党日每月固定 1 天；流动性强的党组织可通过网络党小组线上开展。",
            ),
            (3, "组织生活会", "每年至少召开 1 次组织生活会，开展民主评议党员，书记与每名党员谈心谈话。"),
        ],
    ),
    (
        "development-measures",
        "关于新业态、新就业群体常态化发展党员的若干措施",
        "通两新发〔2024〕3号",
        [
            (
                1,
                "常态化发展",
                "把快递员、外卖送餐员、网约车司机中的优秀分子作为发展党员的重点，成熟一个发展一个。",
            ),
            (
                2,
                "程序和间隔",
                "严格执行发展党员工作细则规定的 5 个阶段 25 个步骤，各步骤之间的间隔不得短于规定时限。",
            ),
            (3, "集中培训", "发展对象集中培训不少于 3 天或 24 学时，可利用工作间隙分段、线上完成。"),
            (4, "预备期", "预备期为一年；需要延长的只能延长一次，不少于半年，最长不超过一年。"),
        ],
    ),
    (
        "three-teams-measures",
        "关于新业态、新就业群体建好党组织书记、党员、党务工作者“三支队伍”的若干措施",
        "通两新发〔2024〕4号",
        [
            (1, "书记队伍", "党组织书记每年至少参加 1 次集中培训。"),
            (2, "党员队伍", "党员每年参加集中学习培训不少于 32 学时。"),
            (3, "党务工作者", "行业党建办配备专兼职党务工作者，负责台账维护和日常指导。"),
        ],
    ),
    (
        "instructor-measures",
        "新业态、新就业群体党建指导员和驻企联络员选派管理办法",
        "通两新发〔2024〕5号",
        [
            (1, "选派", "旗县市区分级分片选派党建指导员和驻企联络员，指导员不在企业领取报酬。"),
            (2, "联系企业", "每名党建指导员联系企业一般为 3 家左右，同一旗县市区内负担均衡。"),
            (
                3,
                "走访",
                "指导员、联络员对联系企业每季度至少走访 1 次，每年至少开展谈心谈话 1 次、走访慰问 1 次。",
            ),
            (4, "考核", "派出单位每年对指导员、联络员进行考核，分优秀、称职、基本称职、不称职四个等次。"),
        ],
    ),
]

# The plan's first version (2024): the joint-branch rule was then one clause with the sizes.
FIRST_PLAN_CHANGES = {
    5: "正式党员不足 3 名的企业，可以成立联合党支部，覆盖企业数量由旗县市区确定。",
}

LINKS = {
    "ledger.branch_size": ("implementation-plan", 4),
    "ledger.joint_branch_units": ("implementation-plan", 5),
    "ledger.committee_size": ("implementation-plan", 6),
    "appeals.time_limits": ("implementation-plan", 7),
    "appeals.return_within": ("implementation-plan", 7),
    "appeals.extension": ("implementation-plan", 8),
    "orglife.meeting_frequency": ("org-life-measures", 2),
    "members.step_interval": ("development-measures", 2),
    "members.candidate_training": ("development-measures", 3),
    "members.probation": ("development-measures", 4),
    "guidance.instructor_quota": ("instructor-measures", 2),
    "guidance.visit_frequency": ("instructor-measures", 3),
}


def _publish(code, version, title, doc_no, clauses, effective_from) -> RuleDocument:
    doc = RuleDocument.objects.filter(code=code, version=version).first()
    if doc is not None:
        return doc
    doc = services.save_document(
        RuleDocument(
            code=code,
            version=version,
            title=title,
            doc_no=doc_no,
            issuer=ISSUER,
            effective_from=effective_from,
            summary="通辽市新业态、新就业群体党建制度文件。" + NOTE,
        ),
        actor=ACTOR,
    )
    for number, heading, text in clauses:
        services.save_clause(Clause(document=doc, number=number, heading=heading, text=text), actor=ACTOR)
    return services.publish(doc, actor=ACTOR)


def load(world: dict) -> None:
    for code, title, doc_no, clauses in DOCUMENTS:
        if code == "implementation-plan":
            first = [(n, h, FIRST_PLAN_CHANGES.get(n, t)) for n, h, t in clauses if n != 8]
            _publish(code, 1, title, doc_no, first, datetime.date(2024, 3, 1))
            _publish(code, 2, title, "通两新发〔2025〕1号", clauses, datetime.date(2025, 3, 1))
        else:
            _publish(code, 1, title, doc_no, clauses, datetime.date(2024, 3, 1))
    for key, (code, number) in LINKS.items():
        if not RuleLink.objects.filter(rule_key=key).exists():
            services.save_link(RuleLink(rule_key=key, document_code=code, clause_number=number), actor=ACTOR)
    world["rulebook"] = {"documents": len(DOCUMENTS)}

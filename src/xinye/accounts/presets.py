"""The built-in roles, as presets people understand (style.md: not JSON an administrator must write).

A grant maps an object-type pattern to actions: "*" is every business object type (never accounts or
audit: 等保 separation of duties), "app.*" an app's types, "app.model" one type.
"""

from dataclasses import dataclass, field

ALL = ["view", "add", "change", "delete", "view_sensitive", "export", "import", "approve"]
MANAGE = ["view", "add", "change", "view_sensitive", "export", "import", "approve"]
READ = ["view", "export"]

# The business apps whose every type a county or committee admin manages in its subtree. Listed, not "*":
# "*" would also cover city-wide reference data, and a grant cannot take a type back out of a pattern.
# A new business app is added here (and to city_admin through "*").
MANAGED_APPS = (
    "ledger",
    "coverage",
    "guidance",
    "stations",
    "appeals",
    "hazards",
    "volunteers",
    "orglife",
    "members",
    "teams",
    "honours",
    "funds",
    "pairing",
    "support",
    "care",
    "plans",
    "grading",
    "reports",
)
# City-wide reference data: read by every admin, written only by 市级管理员 and 系统管理员 (leak 2 of the
# spine issue: a county admin renamed 开鲁县; leak 9: a county admin published a city-wide privacy notice).
REFERENCE = {"orgs.region": ["view"], "workers.privacynotice": ["view"], "rulebook.*": ["view"]}
# The rule book: every staff role reads the clauses its refusals cite.
RULEBOOK = {"rulebook.*": ["view"]}
# The org tree and who answers for what, read-only — without the instructors' and liaisons' own records
# (orgs.agent, which sits in orgs beside the responsibility matrix): "orgs.*" would read those too.
ORG_TREE = {"orgs.region": ["view"], "orgs.orgunit": ["view"], "orgs.responsibility": ["view"]}


def local_admin(actions: list) -> dict:
    """Everything of the business apps in the admin's subtree, reference data read-only."""
    return {
        **{f"{app}.*": actions for app in MANAGED_APPS},
        "orgs.orgunit": actions,
        "orgs.responsibility": actions,
        "orgs.agent": actions,  # the instructors and liaisons (guidance's people, kept in orgs)
        "workers.worker": actions,
        "workers.consent": actions,
        "workers.rightsrequest": actions,  # the personal-data rights queue (PIPL art. 44–47)
        **REFERENCE,
    }


@dataclass(frozen=True)
class RolePreset:
    code: str
    name: str
    description: str
    mode: (
        str  # "tree": the bound unit's subtree (+ offices answering to it); "assigned": assigned enterprises
    )
    grants: dict = field(default_factory=dict)


BUILTIN_ROLES = [
    RolePreset("city_admin", "市级管理员", "市委组织部、市两新工委：全市一切业务数据", "tree", {"*": ALL}),
    RolePreset(
        "committee_admin",
        "行业党委管理员",
        "市级行业党委：本行业跨旗县的企业、党组织和工作（含所属行业党建办）",
        "tree",
        local_admin(MANAGE),
    ),
    RolePreset(
        "county_admin",
        "县级管理员",
        "旗县市区两新工委及行业党建办：本旗县的一切业务数据",
        "tree",
        local_admin(MANAGE),
    ),
    RolePreset(
        "department",
        "行业主管部门",
        "交通运输、邮政管理、商务、市场监管、网信：分块负责本行业企业",
        "tree",
        {
            "orgs.*": ["view"],
            "ledger.enterprise": READ,
            "ledger.*": ["view"],
            "coverage.*": ["view"],
            "guidance.*": ["view"],
            "appeals.*": ["view", "change", "view_sensitive"],
            "hazards.*": ["view", "change"],
            "teams.*": ["view"],
            "honours.*": ["view"],
            "support.*": ["view", "change"],
            "care.*": ["view"],
            "plans.*": ["view"],
            "grading.*": ["view"],
            "reports.*": READ,
            **RULEBOOK,
        },
    ),
    RolePreset(
        "mass_org",
        "群团组织",
        "工会、共青团、妇联：参与指导与服务",
        "tree",
        {
            **ORG_TREE,
            "ledger.enterprise": ["view"],
            "appeals.*": ["view", "change", "view_sensitive"],
            "volunteers.*": ["view", "add", "change"],
            "stations.*": ["view"],
            "honours.*": MANAGE,  # 妇联 runs 巾帼建功标兵, 工会 its own campaigns
            "support.*": ["view", "change"],
            "care.*": ["view", "add", "change"],
            **RULEBOOK,
        },
    ),
    RolePreset(
        "community_admin",
        "社区管理员",
        "街道、社区：兜底负责，运营服务站，办理诉求与随手拍",
        "tree",
        {
            **ORG_TREE,
            "stations.*": MANAGE,
            "appeals.*": MANAGE,
            "hazards.*": MANAGE,
            "volunteers.*": MANAGE,
            "workers.*": ["view"],
            "workers.rightsrequest": [
                "view",
                "change",
                "view_sensitive",
            ],  # corrections of records the community holds
            "ledger.enterprise": ["view"],
            "care.*": MANAGE,
            "pairing.*": MANAGE,
            "support.*": ["view", "change"],
            "honours.*": ["view", "add"],
            **RULEBOOK,
        },
    ),
    RolePreset(
        "instructor",
        "党建指导员",
        "只看、只管所联系的企业：走访、发现问题、指导组建",
        "assigned",
        {
            "orgs.*": ["view"],
            "ledger.*": ["view"],
            "guidance.*": ["view"],
            "guidance.visit": ["view", "add", "change"],
            "guidance.visitproblem": ["view", "add", "change"],
            "guidance.visitphoto": ["view", "add"],
            "appeals.*": ["view", "add"],
            "orglife.*": ["view"],
            "members.*": ["view"],
            "coverage.*": ["view"],
            "teams.*": ["view"],
            "honours.*": ["view", "add"],
            "pairing.*": ["view"],
            "support.*": ["view", "add"],
            "grading.*": ["view"],
            **RULEBOOK,
        },
    ),
    RolePreset(
        "liaison",
        "驻企联络员",
        "驻所联系企业：上传下达、收集诉求",
        "assigned",
        {
            "orgs.*": ["view"],
            "ledger.enterprise": ["view"],
            "guidance.*": ["view"],
            "guidance.visit": ["view", "add", "change"],
            "guidance.visitproblem": ["view", "add", "change"],
            "guidance.visitphoto": ["view", "add"],
            "appeals.*": ["view", "add"],
            "honours.*": ["view", "add"],
            "support.*": ["view", "add"],
            **RULEBOOK,
        },
    ),
    RolePreset(
        "secretary",
        "支部书记",
        "党组织书记、党务工作者：本组织的党员、会议、发展党员、党费与学习",
        "tree",
        {
            **ORG_TREE,
            "ledger.*": ["view", "change", "view_sensitive", "export"],
            "orglife.*": ALL,
            "members.*": ALL,
            "coverage.*": ["view"],
            "teams.*": ["view", "add", "change"],
            "honours.*": ["view", "add"],
            "funds.*": ["view", "add", "change"],
            "pairing.*": ["view", "add", "change"],
            "grading.*": ["view"],
            **RULEBOOK,
        },
    ),
    RolePreset(
        "sysadmin",
        "系统管理员",
        "等保三员之一：账号开通与系统配置，不接触业务数据",
        "tree",
        {
            "accounts.user": ["view", "add", "change"],
            "orgs.region": ["view", "add", "change"],
            "orgs.orgunit": ["view", "add", "change"],
            "workers.privacynotice": ["view", "add"],
        },
    ),
    RolePreset(
        "secadmin",
        "安全管理员",
        "等保三员之一：授权、令牌与登录安全，不接触业务数据",
        "tree",
        {"accounts.*": ["view", "add", "change", "delete"], "axes.*": ["view", "delete"]},
    ),
    RolePreset(
        "auditor", "审计员", "等保三员之一：只读审计日志，别无其他", "tree", {"audit.*": ["view", "export"]}
    ),
]

PRESETS = {preset.code: preset for preset in BUILTIN_ROLES}

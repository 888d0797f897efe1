"""The columns of each kind of survey sheet (`SPECS`): one definition for the template, the import and the
export — headers and the other names a sheet may give them, kinds, required columns, choices and the words
field sheets use for them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from xinye.core.choices import Industry
from xinye.ledger.choices import (
    CoordSystem,
    Education,
    EnterpriseType,
    MembershipHeld,
    Occupation,
    PoliticalStatus,
)
from xinye.ledger.imports.normalise import Rule
from xinye.ledger.imports.normalise import lookup_key as _key
from xinye.ledger.imports.read import ImportUsageError
from xinye.ledger.models import Enterprise, PartyMember, PartyOrganisation, Practitioner
from xinye.ledger.services import ORG_KINDS
from xinye.orgs.choices import UnitKind

# --- column specs: one definition per kind ---


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text name id phone uscc date choice int float bool region enterprise enterprises
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: type | None = None
    note: str = ""
    width: int = 16

    @property
    def sensitive(self) -> str:
        return {"id": "id_number", "phone": "phone"}.get(self.kind, "")

    @property
    def is_text_cell(self) -> bool:
        """Written as text in templates and exports so Excel keeps every digit (IDs, phones, codes)."""
        return self.kind in ("id", "phone", "uscc", "text", "name", "region", "enterprise", "enterprises")


@dataclass(frozen=True)
class Spec:
    kind: str
    label: str
    model: type
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _choice_note(choices) -> str:
    return "可填：" + "、".join(str(label) for label in choices.labels)


ENTERPRISE_REF_NOTE = "填写企业名称或统一社会信用代码（须已在企业台账中）"
YES_NO_NOTE = "填“是”或“否”"
DATE_NOTE = "如 2026-11-28、2026/11/28 或 2026年11月28日"

_NAME = Column("name", "姓名", "name", ("人员姓名", "从业人员姓名", "党员姓名"), required=True, width=10)
_ID = Column(
    "id_number",
    "公民身份号码",
    "id",
    ("身份证号", "身份证号码", "身份证", "居民身份证号码", "证件号码", "身份证件号码"),
    required=True,
    note="18 位，末位可为 X；请保持文本格式，勿转为数字",
    width=22,
)
_PHONE = Column(
    "phone",
    "手机号",
    "phone",
    ("手机", "手机号码", "联系电话", "电话", "联系方式"),
    note="11 位手机号",
    width=14,
)
_ENTERPRISE = Column(
    "enterprise",
    "所在企业",
    "enterprise",
    ("企业名称", "所在单位", "工作单位", "企业", "所属企业", "单位名称"),
    required=True,
    note=ENTERPRISE_REF_NOTE,
    width=28,
)
_ENTERPRISE_USCC = Column(
    "enterprise_uscc",
    "所在企业统一社会信用代码",
    "uscc",
    ("统一社会信用代码", "信用代码", "社会信用代码", "企业信用代码"),
    note="可选；填写后按代码匹配企业",
    width=22,
)

SPECS: dict[str, Spec] = {
    "enterprises": Spec(
        "enterprises",
        "新业态企业",
        Enterprise,
        (
            Column("name", "企业名称", "text", ("企业", "单位名称", "名称"), required=True, width=30),
            Column(
                "uscc",
                "统一社会信用代码",
                "uscc",
                ("信用代码", "社会信用代码", "统一代码"),
                note="18 位，不含 I、O、Z、S、V；同一代码视为同一企业",
                width=22,
            ),
            Column(
                "industry",
                "行业",
                "choice",
                ("所属行业", "行业类别"),
                required=True,
                choices=Industry,
                note=_choice_note(Industry),
            ),
            Column(
                "enterprise_type",
                "类型",
                "choice",
                ("企业类型", "业态", "企业类别"),
                choices=EnterpriseType,
                note=_choice_note(EnterpriseType),
                width=20,
            ),
            Column(
                "region",
                "所在旗县区",
                "region",
                ("旗县区", "旗县市区", "所在地区", "区县", "所属旗县区", "行政区划代码", "区划代码"),
                required=True,
                note="旗县区名称或区划代码，如 科尔沁区 或 150502",
            ),
            Column("address", "地址", "text", ("经营地址", "详细地址", "注册地址"), width=30),
            Column("longitude", "经度", "float", (), note="WGS-84 坐标", width=12),
            Column("latitude", "纬度", "float", (), note="WGS-84 坐标", width=12),
            Column("coord_source", "坐标来源", "choice", ("坐标系",), choices=CoordSystem, width=20),
            Column(
                "staff_count", "从业人员数", "int", ("员工人数", "从业人数", "职工人数", "人数"), width=10
            ),
            Column(
                "legal_representative",
                "法定代表人/负责人",
                "text",
                ("法定代表人", "负责人", "法人", "法人代表"),
                width=12,
            ),
            Column("contact_name", "联系人", "text", (), width=10),
            Column(
                "contact_phone",
                "联系电话",
                "phone",
                ("联系人电话", "手机", "手机号", "联系人手机"),
                note="11 位手机号",
                width=14,
            ),
            Column("in_survey_scope", "纳入摸排范围", "bool", ("摸排范围",), note=YES_NO_NOTE, width=10),
            Column("is_active", "在营", "bool", ("是否在营", "经营状态"), note=YES_NO_NOTE, width=8),
        ),
    ),
    "practitioners": Spec(
        "practitioners",
        "从业人员",
        Practitioner,
        (
            _NAME,
            _ID,
            _PHONE,
            _ENTERPRISE,
            _ENTERPRISE_USCC,
            Column("ethnicity", "民族", "name", (), width=8),
            Column(
                "education", "学历", "choice", ("文化程度",), choices=Education, note=_choice_note(Education)
            ),
            Column(
                "occupation",
                "职业",
                "choice",
                ("岗位", "工种"),
                choices=Occupation,
                note=_choice_note(Occupation),
            ),
            Column(
                "political_status",
                "政治面貌",
                "choice",
                (),
                choices=PoliticalStatus,
                note=_choice_note(PoliticalStatus),
            ),
        ),
    ),
    "members": Spec(
        "members",
        "党员",
        PartyMember,
        (
            _NAME,
            _ID,
            _PHONE,
            _ENTERPRISE,
            _ENTERPRISE_USCC,
            Column(
                "political_status",
                "政治面貌",
                "choice",
                ("党员类别", "党员类型"),
                required=True,
                choices=PoliticalStatus,
                note="填“正式党员”或“预备党员”",
            ),
            Column("joined_on", "入党日期", "date", ("入党时间",), note=DATE_NOTE, width=12),
            Column("full_member_on", "转正日期", "date", ("转正时间",), note=DATE_NOTE, width=12),
            Column(
                "membership_held",
                "组织关系",
                "choice",
                ("组织关系情况", "组织关系所在"),
                choices=MembershipHeld,
                note=_choice_note(MembershipHeld),
                width=24,
            ),
            Column(
                "home_organisation",
                "组织关系所在党组织",
                "text",
                ("原党组织", "流出党组织", "组织关系所在单位"),
                note="流动党员必填",
                width=24,
            ),
        ),
    ),
    "organisations": Spec(
        "organisations",
        "党组织",
        PartyOrganisation,
        (
            Column("name", "组织名称", "text", ("党组织名称", "名称"), required=True, width=32),
            Column(
                "kind",
                "组织类型",
                "choice",
                ("类型", "党组织类型"),
                required=True,
                choices=UnitKind,
                note="党委、党总支、党支部、联合党支部、网络（虚拟）党支部",
            ),
            Column(
                "enterprises",
                "覆盖企业",
                "enterprises",
                ("所在企业", "企业名称", "覆盖单位"),
                required=True,
                note="企业名称或统一社会信用代码，多家用顿号“、”分隔，牵头企业在前",
                width=40,
            ),
            Column("founded_on", "成立日期", "date", ("成立时间", "组建日期"), note=DATE_NOTE, width=12),
            Column(
                "term_years", "任期（年）", "int", ("任期",), note="党支部、党总支 3 年，党委 5 年", width=10
            ),
            Column(
                "next_election_on", "下次换届日期", "date", ("换届日期", "届满日期"), note=DATE_NOTE, width=14
            ),
            Column("is_online", "网上运行", "bool", ("虚拟支部",), note=YES_NO_NOTE, width=10),
        ),
    ),
}

# Common words in field sheets for the choices (the labels themselves and the codes are always accepted).
CHOICE_ALIASES: dict[type, dict[str, str]] = {
    Industry: {
        "外卖": "delivery",
        "骑手": "delivery",
        "大货车": "freight",
        "网约车": "freight",
        "货运": "freight",
    },
    EnterpriseType: {
        "平台企业": "platform",
        "平台": "platform",
        "加盟站点": "site",
        "站点": "site",
        "配送站": "site",
        "网点": "outlet",
        "营业部": "outlet",
        "车队": "fleet",
        "运输公司": "fleet",
        "仓储": "warehouse",
        "分拨中心": "warehouse",
        "直播": "studio",
        "电商": "studio",
    },
    Education: {
        "小学": "primary",
        "初中": "junior",
        "高中": "senior",
        "中专": "senior",
        "技校": "senior",
        "职高": "senior",
        "专科": "college",
        "大专": "college",
        "本科": "bachelor",
        "大学": "bachelor",
        "硕士": "postgrad",
        "博士": "postgrad",
        "研究生": "postgrad",
    },
    Occupation: {
        "骑手": "rider",
        "外卖员": "rider",
        "配送员": "rider",
        "快递小哥": "courier",
        "揽投员": "courier",
        "司机": "truck_driver",
        "货车": "truck_driver",
        "货运司机": "truck_driver",
        "网约车": "ride_driver",
        "理货员": "warehouse",
        "主播": "streamer",
        "网红": "streamer",
        "仓储": "warehouse",
        "分拣员": "warehouse",
        "站长": "dispatcher",
        "调度": "dispatcher",
        "管理": "office",
        "客服": "office",
        "技术": "office",
    },
    PoliticalStatus: {
        "中共党员": "full",
        "党员": "full",
        "正式": "full",
        "预备": "probationary",
        "中共预备党员": "probationary",
        "团员": "league",
        "共青团员": "league",
        "积极分子": "activist",
        "申请人": "applicant",
        "无": "masses",
    },
    MembershipHeld: {
        "本单位": "here",
        "在本单位": "here",
        "流动党员": "elsewhere",
        "外地": "elsewhere",
        "未纳入": "none",
    },
    CoordSystem: {
        "WGS84": "wgs84",
        "GPS": "wgs84",
        "GCJ02": "gcj02",
        "高德": "gcj02",
        "腾讯": "gcj02",
        "微信": "gcj02",
        "BD09": "bd09",
        "百度": "bd09",
    },
    UnitKind: {"基层党委": "party_committee", "网络党支部": "online_branch", "虚拟党支部": "online_branch"},
}


def choice_map(choices) -> dict[str, str]:
    """Lookup key (see `_key`) → value; the labels as written are keys too (the common case, no normalising)."""
    out = {str(label): value for value, label in choices.choices}
    for value, label in choices.choices:
        out[_key(value)] = value
        out[_key(label)] = value
        # "网络（虚拟）党支部" / "主播/网红": each part alone as well
        for part in re.split(r"[/（）()]", str(label)):
            if part and _key(part) not in out:
                out[_key(part)] = value
    for alias, value in CHOICE_ALIASES.get(choices, {}).items():
        out.setdefault(_key(alias), value)
    return out


def header_names(spec: Spec) -> dict[str, str]:
    """Lookup key of every accepted header (the header and its aliases) → column key."""
    out = {}
    for col in spec.columns:
        for name in (col.header, *col.aliases):
            out.setdefault(_key(name), col.key)
    return out


_RULES: dict[str, tuple[Rule, ...]] = {}

# Choice columns whose unknown words are doubts, not errors (issue 13): the value written instead. 行业 stays an
# error — it decides the responsible committee.
UNKNOWN_AS = {"occupation": Occupation.OTHER.value}


def spec_rules(spec: Spec, city_aliases: dict | None = None) -> tuple[Rule, ...]:
    """The columns as plain rules for the row parser (choice tables and their messages built once), with the
    city's own words (`city_aliases`: {column key: {alias: value}}, from the console's 导入词语对照) on top."""
    if spec.kind not in _RULES:
        out = []
        for c in spec.columns:
            error, labels = "", None
            if c.choices is not None:
                labels = {v: str(lbl) for v, lbl in c.choices.choices}
                shown = "、".join(
                    str(lbl) for v, lbl in c.choices.choices if c.choices is not UnitKind or v in ORG_KINDS
                )
                error = f"应为 {shown} 之一"
            out.append(
                Rule(
                    c.key,
                    c.kind,
                    c.required,
                    _CHOICE_MAPS[c.choices] if c.choices else None,
                    error,
                    labels,
                    UNKNOWN_AS.get(c.key) if c.choices else None,
                )
            )
        _RULES[spec.kind] = tuple(out)
    rules = _RULES[spec.kind]
    if not city_aliases:
        return rules
    return tuple(
        replace(r, choices={**r.choices, **{_key(a): v for a, v in city_aliases[r.key].items()}})
        if r.choices is not None and city_aliases.get(r.key)
        else r
        for r in rules
    )


_CHOICE_MAPS = {
    c.choices: choice_map(c.choices) for spec in SPECS.values() for c in spec.columns if c.choices
}


def get_spec(kind: str) -> Spec:
    if kind not in SPECS:
        raise ImportUsageError(f"未知的台账类型“{kind}”，可选：{'、'.join(SPECS)}")
    return SPECS[kind]

"""Import of survey sheets (摸排台账): enterprises, practitioners, party members, party organisations.

One column spec per kind (`SPECS`) is used by the template, the importer and the exporter alike. The pipeline
streams rows (xlsx via python-calamine, openpyxl as fallback; CSV in UTF-8, UTF-8 with BOM or GB18030), finds
the header row under title rows and merged cells, validates every row before anything is written, decides
create / update / unchanged against the ledger by the keyed hash (ID) or the credit code, and commits all rows
or none in one transaction, in batches, with the change log written in bulk. The same file (same kind, same
SHA-256) committed twice changes nothing the second time.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from xinye.accounts.permissions import actor_user, is_system
from xinye.core.bulk import insert_rows
from xinye.core.choices import Industry
from xinye.core.crypto import keyed_hash
from xinye.core.masking import mask
from xinye.core.validators import normalise
from xinye.ledger import import_rows, rules, signals
from xinye.ledger.choices import (
    PARTY_STATUSES,
    CoordSystem,
    Education,
    EnterpriseType,
    MembershipHeld,
    Occupation,
    PoliticalStatus,
)
from xinye.ledger.import_rows import (
    BATCH,
    ENT,
    HEADER_SCAN_ROWS,
    ID_HASH,
    INSERT,
    LOG,
    MEMBER,
    MEMBER_FIELDS,
    PERSON,
    RAW_ID,
    RAW_STATUS,
    ROW,
    CellError,
    ImportUsageError,
    PeopleContext,
    RowParser,
    Rule,
    ScopeTable,
    cell_text,
    is_blank,
    people_batches,
    person_dict,
    read_rows,
    worker_batches,
)
from xinye.ledger.import_rows import lookup_key as _key
from xinye.ledger.models import Enterprise, ImportBatch, PartyMember, PartyOrganisation, Practitioner
from xinye.orgs.choices import UnitKind

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
MAX_KEPT_ERRORS = 100_000
# People sheets at least this large are checked and encrypted in a helper process while this one writes; below
# it, starting the helper costs more than it saves. `run_import(parallel=...)` overrides it.
PARALLEL_MIN_BYTES = 2 << 20


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

ORG_KINDS = (
    UnitKind.PARTY_COMMITTEE,
    UnitKind.GENERAL_BRANCH,
    UnitKind.BRANCH,
    UnitKind.JOINT_BRANCH,
    UnitKind.ONLINE_BRANCH,
)

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
        "网约车": "ride_driver",
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


# --- reading ---


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def header_names(spec: Spec) -> dict[str, str]:
    """Lookup key of every accepted header (the header and its aliases) → column key."""
    out = {}
    for col in spec.columns:
        for name in (col.header, *col.aliases):
            out.setdefault(_key(name), col.key)
    return out


_RULES: dict[str, tuple[Rule, ...]] = {}


def spec_rules(spec: Spec) -> tuple[Rule, ...]:
    """The columns as plain rules for the row parser (choice tables and their messages built once)."""
    if spec.kind not in _RULES:
        out = []
        for c in spec.columns:
            error = ""
            if c.choices is not None:
                labels = "、".join(
                    str(lbl) for v, lbl in c.choices.choices if c.choices is not UnitKind or v in ORG_KINDS
                )
                error = f"应为 {labels} 之一"
            out.append(Rule(c.key, c.kind, c.required, _CHOICE_MAPS[c.choices] if c.choices else None, error))
        _RULES[spec.kind] = tuple(out)
    return _RULES[spec.kind]


def shown_value(col: Column | None, value) -> str:
    """The cell as an error report shows it: ID numbers and phones masked (PIPL)."""
    text = cell_text(value)
    if isinstance(value, float) and col is not None and col.kind == "id":
        text = f"{value:.14E}"  # as Excel shows it: 1.50502199001011E+17
    if col is not None and col.sensitive and text:
        return mask(col.sensitive, normalise(text))
    return text[:60]


@dataclass
class RowError:
    row: int
    column: str
    value: str
    reason: str

    def __str__(self):
        where = f"［{self.column}］" if self.column else ""
        value = f"“{self.value}”" if self.value else ""
        return f"第 {self.row} 行{where}{value}：{self.reason}"


@dataclass
class ImportResult:
    kind: str
    file_name: str
    file_hash: str = ""
    header_row: int = 0
    rows_total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    committed: bool = False
    already: ImportBatch | None = None
    batch: ImportBatch | None = None
    stats: dict = field(default_factory=dict)  # measurements for benchmarks (the helper process's peak RSS)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> str:
        label = SPECS[self.kind].label
        if self.already is not None:
            when = timezone.localtime(self.already.created_at).strftime("%Y-%m-%d %H:%M")
            who = self.already.user.get_username() if self.already.user_id else "系统"
            return (
                f"该文件已于 {when} 由 {who} 导入（{label}，{self.already.rows_total} 行），"
                "本次未做任何更改。"
            )
        verb = "已写入" if self.committed else "预检"
        return (
            f"{label}{verb}：共 {self.rows_total} 行，新增 {self.created}，更新 {self.updated}，"
            f"未变 {self.unchanged}，错误 {self.error_count}"
        )

    def as_dict(self, max_errors: int = 200) -> dict:
        return {
            "kind": self.kind,
            "file_name": self.file_name,
            "file_hash": self.file_hash,
            "header_row": self.header_row,
            "rows": self.rows_total,
            "create": self.created,
            "update": self.updated,
            "unchanged": self.unchanged,
            "error": self.error_count,
            "committed": self.committed,
            "already_imported": self.already is not None,
            "summary": self.summary(),
            "errors": [
                {"row": e.row, "column": e.column, "value": e.value, "reason": e.reason, "message": str(e)}
                for e in self.errors[:max_errors]
            ],
        }


class _Rollback(Exception):
    pass


# --- the pipeline ---


class Importer:
    """Validates (and with `commit`, writes) one file of one kind for one actor: a staff user, whose import
    scope limits the rows, or `system_actor(...)` when the system imports (the CLI without --actor)."""

    spec: Spec

    def __init__(
        self,
        actor,
        *,
        progress: Callable[[int], None] | None = None,
        progress_every: int = 10_000,
        parallel: bool | None = None,
    ):
        """`parallel`: check people sheets in a helper process (True), in this one (False), or by file size
        (None, see PARALLEL_MIN_BYTES)."""
        self.actor = actor
        self.progress = progress
        self.progress_every = progress_every
        self._scope_cache: dict = {}
        self._units: dict = {}
        self._regions = None
        self._ents = None
        self.today = timezone.localdate()
        self.parser = RowParser(spec_rules(self.spec), self.today, hooks={"region": self.parse_region})
        self.parallel = parallel

    # scope
    def allowed(self, unit_id, industry: str, model=None) -> bool:
        if is_system(self.actor):
            return True
        model = model or self.spec.model
        key = (model, unit_id, industry)
        if key not in self._scope_cache:
            from xinye.accounts.permissions import unit_in_scope

            self._scope_cache[key] = unit_in_scope(self.actor, "import", model, self.unit(unit_id), industry)
        return self._scope_cache[key]

    def unit(self, unit_id):
        from xinye.orgs.models import OrgUnit

        if unit_id not in self._units:
            self._units[unit_id] = OrgUnit.objects.filter(pk=unit_id).first()
        return self._units[unit_id]

    def regions(self) -> dict[str, object]:
        if self._regions is None:
            from xinye.orgs.models import Region

            self._regions = {}
            for r in Region.objects.all():
                self._regions[_key(r.code)] = r
                self._regions.setdefault(_key(r.name), r)
        return self._regions

    def region_name(self, code) -> str:
        r = self.regions().get(_key(code))
        return r.name if r else str(code)

    # enterprise references
    def enterprises(self):
        if self._ents is None:
            by_id, by_uscc, by_name = {}, {}, {}
            for row in Enterprise.objects.values_list(
                "id", "name", "uscc", "unit_id", "region_id", "industry"
            ):
                by_id[row[0]] = row
                if row[2]:
                    by_uscc[row[2]] = row
                by_name.setdefault(row[1].strip(), []).append(row)
            self._ents = (by_id, by_uscc, by_name)
        return self._ents

    def resolve_enterprise(self, key: str, value, uscc_value=None):
        """(id, name, uscc, unit_id, region_id, industry) of an enterprise by credit code or exact name."""
        _, by_uscc, by_name = self.enterprises()
        return import_rows.resolve_enterprise(by_uscc, by_name, key, value, uscc_value)

    # cells
    def parse_region(self, raw):
        region = self.regions().get(_key(cell_text(raw)))
        if region is None:
            raise ValueError("不是本市的旗县区名称或区划代码")
        return region

    def parse_row(self, cells: list, colmap: dict[int, str]) -> tuple[dict, dict, list[tuple[str, str]]]:
        """(parsed values by key, raw values by key, [(key, reason)])."""
        return self.parser.parse_row(cells, colmap)

    # the run
    def run(self, path, *, file_name: str = "", commit: bool = False, unit=None) -> ImportResult:
        for _ in self.run_iter(path, file_name=file_name, commit=commit, unit=unit):
            pass
        return self.result

    def run_iter(self, path, *, file_name: str = "", commit: bool = False, unit=None) -> Iterator[int]:
        """Like run(), yielding the number of rows processed every `progress_every` rows (for pages that
        show progress while the import runs); the result is in `self.result` at the end."""
        path = Path(str(path))
        result = self.result = ImportResult(self.spec.kind, file_name or path.name)
        if not path.exists():
            raise ImportUsageError(f"文件不存在：{path}")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise ImportUsageError(
                f"不支持的文件类型“{path.suffix or '无扩展名'}”，请上传 .xlsx 或 .csv 文件"
            )
        result.file_hash = file_sha256(path)
        already = (
            ImportBatch.objects.filter(kind=self.spec.kind, file_hash=result.file_hash, committed=True)
            .select_related("user")
            .order_by("created_at")
            .first()
        )
        if already is not None:
            result.already = already
            result.rows_total = result.unchanged = already.rows_total
            return
        if not commit:
            yield from self._run(path, result, write=False)
            return
        try:
            with transaction.atomic():
                yield from self._run(path, result, write=True)
                if result.error_count:
                    raise _Rollback
                self.after_commit()
                result.batch = ImportBatch.objects.create(
                    kind=self.spec.kind,
                    file_name=result.file_name[:255],
                    file_hash=result.file_hash,
                    unit=unit or self.default_unit(),
                    user=actor_user(self.actor),
                    rows_total=result.rows_total,
                    rows_created=result.created,
                    rows_updated=result.updated,
                    rows_unchanged=result.unchanged,
                    committed=True,
                )
                result.committed = True
        except _Rollback:
            result.committed = False

    def default_unit(self):
        from xinye.orgs.models import OrgUnit

        if not is_system(self.actor):
            ra = self.actor.role_assignments.select_related("unit").order_by("pk").first()
            if ra is not None:
                return ra.unit
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()

    def _run(self, path, result: ImportResult, *, write: bool) -> Iterator[int]:
        self.seen: dict = {}
        self.result = result
        self.write = write
        rows = read_rows(path)
        try:
            head, header_index, colmap = import_rows.read_header(rows, header_names(self.spec))
            if not self._header_ok(header_index, colmap):
                return
            yield from self._process(import_rows.data_rows(itertools.chain(head, rows), header_index), colmap)
        finally:
            rows.close()

    def _header_ok(self, header_index: int, colmap: dict[int, str]) -> bool:
        self.result.header_row = header_index + 1
        missing = import_rows.missing_columns(spec_rules(self.spec), colmap)
        if header_index >= 0 and not missing:
            return True
        headers = "、".join(self.spec.column(k).header for k in missing)
        reason = f"找不到表头或缺少必填列：{headers}（前 {HEADER_SCAN_ROWS} 行中未找到包含这些列名的表头行）"
        self._error(self.result, max(header_index + 1, 1), "", "", reason)
        return False

    def _progress(self, done: int) -> int:
        if self.progress:
            self.progress(done)
        return done

    def _process(self, numbered_rows, colmap: dict[int, str]) -> Iterator[int]:
        result = self.result
        chunk: list = []
        for number, cells in numbered_rows:
            if all(is_blank(c) for c in cells):
                continue
            result.rows_total += 1
            values, raw, errs = self.parse_row(cells, colmap)
            chunk.append((number, values, raw, errs))
            if len(chunk) >= BATCH:
                self._chunk(chunk)
                chunk = []
            if result.rows_total % self.progress_every == 0:
                yield self._progress(result.rows_total)
        if chunk:
            self._chunk(chunk)
        if result.rows_total % self.progress_every:
            yield self._progress(result.rows_total)

    def _error(self, result: ImportResult, row: int, key: str, value, reason: str) -> None:
        col = next((c for c in self.spec.columns if c.key == key), None)
        result.error_count += 1
        if len(result.errors) < MAX_KEPT_ERRORS:
            result.errors.append(RowError(row, col.header if col else "", shown_value(col, value), reason))

    def _chunk(self, chunk: list) -> None:
        """Resolve, dedupe, classify (and write) one batch of rows."""
        good = []
        for number, values, raw, errs in chunk:
            if not errs:
                try:
                    item = self.prepare(number, values, raw)
                except CellError as exc:
                    errs = [(exc.key, exc.reason)]
                else:
                    if item is not None:
                        good.append(item)
            for key, reason in errs:
                self._error(self.result, number, key, raw.get(key), reason)
        if not good:
            return
        plan = self.classify(good)
        if self.write and not self.result.error_count:
            self.apply(plan)

    def _dup(self, key, number: int, col: str, raw) -> bool:
        first = self.seen.get(key)
        if first is not None:
            self._error(self.result, number, col, raw.get(col), f"与第 {first} 行重复")
            return True
        self.seen[key] = number
        return False

    # per kind
    def prepare(self, number: int, values: dict, raw: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def classify(self, items: list):  # pragma: no cover - abstract
        raise NotImplementedError

    def apply(self, plan) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def after_commit(self) -> None:
        pass


def _masked_log(values: dict, sensitive: dict[str, str]) -> dict:
    out = {}
    for k, v in values.items():
        if k.endswith("_hash"):
            continue
        if k in sensitive:
            v = mask(sensitive[k], v) if v else ""
        elif isinstance(v, datetime.date):
            v = v.isoformat()
        out[k] = v
    return out


def existing_keys(model, column: str, keys: list) -> set:
    """Which of `keys` exist in `model.column` (an indexed column) — one plain query with the keys as one array
    parameter (a JSON array on SQLite), without the ORM's per-parameter cost on lists of thousands."""
    from django.db import connection

    if not keys:
        return set()
    table = connection.ops.quote_name(model._meta.db_table)
    col = connection.ops.quote_name(model._meta.get_field(column).column)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            sql = f"SELECT {col} FROM {table} WHERE {col} IN (SELECT value FROM json_each(%s))"  # noqa: S608
            cursor.execute(sql, [json.dumps(keys)])
            return {r[0] for r in cursor.fetchall()}
        # A point lookup by an indexed key. The planner would scan the whole table when its statistics are
        # older than the rows this import has already written (a new ledger, a large sheet), once per batch.
        cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
        before = cursor.fetchone()[0]
        try:
            cursor.execute(f"SELECT {col} FROM {table} WHERE {col} = ANY(%s)", [list(keys)])  # noqa: S608
            return {r[0] for r in cursor.fetchall()}
        finally:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [before])


def _bulk_update_grouped(model, updates: list[tuple[int, dict]]) -> None:
    """bulk_update per set of changed fields, so no object writes a field it did not change."""
    groups: dict[tuple, list] = {}
    for pk, values in updates:
        groups.setdefault(tuple(sorted(values)), []).append(model(pk=pk, **values))
    for names, objs in groups.items():
        model.objects.bulk_update(objs, list(names), batch_size=500)


def _announce_changed(enterprise_ids) -> None:
    """Bulk writes bypass the services: tell the platform once which enterprises the import changed."""
    signals.send(enterprise_ids)


# --- practitioners and members ---

PEOPLE_FIELDS = (
    "name",
    "phone_hash",
    "enterprise_id",
    "ethnicity",
    "education",
    "occupation",
    "political_status",
)
# The order of PersonRow.insert (import_rows._prepare_person builds it).
PEOPLE_INSERT_COLUMNS = (
    "name",
    "id_number",
    "id_hash",
    "phone",
    "phone_hash",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "occupation",
    "political_status",
    "enterprise",
    "unit",
    "region",
    "industry",
    "created_at",
    "updated_at",
)
PEOPLE_SENSITIVE = {"id_number": "id_number", "phone": "phone"}
CREATE_LOG_CHANGED = json.dumps(sorted(import_rows.LOG_CREATE_KEYS))


class PractitionerImporter(Importer):
    """Practitioners (从业人员) keyed by the ID's keyed hash; 政治面貌 预备/正式党员 keeps a PartyMember row.

    The rows are checked, deduplicated in the file and encrypted by `import_rows.people_batches` — in a helper
    process for large files — and looked up in the ledger and written here, a batch at a time."""

    spec = SPECS["practitioners"]
    members = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.touched_enterprises: set[int] = set()
        self._member_units: dict[int, int] | None = None

    def use_helper(self, path) -> bool:
        import multiprocessing

        if multiprocessing.current_process().daemon:  # e.g. a task worker's pool: it may not start processes
            return False
        if self.parallel is not None:
            return self.parallel
        return (os.cpu_count() or 1) > 1 and Path(str(path)).stat().st_size >= PARALLEL_MIN_BYTES

    def people_context(self, colmap: dict[int, str]) -> PeopleContext:
        from django.db import connection

        _, by_uscc, by_name = self.enterprises()
        return PeopleContext(
            rules=spec_rules(self.spec),
            names=header_names(self.spec),
            colmap=colmap,
            today=self.today,
            members=self.members,
            min_join_age=rules.rule("min_join_age"),
            by_uscc=by_uscc,
            by_name=by_name,
            scope=self,
            write=self.write,
            now=connection.ops.adapt_datetimefield_value(timezone.now()),
            dates_as_text=connection.vendor == "sqlite",
        )

    def scope_table(self) -> ScopeTable:
        """The scope decisions a helper process needs, for every enterprise in the ledger."""
        by_id, _, _ = self.enterprises()
        pairs = {(e[3], e[5]) for e in by_id.values()}
        counties = {e[4] for e in by_id.values()}
        return ScopeTable({p: self.allowed(*p) for p in pairs}, {c: self.region_name(c) for c in counties})

    def _run(self, path, result: ImportResult, *, write: bool) -> Iterator[int]:
        if not self.use_helper(path):
            yield from super()._run(path, result, write=write)
            return
        from django.conf import settings

        self.result = result
        self.write = write
        ctx = self.people_context({})
        ctx.scope = self.scope_table()
        ctx.field_key = settings.FIELD_KEY
        batches = worker_batches(path, ctx, result.stats)
        try:
            header_index, colmap, _ = next(batches)
            if self._header_ok(header_index, colmap):
                yield from self._consume(batches)
        finally:
            batches.close()

    def _process(self, numbered_rows, colmap: dict[int, str]) -> Iterator[int]:
        yield from self._consume(people_batches(numbered_rows, self.people_context(colmap)))

    def _consume(self, batches) -> Iterator[int]:
        """Report each batch's errors, look its rows up in the ledger and (while there is no error) write them."""
        result = self.result
        every = self.progress_every
        reported = 0
        for total, errors, people in batches:
            result.rows_total = total
            for number, key, value, reason in errors:
                self._error(result, number, key, value, reason)
            if people:
                plan = self.classify(people)
                if self.write and not result.error_count:
                    self.apply(plan)
            while reported + every <= total:
                reported += every
                yield self._progress(reported)
        if result.rows_total % every:
            yield self._progress(result.rows_total)

    def member_unit(self, enterprise_id: int, office_id: int) -> int:
        """The enterprise's organisation (党委 before 支部, as the ledger service decides), else its office."""
        if self._member_units is None:
            through = PartyOrganisation.enterprises.through
            self._member_units = {}
            for eid, unit_id in through.objects.order_by(
                "partyorganisation__unit__kind", "partyorganisation_id"
            ).values_list("enterprise_id", "partyorganisation__unit_id"):
                self._member_units.setdefault(eid, unit_id)
        return self._member_units.get(enterprise_id, office_id)

    def classify(self, people: list) -> dict:
        found = existing_keys(Practitioner, "id_hash", [p[ID_HASH] for p in people])
        if not found:  # a sheet of new people: the common case of a survey
            self.result.created += len(people)
            return {"create": people, "update": []}
        existing = {
            row["id_hash"]: row
            for row in Practitioner.objects.filter(id_hash__in=found).values(
                "id",
                "id_hash",
                "phone",
                "unit_id",
                "industry",
                "region_id",
                *PEOPLE_FIELDS,
                "party_member__id",
                *(f"party_member__{k}" for k in MEMBER_FIELDS),
                "party_member__unit_id",
            )
        }
        plan = {"create": [], "update": []}
        for p in people:
            old = existing.get(p[ID_HASH])
            if old is None:
                self.result.created += 1
                plan["create"].append(p)
                continue
            if old["enterprise_id"] != p[ENT][0] and not self.allowed(old["unit_id"], old["industry"]):
                self._error(
                    self.result,
                    p[ROW],
                    "id_number",
                    p[RAW_ID],
                    # Naming the county would tell the importer where this person works.
                    "该人员已登记在您导入范围以外的单位，不能改动",
                )
                continue
            person = person_dict(p[PERSON])
            changed = {k: v for k, v in person.items() if k != "phone" and old.get(k) != v}
            status = person.get("political_status", old["political_status"])
            is_member = old["party_member__id"] is not None
            if is_member and status not in PARTY_STATUSES:
                self._error(
                    self.result,
                    p[ROW],
                    "political_status",
                    p[RAW_STATUS],
                    "该人员在党员台账中，请先办理党员减少（转出、除名等）再修改政治面貌",
                )
                continue
            member_changed = {}
            if p[MEMBER] or status in PARTY_STATUSES:
                want = dict(p[MEMBER] or {}) or {"is_full": status == PoliticalStatus.FULL}
                want.setdefault("is_full", status == PoliticalStatus.FULL)
                member_changed = {k: v for k, v in want.items() if old.get(f"party_member__{k}") != v}
                if not is_member:
                    member_changed = want
            if not changed and not member_changed:
                self.result.unchanged += 1
                continue
            self.result.updated += 1
            plan["update"].append((p, old, person, changed, member_changed))
        return plan

    def apply(self, plan) -> None:
        from xinye.audit.services import record_bulk, record_bulk_prepared

        now = timezone.now()
        creates = plan["create"]
        pks = insert_rows(Practitioner, PEOPLE_INSERT_COLUMNS, [p[INSERT] for p in creates], return_pks=True)
        if creates:
            record_bulk_prepared(
                "create",
                Practitioner,
                [
                    (pk, p[PERSON][0], None, p[LOG], CREATE_LOG_CHANGED)
                    for pk, p in zip(pks, creates, strict=True)
                ],
            )
            self.touched_enterprises.update({p[ENT][0] for p in creates})
        members_new = [
            self._new_member(pk, p, None)
            for pk, p in zip(pks, creates, strict=True)
            if p[PERSON][5] in PARTY_STATUSES
        ]
        people_updates, member_updates, logs_update = [], [], []
        for p, old, person, changed, member_changed in plan["update"]:
            ent, changed = p[ENT], dict(changed)
            self.touched_enterprises.add(ent[0])
            moved = "enterprise_id" in changed
            if changed:
                before = {k: old.get(k) for k in changed}
                after = dict(changed)
                if "phone_hash" in changed:
                    changed["phone"] = person["phone"]
                    before["phone"], after["phone"] = old["phone"], changed["phone"]
                if moved:
                    changed.update(unit_id=ent[3], region_id=ent[4], industry=ent[5])
                    self.touched_enterprises.add(old["enterprise_id"])
                people_updates.append((old["id"], {**changed, "updated_at": now}))
                logs_update.append(
                    (
                        old["id"],
                        person["name"],
                        _masked_log(before, PEOPLE_SENSITIVE),
                        _masked_log(after, PEOPLE_SENSITIVE),
                    )
                )
            member_changed = dict(member_changed)
            if old["party_member__id"] is None:
                if member_changed:
                    members_new.append(self._new_member(old["id"], p, old))
                continue
            if moved:
                member_changed.update(
                    enterprise_id=ent[0],
                    unit_id=self.member_unit(ent[0], ent[3]),
                    region_id=ent[4],
                    industry=ent[5],
                )
            if member_changed:
                member_updates.append((old["party_member__id"], {**member_changed, "updated_at": now}))
        _bulk_update_grouped(Practitioner, people_updates)
        _bulk_update_grouped(PartyMember, member_updates)
        if members_new:
            PartyMember.objects.bulk_create(members_new, batch_size=1000)
        if logs_update:
            record_bulk("update", Practitioner, logs_update)
        if members_new:
            fields = ("practitioner_id", "enterprise_id", "unit_id", *MEMBER_FIELDS)
            record_bulk(
                "create",
                PartyMember,
                [
                    (m.pk, m.practitioner_id, None, _masked_log({k: getattr(m, k) for k in fields}, {}))
                    for m in members_new
                ],
            )
        if member_updates:
            record_bulk(
                "update",
                PartyMember,
                [
                    (pk, pk, None, _masked_log({k: v for k, v in vals.items() if k != "updated_at"}, {}))
                    for pk, vals in member_updates
                ],
            )

    def _new_member(self, practitioner_id: int, p, old) -> PartyMember:
        ent = p[ENT]
        status = p[PERSON][5] or (old or {}).get("political_status")
        fields = {"is_full": status == PoliticalStatus.FULL, **(p[MEMBER] or {})}
        return PartyMember(
            practitioner_id=practitioner_id,
            enterprise_id=ent[0],
            unit_id=self.member_unit(ent[0], ent[3]),
            region_id=ent[4],
            industry=ent[5],
            **fields,
        )

    def after_commit(self) -> None:
        _announce_changed(self.touched_enterprises)


class MemberImporter(PractitionerImporter):
    """Party members (党员): the practitioner (created if new) and the party details in one row."""

    spec = SPECS["members"]
    members = True


# --- enterprises ---

ENTERPRISE_COMPARE = (
    "name",
    "uscc",
    "industry",
    "enterprise_type",
    "region_id",
    "address",
    "latitude",
    "longitude",
    "coord_source",
    "staff_count",
    "legal_representative",
    "contact_name",
    "contact_phone_hash",
    "in_survey_scope",
    "is_active",
)


class EnterpriseImporter(Importer):
    """Enterprises keyed by the credit code (or, without one, by name within the county)."""

    spec = SPECS["enterprises"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.touched: set[int] = set()
        self._offices = None

    def office(self, region_id: str, industry: str):
        if self._offices is None:
            from xinye.orgs.models import OrgUnit

            self._offices = {}
            for u in OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE).order_by("sort", "code"):
                self._offices.setdefault((u.region_id, u.industry), u)
                self._units[u.pk] = u
        return self._offices.get((region_id, industry))

    def prepare(self, number, values, raw):
        region = values["region"]
        key = values.get("uscc") or ("name", values["name"], region.pk)
        if self._dup(key, number, "uscc" if values.get("uscc") else "name", raw):
            return None
        fields = {k: v for k, v in values.items() if k != "region"}
        fields["region_id"] = region.pk
        if "contact_phone" in fields:
            fields["contact_phone_hash"] = keyed_hash(fields["contact_phone"])
        return {"row": number, "raw": raw, "key": key, "fields": fields}

    def classify(self, items):
        _, by_uscc, by_name = self.enterprises()
        plan = {"create": [], "update": []}
        for item in items:
            f = item["fields"]
            row = by_uscc.get(f["uscc"]) if f.get("uscc") else None
            if row is None and not f.get("uscc"):
                rows = [r for r in by_name.get(f["name"], []) if r[4] == f["region_id"]]
                row = rows[0] if len(rows) == 1 else None
            old = Enterprise.objects.filter(pk=row[0]).first() if row else None
            same_place = old is not None and old.region_id == f["region_id"] and old.industry == f["industry"]
            unit = old.unit if same_place else self.office(f["region_id"], f["industry"])
            if unit is None:
                self._error(
                    self.result,
                    item["row"],
                    "region",
                    item["raw"].get("region"),
                    f"{self.region_name(f['region_id'])}没有该行业的行业党建办",
                )
                continue
            self._units[unit.pk] = unit
            if not self.allowed(unit.pk, f["industry"]):
                self._error(
                    self.result,
                    item["row"],
                    "region",
                    item["raw"].get("region"),
                    f"{self.region_name(f['region_id'])}的{Industry(f['industry']).label}企业不在您的导入范围内（整行拒绝导入）",
                )
                continue
            if old is not None and not same_place and not self.allowed(old.unit_id, old.industry):
                self._error(
                    self.result,
                    item["row"],
                    "name",
                    item["raw"].get("name"),
                    "该企业已登记在您管辖范围外的旗县区或行业，不能改动",
                )
                continue
            item["unit"] = unit
            item["old"] = old
            if old is None:
                self.result.created += 1
                plan["create"].append(item)
                continue
            changed = {}
            for k, v in f.items():
                if k == "contact_phone":
                    continue
                cur = getattr(old, k)
                if isinstance(v, float) and isinstance(cur, float) and abs(v - cur) < 1e-9:
                    continue
                if cur != v:
                    changed[k] = v
            if old.unit_id != unit.pk:
                changed["unit_id"] = unit.pk
            if not changed:
                self.result.unchanged += 1
                continue
            item["changed"] = changed
            self.result.updated += 1
            plan["update"].append(item)
        return plan

    def apply(self, plan) -> None:
        from xinye.audit.services import record_bulk

        sensitive = {"contact_phone": "phone"}
        new = []
        for item in plan["create"]:
            ent = Enterprise(unit=item["unit"], **item["fields"])
            new.append(ent)
        Enterprise.objects.bulk_create(new, batch_size=500)
        logs = []
        by_id, by_uscc, by_name = self.enterprises()
        for ent in new:
            self.touched.add(ent.pk)
            row = (ent.pk, ent.name, ent.uscc, ent.unit_id, ent.region_id, ent.industry)
            by_id[ent.pk] = row
            if ent.uscc:
                by_uscc[ent.uscc] = row
            by_name.setdefault(ent.name, []).append(row)
            logs.append(
                (
                    ent.pk,
                    ent.name,
                    None,
                    _masked_log(
                        {k: getattr(ent, k) for k in (*ENTERPRISE_COMPARE, "unit_id", "contact_phone")},
                        sensitive,
                    ),
                )
            )
        if logs:
            record_bulk("create", Enterprise, logs)
        now = timezone.now()
        logs = []
        for item in plan["update"]:
            old, changed = item["old"], item["changed"]
            before = {k: getattr(old, k) for k in changed}
            if "contact_phone_hash" in changed:
                before["contact_phone"] = old.contact_phone
                changed["contact_phone"] = item["fields"]["contact_phone"]
            for k, v in changed.items():
                setattr(old, k, v)
            old.updated_at = now
            logs.append((old.pk, old.name, _masked_log(before, sensitive), _masked_log(changed, sensitive)))
            self.touched.add(old.pk)
        if plan["update"]:
            names = sorted({k for item in plan["update"] for k in item["changed"]} | {"updated_at"})
            Enterprise.objects.bulk_update([i["old"] for i in plan["update"]], names, batch_size=500)
            for item in plan["update"]:
                ent = item["old"]
                # Denormalised copies follow the enterprise (scope filters rely on them).
                Practitioner.objects.filter(enterprise=ent).exclude(
                    unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry
                ).update(unit_id=ent.unit_id, region_id=ent.region_id, industry=ent.industry)
            record_bulk("update", Enterprise, logs)

    def after_commit(self) -> None:
        _announce_changed(self.touched)


# --- party organisations ---


class OrganisationImporter(Importer):
    """Party organisations keyed by name; created through the ledger service (an OrgUnit each), few rows."""

    spec = SPECS["organisations"]

    def prepare(self, number, values, raw):
        if values["kind"] not in ORG_KINDS:
            raise CellError("kind", "应为党委、党总支、党支部、联合党支部或网络（虚拟）党支部")
        if self._dup(values["name"], number, "name", raw):
            return None
        refs = [p for p in re.split(r"[、,，;；\n]+", cell_text(raw.get("enterprises"))) if p.strip()]
        ents = []
        for ref in refs:
            ent = self.resolve_enterprise("enterprises", ref.strip())
            if not self.allowed(ent[3], ent[5]):
                raise CellError("enterprises", f"企业“{ent[1]}”不在您的导入范围内（整行拒绝导入）")
            ents.append(ent)
        if not ents:
            raise CellError("enterprises", "必填项为空")
        return {"row": number, "raw": raw, "values": values, "ents": ents}

    def classify(self, items):
        existing = {
            o.unit.name: o
            for o in PartyOrganisation.objects.filter(unit__name__in=[i["values"]["name"] for i in items])
            .select_related("unit")
            .prefetch_related("enterprises")
        }
        plan = {"create": [], "update": []}
        for item in items:
            v = item["values"]
            old = existing.get(v["name"])
            item["old"] = old
            if old is None:
                self.result.created += 1
                plan["create"].append(item)
                continue
            if not self.allowed(old.unit_id, old.industry):
                self._error(self.result, item["row"], "name", v["name"], "该党组织不在您的导入范围内")
                continue
            changed = {}
            if v["kind"] != old.unit.kind:
                self._error(
                    self.result,
                    item["row"],
                    "kind",
                    item["raw"].get("kind"),
                    f"已有同名{old.unit.get_kind_display()}，组织类型不能通过导入修改",
                )
                continue
            for k in ("founded_on", "term_years", "next_election_on", "is_online"):
                if k in v and getattr(old, k) != v[k]:
                    changed[k] = v[k]
            ids = [e[0] for e in item["ents"]]
            if sorted(ids) != sorted(e.pk for e in old.enterprises.all()):
                changed["enterprises"] = ids
            if not changed:
                self.result.unchanged += 1
                continue
            item["changed"] = changed
            self.result.updated += 1
            plan["update"].append(item)
        return plan

    def apply(self, plan) -> None:
        from django.core.exceptions import ValidationError

        from xinye.ledger import services

        for item in plan["create"]:
            v = item["values"]
            try:
                org = services.create_party_organisation(
                    actor=self.actor,
                    kind=v["kind"],
                    enterprises=[Enterprise.objects.get(pk=e[0]) for e in item["ents"]],
                    name=v["name"],
                    founded_on=v.get("founded_on"),
                    is_online=v.get("is_online"),
                )
            except ValidationError as exc:
                for reason in exc.messages:
                    self._error(
                        self.result, item["row"], "enterprises", item["raw"].get("enterprises"), reason
                    )
                continue
            extra = {k: v[k] for k in ("term_years", "next_election_on") if k in v}
            if extra:
                services.update_party_organisation(org, actor=self.actor, **extra)
        for item in plan["update"]:
            org, changed = item["old"], dict(item["changed"])
            ids = changed.pop("enterprises", None)
            if ids is not None:
                changed["enterprises"] = list(Enterprise.objects.filter(pk__in=ids))
            try:
                services.update_party_organisation(org, actor=self.actor, **changed)
            except ValidationError as exc:
                for reason in exc.messages:
                    self._error(
                        self.result, item["row"], "enterprises", item["raw"].get("enterprises"), reason
                    )


IMPORTERS: dict[str, type[Importer]] = {
    "enterprises": EnterpriseImporter,
    "practitioners": PractitionerImporter,
    "members": MemberImporter,
    "organisations": OrganisationImporter,
}

_CHOICE_MAPS = {
    c.choices: choice_map(c.choices) for spec in SPECS.values() for c in spec.columns if c.choices
}


def get_spec(kind: str) -> Spec:
    if kind not in SPECS:
        raise ImportUsageError(f"未知的台账类型“{kind}”，可选：{'、'.join(SPECS)}")
    return SPECS[kind]


def run_import(
    kind: str,
    path,
    *,
    actor,
    commit: bool = False,
    file_name: str = "",
    unit=None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
    parallel: bool | None = None,
) -> ImportResult:
    """Validate (and with `commit`, write all or nothing) one survey sheet. Raises ImportUsageError when
    the file cannot be read at all; row problems are in the result's errors. `parallel`: see Importer."""
    get_spec(kind)
    importer = IMPORTERS[kind](actor, progress=progress, progress_every=progress_every, parallel=parallel)
    with acting_as(actor, "import"):
        return importer.run(path, file_name=file_name, commit=commit, unit=unit)


def acting_as(actor, source: str):
    """The change log's actor: the request's or command's when set, else `actor` (called directly)."""
    import contextlib

    from xinye.core.context import actor_context, current_actor

    current = current_actor()
    if current.user is not None or current.label:
        return contextlib.nullcontext()
    if is_system(actor):
        return actor_context(None, source=source, label=actor.label)
    return actor_context(actor, source=source)


def error_report(kind: str, path, result: ImportResult, out) -> None:
    """The original rows with an added 错误说明 column (xlsx), for fixing the sheet and importing it again."""
    import xlsxwriter

    by_row: dict[int, list[str]] = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(f"［{e.column}］{e.reason}" if e.column else e.reason)
    wb = xlsxwriter.Workbook(
        out,
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "constant_memory": True,
        },
    )
    ws = wb.add_worksheet("错误报告")
    text = wb.add_format({"num_format": "@"})
    bad = wb.add_format({"font_color": "#B91C1C", "text_wrap": True})
    head = wb.add_format({"bold": True, "bg_color": "#FDE68A"})
    width = 0
    try:
        rows = list(_iter_limited(read_rows(path)))
    except ImportUsageError:
        rows = []
    header_index = result.header_row - 1
    for row in rows:
        width = max(width, len(row))
    for i, row in enumerate(rows):
        number = i + 1
        for j, cell in enumerate(row):
            if isinstance(cell, int | float) and not isinstance(cell, bool):
                ws.write_number(i, j, cell)
            else:
                ws.write_string(i, j, cell_text(cell), text)
        if i == header_index:
            ws.write_string(i, width, "错误说明", head)
        elif number in by_row:
            ws.write_string(i, width, "；".join(by_row[number]), bad)
    ws.set_column(width, width, 60)
    wb.close()


def _iter_limited(rows, limit: int = 1_100_000):
    for i, row in enumerate(rows):
        if i >= limit:
            break
        yield list(row)


def write_upload(uploaded, directory: Path, suffix: str) -> Path:
    """Save an uploaded file in chunks (never read whole into memory); returns its path."""
    import uuid

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}{suffix}"
    with open(path, "wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    return path


__all__ = [
    "SPECS",
    "ImportResult",
    "ImportUsageError",
    "RowError",
    "error_report",
    "get_spec",
    "run_import",
]

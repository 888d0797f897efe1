"""The per-row work of the survey-sheet import that needs no database: reading the file, parsing and checking
cells, and — for people sheets — deduplicating by ID, resolving the enterprise from tables loaded beforehand,
hashing and encrypting. `importers.py` runs it in the importing process, or, for large files, in one helper
process (`worker_batches`) while the importing process looks rows up in the ledger and writes them: the
machine's second core does the checking and encryption while the first writes.

This module imports no Django models and reads no settings, so a helper process starts without Django; what it
needs from the database (choice tables, enterprises, the user's scope, rules) comes in a `PeopleContext`.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from xinye.core.crypto import FieldCipher
from xinye.core.masking import mask
from xinye.core.validators import clean_id_number, clean_mobile, clean_uscc, normalise

BATCH = 2000  # rows validated, looked up and written per round trip to the database
HEADER_SCAN_ROWS = 10  # title rows above the header: WPS/Excel sheets from the field rarely have more


class ImportUsageError(Exception):
    """The file cannot be read at all (unknown kind, missing file, unreadable format): CLI exit code 2."""


class CellError(Exception):
    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key = key
        self.reason = reason


# --- reading ---


def detect_encoding(path) -> str:
    """UTF-8 with BOM, UTF-8, or GB18030 (WPS and older Excel save Chinese CSV as GBK/GB18030)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportUsageError("无法识别 CSV 文件的编码（支持 UTF-8、带 BOM 的 UTF-8 和 GB18030/GBK）")


def _csv_rows(path) -> Iterator[list]:
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as fh:
        try:
            yield from csv.reader(fh)
        except UnicodeDecodeError as exc:
            raise ImportUsageError(f"CSV 文件编码不一致，无法读取（{encoding}）") from exc
        except csv.Error as exc:
            raise ImportUsageError(f"CSV 文件格式错误：{exc}") from exc


def _xlsx_rows(path) -> Iterator[list]:
    try:
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception:  # noqa: BLE001 — anything calamine cannot read goes to openpyxl
        rows = None
    if rows is not None:
        yield from rows
        return
    if str(path).lower().endswith(".xls"):
        raise ImportUsageError("无法读取该 .xls 文件，请另存为 .xlsx 后再导入")
    try:
        import openpyxl  # uses defusedxml when installed (it is a dependency)

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        raise ImportUsageError("无法读取该 Excel 文件，文件可能已损坏或不是 .xlsx 格式") from exc
    try:
        for row in wb.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        wb.close()


def read_rows(path) -> Iterator[list]:
    from pathlib import Path

    suffix = Path(str(path)).suffix.lower()
    if not Path(str(path)).exists():
        raise ImportUsageError(f"文件不存在：{path}")
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _xlsx_rows(path)
    raise ImportUsageError(f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx 或 .csv 文件")


def find_header(names: dict[str, str], head_rows: list[list]) -> tuple[int, dict[int, str]]:
    """(index of the header row in head_rows, {column index: column key}), `names` mapping the lookup key of
    each accepted header to its column. An empty header cell takes the value above it (a header merged over two
    rows keeps its text in the top cell)."""
    best = (-1, {}, 0)
    for i, row in enumerate(head_rows):
        above = head_rows[i - 1] if i > 0 else []
        mapping: dict[int, str] = {}
        for j, cell in enumerate(row):
            text = cell_text(cell)
            if not text and j < len(above):
                text = cell_text(above[j])
            key = names.get(lookup_key(text))
            if key and key not in mapping.values():
                mapping[j] = key
        if len(mapping) > best[2]:
            best = (i, mapping, len(mapping))
    return best[0], best[1]


def read_header(rows: Iterator, names: dict[str, str]) -> tuple[list, int, dict[int, str]]:
    """Take the first HEADER_SCAN_ROWS rows: (those rows, the header's index among them, its column map)."""
    head = []
    for row in rows:
        head.append(list(row))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    header_index, colmap = find_header(names, head)
    return head, header_index, colmap


def missing_columns(rules: Iterable[Rule], colmap: dict[int, str]) -> list[str]:
    """Keys of the required columns the header lacks (a credit-code column stands in for the enterprise)."""
    present = set(colmap.values())
    return [
        r.key
        for r in rules
        if r.required
        and r.key not in present
        and not (r.key == "enterprise" and "enterprise_uscc" in present)
    ]


def data_rows(rows: Iterable, header_index: int, *, skip: int = 0) -> Iterator[tuple[int, list]]:
    """(sheet row number, cells) of the rows below the header; `skip` rows were already taken from `rows`."""
    for number, cells in enumerate(rows, start=skip + 1):
        if number > header_index + 1:
            yield number, cells


# --- cells ---


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def lookup_key(text) -> str:
    """Header / choice lookup key: NFKC (full-width → half-width), no spaces, no required-marks."""
    k = normalise(text).upper()
    for mark in ("*", "(必填)", "(选填)", "必填"):
        k = k.replace(mark, "")
    return k.replace("-", "").replace("_", "")


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SPACES = re.compile(r"\s+")
_TRUE = {"是", "Y", "YES", "TRUE", "1", "√", "在营", "纳入"}
_FALSE = {"否", "N", "NO", "FALSE", "0", "×", "停业", "注销", "不纳入"}


def parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial date (1900 system)
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise ValueError("不是有效日期")
    text = normalise(value)
    if re.fullmatch(r"\d{5}(\.0)?", text):
        return _EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    text = text.split("00:00:00")[0].rstrip("T")
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError("日期格式应为 2026-11-28、2026/11/28 或 2026年11月28日")
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError("不是有效日期") from None


@dataclass(frozen=True)
class Rule:
    """One column as the row parser needs it: plain data (a choice column carries its lookup table and the
    message listing the accepted labels), so it can be sent to a helper process."""

    key: str
    kind: str
    required: bool = False
    choices: dict | None = None
    choice_error: str = ""


class RowParser:
    """Parses and checks the cells of one row by the column rules. Kinds that need the database (a county by
    name or code) are parsed by `hooks[kind]`; enterprise references are left as written for the importer."""

    def __init__(self, rules: Iterable[Rule], today: datetime.date, hooks: dict | None = None):
        self.rules = tuple(rules)
        self.today = today
        self.hooks = hooks or {}
        self._phone_prefixes: set[str] = set()
        self._fields = [(r.key, r.required, self._parser(r)) for r in self.rules]

    def _parser(self, rule: Rule) -> Callable:
        kind = rule.kind
        if kind == "choice":
            return functools.partial(self.parse_choice, rule)
        if kind in self.hooks:
            return self.hooks[kind]
        return getattr(self, f"parse_{kind}", lambda raw: raw)

    def parse(self, rule: Rule, raw):
        """Parse one non-blank cell; raise ValueError with the Chinese reason."""
        return self._parser(rule)(raw)

    @staticmethod
    def parse_name(raw) -> str:
        if isinstance(raw, str) and raw.isalnum() and unicodedata.is_normalized("NFKC", raw):
            return raw  # what normalise() would return, without building it again: most names as written
        return normalise(raw)

    @staticmethod
    def parse_text(raw) -> str:
        return _SPACES.sub(" ", cell_text(raw)).strip()

    def parse_id(self, raw):
        if isinstance(raw, str) and "*" in raw:
            raise ValueError("身份证号已脱敏（含 *），请使用完整号码（不脱敏导出的文件）")
        return clean_id_number(raw, today=self.today)

    def parse_phone(self, raw) -> str:
        if isinstance(raw, str) and "*" in raw:
            raise ValueError("手机号已脱敏（含 *），请填写完整号码")
        return self.clean_phone(raw)

    @staticmethod
    def parse_uscc(raw) -> str:
        return clean_uscc(cell_text(raw))

    @staticmethod
    def parse_date(raw) -> datetime.date:
        return parse_date(raw)

    @staticmethod
    def parse_choice(rule: Rule, raw) -> str:
        cmap = rule.choices
        value = cmap.get(raw) if isinstance(raw, str) else None  # the label exactly as written
        if value is None:
            value = cmap.get(lookup_key(cell_text(raw)))
        if value is None:
            raise ValueError(rule.choice_error)
        return value

    @staticmethod
    def parse_int(raw) -> int:
        text = normalise(cell_text(raw))
        try:
            number = float(text)
        except ValueError:
            raise ValueError("应为整数") from None
        if not number.is_integer() or number < 0:
            raise ValueError("应为非负整数")
        return int(number)

    @staticmethod
    def parse_float(raw) -> float:
        try:
            return float(normalise(cell_text(raw)))
        except ValueError:
            raise ValueError("应为数字") from None

    @staticmethod
    def parse_bool(raw) -> bool:
        text = lookup_key(cell_text(raw))
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("应填“是”或“否”")

    def clean_phone(self, raw) -> str:
        """clean_mobile, remembered by prefix: whether an 11-digit number is a mainland mobile depends only on
        its first five digits (phonenumbers' CN mobile pattern `1(?:610\\d|740[0-5])\\d{6}|1(?:[38]\\d|4[57]|…)\\d{8}`
        and clean_mobile's 14x rule read no further), so each prefix is checked by the library once."""
        if isinstance(raw, str) and len(raw) == 11 and raw.isascii() and raw.isdigit():
            if raw[:5] in self._phone_prefixes:
                return raw
            number = clean_mobile(raw)
            self._phone_prefixes.add(raw[:5])
            return number
        return clean_mobile(raw)

    def parse_row(self, cells, colmap: dict[int, str]) -> tuple[dict, dict, list[tuple[str, str]]]:
        """(parsed values by key, raw values by key, [(key, reason)])."""
        raw: dict = {}
        n = len(cells)
        for j, key in colmap.items():
            if j < n:
                raw[key] = cells[j]
        values, errs = {}, []
        for key, required, parse in self._fields:
            value = raw.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                if required and not (key == "enterprise" and not is_blank(raw.get("enterprise_uscc"))):
                    errs.append((key, "必填项为空"))
                continue
            try:
                values[key] = parse(value)
            except ValueError as exc:
                errs.append((key, str(exc)))
        return values, raw, errs


# --- enterprise references ---

# An enterprise as the import sees it: (id, name, uscc, unit_id, region_id, industry).


def resolve_enterprise(by_uscc: dict, by_name: dict, key: str, value, uscc_value=None):
    """The enterprise a row names, by credit code or exact name; CellError names the column at fault."""
    if is_blank(uscc_value) and isinstance(value, str):
        hit = by_name.get(value)
        if hit is not None and len(hit) == 1:  # the exact name as written: most rows of a sheet
            return hit[0]
    if not is_blank(uscc_value):
        try:
            code = clean_uscc(cell_text(uscc_value))
        except ValueError as exc:
            raise CellError("enterprise_uscc", str(exc)) from None
        row = by_uscc.get(code)
        if row is None:
            raise CellError("enterprise_uscc", "企业台账中没有该统一社会信用代码的企业，请先导入企业台账")
        return row
    text = cell_text(value)
    if not text:
        raise CellError(key, "不能为空")
    code = normalise(text).upper()
    if len(code) == 18 and code in by_uscc:
        return by_uscc[code]
    rows = by_name.get(text) or by_name.get(text.replace(" ", ""))
    if not rows:
        raise CellError(key, "企业台账中没有该企业（按名称或统一社会信用代码查找），请先导入企业台账")
    if len(rows) > 1:
        raise CellError(key, "有多家同名企业，请改填统一社会信用代码")
    return rows[0]


# --- people sheets (practitioners, party members) ---

PARTY_STATUSES = ("probationary", "full")  # ledger.choices.PARTY_STATUSES, as plain values
MEMBER_FIELDS = ("is_full", "joined_on", "full_member_on", "membership_held", "home_organisation")
# A person's fields as a row gives them, in this order; None where the sheet leaves the field out.
PERSON_KEYS = (
    "name",
    "enterprise_id",
    "ethnicity",
    "education",
    "occupation",
    "political_status",
    "phone",
    "phone_hash",
)
PERSON_DEFAULTS = {"ethnicity": "", "education": "", "occupation": "other", "political_status": "masses"}
LOG_CREATE_KEYS = (
    "name",
    "id_number",
    "phone",
    "enterprise_id",
    "ethnicity",
    "education",
    "occupation",
    "political_status",
)

# One checked row of a people sheet is a plain tuple (it crosses the pipe from the helper process, and tuples
# are the cheapest objects to unpickle), indexed by these names: sheet row number, the ID and 政治面貌 cells as
# written (for error messages), the ID's keyed hash, the enterprise, the person's fields (PERSON_KEYS), the
# party details (members sheet, else None), and — only when the import writes — the new practitioner's column
# values (encrypted; importers.PEOPLE_INSERT_COLUMNS) and its change-log `after` (masked, as JSON).
ROW, RAW_ID, RAW_STATUS, ID_HASH, ENT, PERSON, MEMBER, INSERT, LOG = range(9)


def person_dict(person: tuple) -> dict:
    return {k: v for k, v in zip(PERSON_KEYS, person, strict=True) if v is not None}


class ScopeTable:
    """The user's import scope over the enterprises' (unit, industry) pairs and the counties' names, decided
    beforehand by the importing process: a helper process cannot ask the database."""

    def __init__(self, allowed: dict, region_names: dict):
        self._allowed = allowed
        self._names = region_names

    def allowed(self, unit_id, industry: str) -> bool:
        return self._allowed[(unit_id, industry)]

    def region_name(self, code) -> str:
        return self._names.get(code, str(code))


@dataclass
class PeopleContext:
    """Everything the people rows need besides the file. `scope` has `allowed(unit_id, industry)` and
    `region_name(code)` (the importer itself in-process, a ScopeTable in a helper process)."""

    rules: tuple[Rule, ...]
    names: dict[str, str]  # accepted headers (lookup key → column key)
    colmap: dict[int, str]  # the header found: column index → column key (the helper finds it itself)
    today: datetime.date
    members: bool
    min_join_age: int
    by_uscc: dict
    by_name: dict
    scope: object
    write: bool
    now: object = None  # the timestamp for created_at/updated_at, as the database takes it
    dates_as_text: bool = False  # SQLite takes dates as ISO text
    field_key: str | None = None  # None: settings.FIELD_KEY (in-process)
    batch: int = BATCH
    seen: dict = field(default_factory=dict)


def people_batches(numbered_rows: Iterable[tuple[int, list]], ctx: PeopleContext) -> Iterator[tuple]:
    """Check the rows of a people sheet; every `ctx.batch` non-blank rows yield (rows so far, [(row, key, raw
    value, reason)], [PersonRow]). Errors come in row order, as the importer reports them."""
    parser = RowParser(ctx.rules, ctx.today)
    cipher = FieldCipher(ctx.field_key)
    errors: list = []
    people: list = []
    total = 0
    for number, cells in numbered_rows:
        for c in cells:
            if not (c is None or (isinstance(c, str) and not c.strip())):
                break
        else:
            continue
        total += 1
        values, raw, errs = parser.parse_row(cells, ctx.colmap)
        if not errs:
            try:
                person = _prepare_person(number, values, raw, ctx, cipher, errors)
            except CellError as exc:
                errs = [(exc.key, exc.reason)]
            else:
                if person is not None:
                    people.append(person)
        for key, reason in errs:
            errors.append((number, key, raw.get(key), reason))
        if total % ctx.batch == 0:
            yield total, errors, people
            errors, people = [], []
    if errors or people or total % ctx.batch:
        yield total, errors, people


def _prepare_person(number: int, values: dict, raw: dict, ctx: PeopleContext, cipher, errors: list):
    info = values["id_number"]
    key = int(info.number[:17])  # 17 digits fix the check digit
    first = ctx.seen.get(key)
    if first is not None:
        errors.append((number, "id_number", raw.get("id_number"), f"与第 {first} 行重复"))
        return None
    ctx.seen[key] = number
    uscc_raw = raw.get("enterprise_uscc")
    ent = resolve_enterprise(ctx.by_uscc, ctx.by_name, "enterprise", raw.get("enterprise"), uscc_raw)
    if not ctx.scope.allowed(ent[3], ent[5]):
        raise CellError(
            "enterprise" if is_blank(uscc_raw) else "enterprise_uscc",
            "该企业不在您的导入范围内（整行拒绝导入）",
        )
    status = values.get("political_status")
    member = None
    if ctx.members:
        if status not in PARTY_STATUSES:
            raise CellError("political_status", "党员台账只收录预备党员和正式党员")
        member = {k: values[k] for k in MEMBER_FIELDS if k in values}
        member["is_full"] = status == "full"
        _check_member(member, info, ctx)
    phone = values.get("phone")
    person = (
        values["name"],
        ent[0],
        values.get("ethnicity"),
        values.get("education"),
        values.get("occupation"),
        status,
        phone,
        cipher.keyed_hash(phone) if phone is not None else None,
    )
    id_hash = cipher.keyed_hash(info.number)
    insert = log = None
    if ctx.write:
        d = PERSON_DEFAULTS
        ethnicity = person[2] if person[2] is not None else d["ethnicity"]
        education = person[3] if person[3] is not None else d["education"]
        occupation = person[4] if person[4] is not None else d["occupation"]
        status = status if status is not None else d["political_status"]
        birth = info.birth_date.isoformat() if ctx.dates_as_text else info.birth_date
        insert = (
            person[0],
            cipher.encrypt(info.number),
            id_hash,
            cipher.encrypt(phone) if phone else "",
            person[7] or "",
            info.gender,
            birth,
            ethnicity,
            education,
            occupation,
            status,
            ent[0],
            ent[3],
            ent[4],
            ent[5],
            ctx.now,
            ctx.now,
        )
        log = _create_log(
            person[0],
            mask("id_number", info.number),
            mask("phone", phone) if phone else "",
            ent[0],
            ethnicity,
            education,
            occupation,
            status,
        )
    return (
        number,
        raw.get("id_number"),
        raw.get("political_status"),
        id_hash,
        ent,
        person,
        member,
        insert,
        log,
    )


def _create_log(name, id_number, phone, enterprise_id: int, ethnicity, education, occupation, status) -> str:
    """The change-log `after` of a new person (LOG_CREATE_KEYS, in that order; every value a string but the
    enterprise's id, defaults already applied) as JSON text, filled into a template made from the keys: the
    encoder's per-call set-up cost more than twice the encoding (5–8 against 2.5 µs a row), and this runs
    for every row of a survey sheet."""
    q = _json_string
    return _CREATE_LOG_TEMPLATE.format(
        q(name),
        q(id_number),
        q(phone),
        int(enterprise_id),
        q(ethnicity),
        q(education),
        q(occupation),
        q(status),
    )


_json_string = json.encoder.encode_basestring  # the C escaper of ensure_ascii=False: quotes, \\, controls
_CREATE_LOG_TEMPLATE = "{{" + ", ".join(f"{_json_string(key)}: {{}}" for key in LOG_CREATE_KEYS) + "}}"


def _check_member(m: dict, info, ctx: PeopleContext) -> None:
    joined, full = m.get("joined_on"), m.get("full_member_on")
    if joined and joined > ctx.today:
        raise CellError("joined_on", "入党日期不能晚于今天")
    if joined:
        b = info.birth_date
        age = joined.year - b.year - ((joined.month, joined.day) < (b.month, b.day))
        if age < ctx.min_join_age:
            raise CellError("joined_on", f"入党时应年满 {ctx.min_join_age} 周岁（按身份证号出生日期计算）")
    if full and joined and full < joined:
        raise CellError("full_member_on", "转正日期不能早于入党日期")
    if full and not m["is_full"]:
        raise CellError("full_member_on", "预备党员不应有转正日期")
    if m.get("membership_held") == "elsewhere" and not m.get("home_organisation"):
        raise CellError("home_organisation", "流动党员须填写组织关系所在党组织")


# --- the helper process ---


AHEAD = 8  # batches the helper may check ahead of the writer: smooths their speeds, bounds memory (~10 MiB)


def _helper(queue, path, ctx: PeopleContext) -> None:
    import itertools
    import resource

    try:
        rows = read_rows(path)
        head, header_index, colmap = read_header(rows, ctx.names)
        missing = missing_columns(ctx.rules, colmap)
        queue.put(("header", (header_index, colmap, missing)))
        if header_index >= 0 and not missing:
            ctx.colmap = colmap
            for batch in people_batches(data_rows(itertools.chain(head, rows), header_index), ctx):
                queue.put(("batch", batch))
        queue.put(("done", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    except BaseException as exc:  # noqa: BLE001 — everything goes back to the importing process
        try:
            queue.put(("error", exc))
        except Exception:  # noqa: BLE001 — an exception that cannot be pickled
            queue.put(("error", RuntimeError(repr(exc))))


def worker_batches(path, ctx: PeopleContext, stats: dict | None = None) -> Iterator[tuple]:
    """The file's header — (header index, column map, missing required keys) — then its `people_batches`,
    computed in a helper process and streamed back batch by batch (at most AHEAD batches in flight, so memory
    stays bounded whatever the file's size). `stats` receives the helper's peak RSS. The helper is started
    from a fork server that has imported only this module, never by forking the importing process (which holds
    database connections and perhaps threads); it is stopped if the caller stops early."""
    import multiprocessing
    import queue as queues

    mp = multiprocessing.get_context("forkserver")
    mp.set_forkserver_preload([__name__])
    channel = mp.Queue(maxsize=AHEAD)
    process = mp.Process(target=_helper, args=(channel, str(path), ctx), daemon=True)
    process.start()
    try:
        while True:
            try:
                what, payload = channel.get(timeout=1)
            except queues.Empty:
                if process.exitcode is None:
                    continue
                try:  # it may have put its last message just before it ended
                    what, payload = channel.get(timeout=1)
                except queues.Empty:
                    raise RuntimeError("导入辅助进程意外退出") from None
            if what in ("header", "batch"):
                yield payload
            elif what == "done":
                if stats is not None:
                    stats["helper_peak_rss_kib"] = payload
                return
            else:
                raise payload
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        channel.close()

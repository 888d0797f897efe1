"""Cells to values: text, names, dates, numbers, yes/no and choices, by the column rules (`Rule`).

The checks of single values (ID numbers, mobile phones, credit codes) are `core.validators`'; this module
applies them to cells. No Django here (the helper process parses rows too)."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from xinye.core.validators import clean_id_number, clean_mobile, clean_uscc, normalise


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

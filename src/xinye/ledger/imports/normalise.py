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


class Doubt(Exception):  # noqa: N818 — a finding, not a failure
    """A cell that is kept but doubted: the row is written with `value` and the import lists `reason` as a
    warning (issue 13: errors block the file, doubts never do)."""

    def __init__(self, value, reason: str):
        super().__init__(reason)
        self.value = value
        self.reason = reason


# How sheets join two words in one cell ("货车/网约车", "仓储、分拣"), and what trails a word ("（美团）").
_PARTS = re.compile(r"[/／、，,;；|＋+]")
_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")


@dataclass(frozen=True)
class Rule:
    """One column as the row parser needs it: plain data (a choice column carries its lookup table and the
    message listing the accepted labels), so it can be sent to a helper process."""

    key: str
    kind: str
    required: bool = False
    choices: dict | None = None
    choice_error: str = ""
    labels: dict | None = None  # value → label, for messages naming candidates
    unknown: str | None = None  # a choice that matches nothing: None is an error, else this value, doubted


def match_choice(cmap: dict, text: str) -> set:
    """The choices a cell names, as a person would read it (issue 13): the word itself; else each word of a
    cell naming two ("货车/网约车"), its trailing words in brackets dropped; else the known words contained in
    it ("网络主播" → 主播, "仓储理货员" → 仓储), the longest first. Returns every value it points to (empty:
    none, two or more: ambiguous)."""
    key = lookup_key(text)
    if key in cmap:
        return {cmap[key]}
    bare = lookup_key(_BRACKETED.sub("", text))
    if bare and bare in cmap:
        return {cmap[bare]}
    parts = [p for p in (lookup_key(x) for x in _PARTS.split(_BRACKETED.sub("", text))) if p]
    if len(parts) > 1:
        found = set()
        for part in parts:
            found |= match_choice(cmap, part) if part != bare else set()
        if found:
            return found
    return _contained(cmap, bare or key)


def _contained(cmap: dict, key: str) -> set:
    """Values of the known words (two characters or more) contained in `key`: the longest match wins, and
    words inside a longer matched word do not count again ("外卖配送员": 配送员, not also 外卖 → the same)."""
    hits = sorted((w for w in cmap if len(w) >= 2 and not w.isascii() and w in key), key=len, reverse=True)
    found, spans = set(), []
    for word in hits:
        start = key.find(word)
        while start >= 0:
            end = start + len(word)
            if not any(a <= start and end <= b for a, b in spans):
                spans.append((start, end))
                found.add(cmap[word])
                break
            start = key.find(word, start + 1)
    return found


class RowParser:
    """Parses and checks the cells of one row by the column rules. Kinds that need the database (a county by
    name or code) are parsed by `hooks[kind]`; enterprise references are left as written for the importer."""

    def __init__(self, rules: Iterable[Rule], today: datetime.date, hooks: dict | None = None):
        self.rules = tuple(rules)
        self.today = today
        self.hooks = hooks or {}
        self._phone_prefixes: set[str] = set()
        self._choice_cache: dict = {}
        self._fields = [(r.key, r.required, self._parser(r)) for r in self.rules]
        self.doubts: list[tuple[str, str]] = []

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

    def parse_choice(self, rule: Rule, raw) -> str:
        cmap = rule.choices
        value = cmap.get(raw) if isinstance(raw, str) else None  # the label exactly as written
        if value is not None:
            return value
        text = cell_text(raw)
        cache_key = (rule.key, text)
        found = self._choice_cache.get(cache_key)
        if found is None:
            found = self._choice_cache[cache_key] = frozenset(match_choice(cmap, text))
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            labels = rule.labels or {}
            names = "、".join(
                f"“{labels.get(v, v)}”" for v in sorted(found, key=lambda v: str(labels.get(v, v)))
            )
            reason = f"“{text}”同时对应 {names}，请填写其中一个"
        else:
            reason = rule.choice_error
        if rule.unknown is not None:
            raise Doubt(
                rule.unknown,
                f"{reason}；已记为“{(rule.labels or {}).get(rule.unknown, rule.unknown)}”，原文保留",
            )
        raise ValueError(reason)

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
            number = self._mobile(raw)
            self._phone_prefixes.add(raw[:5])
            return number
        return self._mobile(raw)

    @staticmethod
    def _mobile(raw) -> str:
        """A mainland mobile number; one that is well formed (11 digits beginning with 1) but outside the
        current allocation table, or an IoT number, is kept as written and doubted — a contact phone is
        optional to the work, and the allocation table is newer than many sheets' numbers (issue 13)."""
        try:
            return clean_mobile(raw)
        except ValueError as exc:
            digits = normalise(cell_text(raw)).replace(" ", "").replace("-", "")
            if digits.startswith("+86"):
                digits = digits[3:]
            if len(digits) == 11 and digits.isdigit() and digits[0] == "1":
                raise Doubt(digits, f"{exc}（号码格式正确，已按原样保存，请核实）") from None
            raise

    def parse_row(self, cells, colmap: dict[int, str]) -> tuple[dict, dict, list[tuple[str, str]]]:
        """(parsed values by key, raw values by key, [(key, reason)]); the row's doubts — cells kept as given
        but listed as warnings — are in `self.doubts` ([(key, reason)]) until the next row."""
        raw: dict = {}
        n = len(cells)
        for j, key in colmap.items():
            if j < n:
                raw[key] = cells[j]
        values, errs = {}, []
        self.doubts = doubts = []
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
            except Doubt as doubt:
                values[key] = doubt.value
                doubts.append((key, doubt.reason))
        return values, raw, errs

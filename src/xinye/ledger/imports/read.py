"""Reading a survey sheet: the rows of an xlsx or CSV file, and the header row among its first rows.

No Django here (the helper process reads the file itself)."""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from xinye.ledger.imports.normalise import cell_text, lookup_key

if TYPE_CHECKING:
    from xinye.ledger.imports.normalise import Rule

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")

GB18030_BOM = b"\x84\x31\x95\x33"  # the byte-order mark GB18030 files may begin with (U+FEFF encoded)
HEADER_SCAN_ROWS = 10  # title rows above the header: WPS/Excel sheets from the field rarely have more


class ImportUsageError(Exception):
    """The file cannot be read at all (unknown kind, missing file, unreadable format): CLI exit code 2."""


def detect_encoding(path) -> str:
    """UTF-8 with BOM, UTF-8, or GB18030 (WPS and older Excel save Chinese CSV as GBK/GB18030)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(GB18030_BOM):
        return "gb18030"
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
            reader = csv.reader(fh)
            first = next(reader, None)
            if first is None:
                return
            if first and first[0].startswith("\ufeff"):  # a GB18030 (or doubled UTF-8) byte-order mark
                first[0] = first[0].lstrip("\ufeff")
            yield first
            yield from reader
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


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

"""What an import found and did: the errors by sheet row (ID numbers and phones masked), the result and
its summary, and the xlsx error report (the sheet's rows with a 错误说明 column)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from xinye.core.exports import is_formula_like
from xinye.core.masking import mask
from xinye.core.validators import normalise
from xinye.ledger.imports.normalise import cell_text
from xinye.ledger.imports.read import ImportUsageError, read_rows
from xinye.ledger.imports.specs import SPECS, Column

if TYPE_CHECKING:
    from xinye.ledger.models import ImportBatch


MAX_KEPT_ERRORS = 100_000
MAX_KEPT_WARNINGS = 100_000
MAX_STORED_WARNINGS = 5_000  # kept on the import batch for the console (the report file has them all)


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
    name: str = ""  # the row's 姓名/名称, for finding a warned row in the ledger afterwards

    def as_dict(self) -> dict:
        out = {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}
        if self.name:
            out["name"] = self.name
        return {**out, "message": str(self)}

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
    warning_count: int = 0  # doubts: cells written as given, listed for the clerk to check (never block)
    warnings: list[RowError] = field(default_factory=list)
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
            f"未变 {self.unchanged}，错误 {self.error_count}，警告 {self.warning_count}"
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
            "errors": [e.as_dict() for e in self.errors[:max_errors]],
            "warning": self.warning_count,
            "warnings": [w.as_dict() for w in self.warnings[:max_errors]],
        }


def error_report(kind: str, path, result: ImportResult, out) -> None:
    """The original rows with an added 错误说明 column (xlsx), for fixing the sheet and importing it again."""
    import xlsxwriter

    by_row: dict[int, list[str]] = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(f"［{e.column}］{e.reason}" if e.column else e.reason)
    for w in result.warnings:  # doubts: the row was (or would be) written; listed for checking
        by_row.setdefault(w.row, []).append(
            f"［警告］［{w.column}］{w.reason}" if w.column else f"［警告］{w.reason}"
        )
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
    quoted = wb.add_format({"num_format": "@", "quote_prefix": True})
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
                value = cell_text(cell)  # the uploaded file's own cells: a formula there stays text here
                ws.write_string(i, j, value, quoted if is_formula_like(value) else text)
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

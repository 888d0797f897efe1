"""The statistics workbook (统计报表): one sheet per registered statistics sheet, as a statistics office
expects — a title row, the scope, the period and the date, units in the header, a totals row, frozen
headers, A4 landscape fitted to the page width. Written with xlsxwriter in constant-memory mode (rows are
streamed to disk in order), so its size never grows the process.

The workbook holds figures only — no personal data — so it needs no masking; its export is logged.
"""

from __future__ import annotations

import xlsxwriter
from django.utils import timezone

from xinye.core import exports
from xinye.reports.context import Period, Scope
from xinye.reports.sheets import HOURS, MONEY, RATE, TEXT, Sheet, Table, build_all

READS = ("write_workbook", "safe_text", "sheet_name")


def safe_text(value: str) -> str:
    """A text cell that a spreadsheet would read as a formula is neutralised (core.exports)."""
    return exports.safe_text(value)


def sheet_name(index: int, title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    clean = "".join(c for c in title if c not in "[]:*?/\\")
    return f"{index}.{clean}"[:31]


def _formats(book):
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
    border = {**base, "border": 1}
    return {
        "title": book.add_format({**base, "font_name": "黑体", "font_size": 16, "align": "center"}),
        "meta": book.add_format({**base, "font_size": 9}),
        "head": book.add_format(
            {**border, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#F2F2F2"}
        ),
        "text": book.add_format(border),
        "int": book.add_format({**border, "num_format": "#,##0"}),
        "rate": book.add_format({**border, "num_format": "0.0%"}),
        "money": book.add_format({**border, "num_format": "#,##0.00"}),
        "hours": book.add_format({**border, "num_format": "#,##0.0"}),
        "total_text": book.add_format({**border, "bold": True}),
        "total_int": book.add_format({**border, "bold": True, "num_format": "#,##0"}),
        "total_rate": book.add_format({**border, "bold": True, "num_format": "0.0%"}),
        "total_money": book.add_format({**border, "bold": True, "num_format": "#,##0.00"}),
        "total_hours": book.add_format({**border, "bold": True, "num_format": "#,##0.0"}),
        "note": book.add_format({**base, "font_size": 9, "italic": True}),
    }


def _kind_format(fmt, kind: str, total: bool):
    name = {RATE: "rate", MONEY: "money", HOURS: "hours", TEXT: "text"}.get(kind, "int")
    return fmt[("total_" if total else "") + name]


def _write_row(ws, r: int, row: list, table: Table, fmt, *, total=False) -> None:
    for c, value in enumerate(row):
        col = table.columns[c]
        if c < table.keys or isinstance(value, str):
            ws.write_string(r, c, safe_text(str(value)), fmt["total_text" if total else "text"])
        elif value is None:
            ws.write_blank(r, c, None, _kind_format(fmt, col.kind, total))
        else:
            ws.write_number(r, c, float(value), _kind_format(fmt, col.kind, total))


def _sheet(book, fmt, index: int, sheet: Sheet, table: Table, scope: Scope, period: Period, made: str):
    ws = book.add_worksheet(sheet_name(index, sheet.title))
    width = len(table.columns)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # fit to width, as many pages tall as needed
    ws.repeat_rows(3)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    for c in range(width):
        ws.set_column(c, c, 16 if c < table.keys else 12)
    # Row 0: the title; row 1: scope, period, date; row 3: the header with units (row 2 left empty).
    ws.merge_range(0, 0, 0, max(width - 1, 1), f"{scope.name}{sheet.title}统计表", fmt["title"])
    stated = (
        f"截至 {period.made:%Y-%m-%d}"
        if table.basis == "stock"
        else f"{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"
    )
    ws.write_string(
        1,
        0,
        safe_text(f"统计范围：{scope.name}    统计期：{period.title}（{stated}）    制表：{made}"),
        fmt["meta"],
    )
    ws.set_row(3, 30)
    for c, col in enumerate(table.columns):
        ws.write_string(3, c, f"{col.label}（{col.unit}）" if col.unit else col.label, fmt["head"])
    ws.freeze_panes(4, table.keys)
    r = 4
    for row in table.rows:
        _write_row(ws, r, row, table, fmt)
        r += 1
    if table.totals is not None:
        _write_row(ws, r, table.totals, table, fmt, total=True)
        r += 1
    if table.note:
        ws.write_string(r + 1, 0, "说明：" + table.note, fmt["note"])
    ws.print_area(0, 0, r + 1, width - 1)


def write_workbook(target, scope: Scope, period: Period, *, tables=None) -> int:
    """Write the workbook for `scope` and `period` to the file `target`; returns
    the number of sheets. `tables` may pass sheets already built (the briefing shares them)."""
    tables = tables if tables is not None else build_all(scope, period)
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False})
    book.set_properties(
        {"title": f"{scope.name}新业态新就业群体党建工作统计报表（{period.title}）", "author": "xinye"}
    )
    fmt = _formats(book)
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    for i, (sheet, table) in enumerate(tables, start=1):
        _sheet(book, fmt, i, sheet, table, scope, period, made)
    book.close()
    return len(tables)

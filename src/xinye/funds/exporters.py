"""The spending list (经费支出明细表) as an Excel sheet the way finance offices file it: a title row, the
unit, the period and the money unit, the header, one row per line with amounts as numbers to two decimals
(counter-entries negative), the total, and the totals by purpose.

Cells are values, never formulas: text starting with = + - @ is written as a string with Excel's quote
prefix, and the totals are computed here, not left to a SUM formula a reader's Excel might not evaluate."""

import datetime
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone

from xinye.audit.services import log_sensitive_access
from xinye.core.exports import is_formula_like
from xinye.funds.choices import SpendingPurpose
from xinye.funds.models import Spending
from xinye.funds.services import CENT, ZERO

HEADERS = (
    ("序号", 6),
    ("支出日期", 12),
    ("接收单位", 32),
    ("旗县区", 14),
    ("行业", 14),
    ("经费类别", 14),
    ("年度", 8),
    ("用途", 12),
    ("摘要", 36),
    ("金额（元）", 14),
    ("票据", 10),
    ("冲销", 8),
)
AMOUNT_COL = 9


def heading(user, year: int | None) -> tuple[str, str]:
    """The sheet's unit (the exporting user's unit) and period (the year, or every year)."""
    ra = user.role_assignments.select_related("unit").first() if hasattr(user, "role_assignments") else None
    unit_name = ra.unit.name if ra is not None else "通辽市"
    period = f"{year}年1月1日至{year}年12月31日" if year else "全部年度"
    return unit_name, period


def write_spending(out, lines, *, unit_name: str, period: str, title: str = "党建经费支出明细表") -> dict:
    """Write `lines` (Spending rows with allocation, unit and region loaded) to `out` (a path or binary
    file). Returns {"count", "total"}."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        out, {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    ws = wb.add_worksheet("支出明细")
    title_fmt = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    info = wb.add_format({"font_size": 10})
    head = wb.add_format({"bold": True, "bg_color": "#DBEAFE", "border": 1, "align": "center"})
    text = wb.add_format({"num_format": "@", "border": 1})
    quoted = wb.add_format({"num_format": "@", "border": 1, "quote_prefix": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd", "border": 1})
    money = wb.add_format({"num_format": "#,##0.00", "border": 1})
    bold_money = wb.add_format({"num_format": "#,##0.00", "border": 1, "bold": True})
    bold = wb.add_format({"bold": True, "border": 1})
    last = len(HEADERS) - 1

    def cell(i, j, value):
        if value is None or value == "":
            ws.write_blank(i, j, None, text)
        elif isinstance(value, Decimal):
            ws.write_number(i, j, float(value.quantize(CENT)), money)
        elif isinstance(value, int):
            ws.write_number(i, j, value, text)
        elif isinstance(value, datetime.date):
            ws.write_datetime(i, j, datetime.datetime.combine(value, datetime.time()), date_fmt)
        else:
            value = str(value)
            ws.write_string(i, j, value, quoted if is_formula_like(value) else text)

    for j, (_header, width) in enumerate(HEADERS):
        ws.set_column(j, j, width)
    ws.set_row(0, 28)
    ws.merge_range(0, 0, 0, last, title, title_fmt)
    ws.merge_range(1, 0, 1, 5, f"单位：{unit_name}", info)
    ws.merge_range(1, 6, 1, 9, f"期间：{period}", info)
    ws.merge_range(1, 10, 1, last, "金额单位：元", info)
    for j, (header, _width) in enumerate(HEADERS):
        ws.write_string(2, j, header, head)
    ws.freeze_panes(3, 0)

    row, total, by_purpose = 3, ZERO, {}
    for n, line in enumerate(lines, start=1):
        allocation = line.allocation
        values = (
            n,
            line.date,
            allocation.unit.name,
            allocation.region.name,
            allocation.get_industry_display() if allocation.industry else "",
            allocation.get_kind_display(),
            allocation.year,
            line.get_purpose_display(),
            line.description,
            line.amount,
            "有" if line.receipt else "无",
            "是" if line.reverses_id else "",
        )
        for j, value in enumerate(values):
            cell(row, j, value)
        total += line.amount
        by_purpose[line.purpose] = by_purpose.get(line.purpose, ZERO) + line.amount
        row += 1
    count = row - 3

    ws.merge_range(row, 0, row, AMOUNT_COL - 1, f"合计（{count} 笔）", bold)
    ws.write_number(row, AMOUNT_COL, float(total.quantize(CENT)), bold_money)
    for j in range(AMOUNT_COL + 1, last + 1):
        ws.write_blank(row, j, None, bold)
    row += 2
    ws.write_string(row, AMOUNT_COL - 1, "按用途汇总", bold)
    ws.write_string(row, AMOUNT_COL, "金额（元）", bold)
    for purpose in SpendingPurpose:
        row += 1
        ws.write_string(row, AMOUNT_COL - 1, str(purpose.label), text)
        ws.write_number(row, AMOUNT_COL, float(by_purpose.get(purpose.value, ZERO).quantize(CENT)), money)
    row += 2
    ws.write_string(row, 0, f"制表日期：{timezone.localdate():%Y-%m-%d}", info)
    ws.write_string(row, 6, "经办人：", info)
    ws.write_string(row, 9, "审核人：", info)
    wb.close()
    return {"count": count, "total": total.quantize(CENT)}


def year_of(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


def spending_response(user, lines, *, year=None) -> FileResponse:
    """The Excel answer for a scoped queryset of spending lines (console and API share it); logged."""
    import tempfile

    lines = lines.select_related("allocation__unit", "allocation__region").order_by("date", "pk")
    unit_name, period = heading(user, year)
    fh = tempfile.TemporaryFile()
    result = write_spending(fh, lines, unit_name=unit_name, period=period)
    log_sensitive_access("export", model=Spending, count=result["count"], reason="经费支出明细表")
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=f"党建经费支出明细_{year or '全部'}.xlsx")

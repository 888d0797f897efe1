"""Issue 18 item 8: exported cells beginning with = + - @ tab or CR are neutralised, in every exporter
(the ledger export and template, the import's error report, the statistics workbook; the funds spending
list in tests/funds)."""

import openpyxl
import pytest

from tests.ledger.factories import make_enterprise
from tests.ledger.io_helpers import PRACTITIONER_HEADERS, csv_file
from xinye.accounts.permissions import system_actor
from xinye.core.exports import is_formula_like, safe_text
from xinye.ledger.exporters import export_ledger
from xinye.ledger.imports.kinds import run_import
from xinye.ledger.imports.report import error_report
from xinye.reports.workbook import safe_text as reports_safe_text

SYSTEM = system_actor("test")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_texts(text):
    assert is_formula_like(text) and safe_text(text) == "'" + text
    assert reports_safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["科尔沁区", "1+1", " =1", ""])
def test_ordinary_texts_unchanged(text):
    assert not is_formula_like(text) and safe_text(text) == text


def test_ledger_export_quotes_a_tab_led_formula(world, tmp_path):
    enterprise = make_enterprise(world["units"]["djb-kerqin-delivery"], name="骑手站")
    enterprise.legal_representative = "\t=cmd|' /C calc'!A0"
    enterprise.save()
    path = tmp_path / "e.xlsx"
    export_ledger("enterprises", path, unmasked=True, reason="核对", actor=SYSTEM)
    ws = openpyxl.load_workbook(path).active
    cell = next(
        c for row in ws.iter_rows(min_row=3) for c in row if c.value == enterprise.legal_representative
    )
    assert cell.data_type == "s" and cell.quotePrefix


def test_import_error_report_quotes_the_uploaded_files_formulas(world, tmp_path):
    sheet = csv_file(
        tmp_path / "in.csv", PRACTITIONER_HEADERS, [['=HYPERLINK("http://evil")', "123", "无此企业"]]
    )
    result = run_import("practitioners", sheet, actor=SYSTEM)
    assert result.error_count
    out = tmp_path / "report.xlsx"
    error_report("practitioners", sheet, result, out)
    ws = openpyxl.load_workbook(out).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == '=HYPERLINK("http://evil")')
    assert cell.data_type == "s" and cell.quotePrefix

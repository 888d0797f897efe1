"""Export in the template layout: round trip through import unchanged, masking and its log, formula escaping."""

import datetime
import zipfile

import openpyxl
import pytest
from django.core.management import call_command

from tests.ledger.factories import make_enterprise, make_member, make_practitioner
from xinye.accounts.permissions import system_actor
from xinye.audit.models import ChangeLog
from xinye.core.errors import Refused
from xinye.ledger import services
from xinye.ledger.exporters import export_ledger, write_template
from xinye.ledger.imports.kinds import run_import
from xinye.ledger.imports.specs import SPECS

SYSTEM = system_actor("test")


@pytest.fixture
def ledger(world):
    office = world["units"]["djb-kerqin-delivery"]
    a = make_enterprise(
        office,
        name="科尔沁区美团骑手站",
        address="科尔沁区建国路 1 号",
        latitude=43.6171,
        longitude=122.2633,
        staff_count=45,
        contact_name="刘站长",
        contact_phone="13812340000",
    )
    b = make_enterprise(office, name="科尔沁区蜂鸟配送站", staff_count=12)
    c = make_enterprise(world["units"]["djb-kerqin-express"], name="-科尔沁区顺丰营业部")
    c.uscc = None  # an enterprise without a credit code is matched by name within its county
    c.save()
    make_practitioner(a, name="王小明", occupation="rider", education="senior", ethnicity="汉族")
    make_practitioner(b, name="李娜", status="league", phone="")
    members = [make_member(a) for _ in range(3)] + [make_member(b, is_full=False)]
    members[-1].joined_on = datetime.date(2026, 3, 1)
    members[-1].full_member_on = None
    members[-1].save()
    services.create_party_organisation(
        kind="branch", enterprises=[a], founded_on=datetime.date(2024, 5, 4), actor=SYSTEM
    )
    services.create_party_organisation(
        kind="joint_branch", enterprises=[b, c], founded_on=datetime.date(2025, 1, 10), actor=SYSTEM
    )
    return {"a": a, "b": b, "c": c}


@pytest.mark.parametrize("kind", list(SPECS))
def test_export_then_import_changes_nothing(ledger, kind, tmp_path):
    path = tmp_path / f"{kind}.xlsx"
    count = export_ledger(kind, path, unmasked=True, reason="核对台账", actor=SYSTEM)
    assert count > 0
    result = run_import(kind, path, actor=SYSTEM)
    assert (result.created, result.updated, result.error_count) == (0, 0, 0), [str(e) for e in result.errors]
    assert result.unchanged == count


def test_template_has_chinese_headers_text_columns_and_instructions(db, tmp_path):
    path = tmp_path / "t.xlsx"
    write_template("practitioners", path)
    wb = openpyxl.load_workbook(path)
    sheet = wb.worksheets[0]
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["姓名", "公民身份号码", "手机号", "所在企业"]
    assert sheet.column_dimensions["B"].number_format == "@"  # IDs stay text when typed in Excel
    assert wb.sheetnames[1] == "填写说明"
    notes = " ".join(str(c.value) for row in wb.worksheets[1].iter_rows() for c in row if c.value)
    assert "身份证" in notes and "文本" in notes
    # an empty template is a sheet without rows: said so, never "validation passed" (issue 13)
    result = run_import("practitioners", path, actor=SYSTEM)
    assert not result.ok and result.rows_total == 0
    assert "没有数据行" in str(result.errors[0])


def test_template_command(db, tmp_path):
    call_command("template", "enterprises", "-o", str(tmp_path / "e.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "e.xlsx").worksheets[0]["A2"].value == "企业名称"


def test_masked_by_default_and_logged(ledger, world, tmp_path):
    user = world["users"]["kerqin_admin"]
    path = tmp_path / "masked.xlsx"
    count = export_ledger("practitioners", path, actor=user)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == count == 6
    assert all("*" in row[1] for row in rows)
    wang = next(r for r in rows if r[0] == "王小明")
    assert wang[2] == "138****5678"
    log = ChangeLog.objects.filter(action="export").latest("pk")
    assert log.username == "kerqin_admin" and "6 条" in log.note and "脱敏导出" in log.note
    assert log.content_type.model == "practitioner"
    # a masked export cannot be imported back by mistake: the masked IDs are named as the reason
    result = run_import("practitioners", path, actor=SYSTEM)
    assert result.error_rows == count and "已脱敏" in result.errors[0].reason


def test_unmasked_needs_permission_and_reason_and_is_logged(ledger, world, tmp_path):
    admin = world["users"]["kerqin_admin"]
    with pytest.raises(Refused, match="理由"):
        export_ledger("practitioners", tmp_path / "x.xlsx", actor=admin, unmasked=True)
    dept = world["users"]["transport_dept"]  # may export enterprises, never see IDs
    with pytest.raises(Refused):
        export_ledger("practitioners", tmp_path / "x.xlsx", actor=dept)
    with pytest.raises(Refused):
        export_ledger("enterprises", tmp_path / "x.xlsx", actor=dept, unmasked=True, reason="核对")
    path = tmp_path / "clear.xlsx"
    export_ledger("practitioners", path, actor=admin, unmasked=True, reason="县委组织部核对党员信息")
    rows = list(openpyxl.load_workbook(path).active.iter_rows(min_row=3, values_only=True))
    assert all(len(r[1]) == 18 and "*" not in r[1] for r in rows)
    log = ChangeLog.objects.filter(action="export").latest("pk")
    assert "不脱敏" in log.note and "县委组织部核对党员信息" in log.note and "公民身份号码" in log.note


def test_export_is_scoped(ledger, world, tmp_path):
    kailu = make_enterprise(world["units"]["djb-kailu-delivery"], name="开鲁县骑手站")
    make_practitioner(kailu, name="开鲁人")
    path = tmp_path / "scoped.xlsx"
    export_ledger("practitioners", path, actor=world["users"]["kerqin_admin"])
    names = {r[0] for r in openpyxl.load_workbook(path).active.iter_rows(min_row=3, values_only=True)}
    assert "王小明" in names and "开鲁人" not in names


def test_formulas_are_written_as_text(ledger, tmp_path):
    ent = ledger["a"]
    ent.name = '=HYPERLINK("http://example.com","点我")'
    ent.legal_representative = "@SUM(A1:A2)"
    ent.save()
    path = tmp_path / "formula.xlsx"
    export_ledger("enterprises", path, unmasked=True, reason="核对", actor=SYSTEM)
    with zipfile.ZipFile(path) as zf:
        sheet_xml = zf.read("xl/worksheets/sheet1.xml").decode()
        styles = zf.read("xl/styles.xml").decode()
    assert "<f>" not in sheet_xml  # no formula anywhere
    assert 'quotePrefix="1"' in styles  # Excel's leading apostrophe
    sheet = openpyxl.load_workbook(path).active
    cells = [c for row in sheet.iter_rows(min_row=3) for c in row if c.value == ent.name]
    assert cells and cells[0].data_type == "s"
    # and the round trip keeps the text as it was (the apostrophe is a style, not part of the value)
    result = run_import("enterprises", path, actor=SYSTEM)
    assert (result.created, result.updated, result.error_count) == (0, 0, 0), [str(e) for e in result.errors]


def test_export_command(ledger, tmp_path, capsys):
    call_command("export", "members", "-o", str(tmp_path / "m.xlsx"))
    assert "已导出 4 条" in capsys.readouterr().out

"""Every console list exports what it shows (issue 17): its columns, its filters and search, within the
user's scope, sensitive values masked, formula-looking text neutralised, the export logged."""

import io

import openpyxl

from tests.ledger.factories import make_enterprise, make_practitioner
from xinye.audit.models import ChangeLog


def _sheet(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    return rows[2], rows[3:]  # title, who/when, then the header row


def test_the_enterprise_list_exports_its_filtered_rows_in_scope(client_for, world):
    mine = make_enterprise(world["units"]["djb-kerqin-delivery"], name="=HYPERLINK(导出测试甲)")
    make_enterprise(world["units"]["djb-kerqin-delivery"], name="导出测试乙")
    other = make_enterprise(world["units"]["djb-naiman-delivery"], name="导出测试丙")
    console = client_for("kerqin_admin")
    page = console.get("/admin/ledger/enterprise/", {"q": "导出测试"}).content.decode()
    assert "导出 Excel" in page and "/admin/ledger/enterprise/export/?q=" in page
    header, rows = _sheet(console.get("/admin/ledger/enterprise/export/", {"q": "导出测试"}))
    assert "名称" in header or "企业名称" in header
    names = {r[header.index("名称") if "名称" in header else header.index("企业名称")] for r in rows}
    assert names == {mine.name, "导出测试乙"} and other.name not in names
    log = ChangeLog.objects.filter(action="export").latest("id")
    assert log.username == "kerqin_admin" and "2 条" in log.note and "q=" in log.note


def test_formula_text_is_kept_as_text(client_for, world):
    make_enterprise(world["units"]["djb-kerqin-delivery"], name="=1+1 导出公式")
    response = client_for("kerqin_admin").get("/admin/ledger/enterprise/export/", {"q": "导出公式"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in ws.iter_rows(min_row=4) for c in row if c.value and "导出公式" in str(c.value))
    assert cell.data_type == "s" and cell.quotePrefix  # text with Excel's quote prefix, never a formula


def test_sensitive_columns_are_masked_in_the_export(client_for, world):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="导出脱敏企业")
    person = make_practitioner(ent, phone="13904751234")
    response = client_for("kerqin_admin").get("/admin/ledger/practitioner/export/", {"q": person.name})
    header, rows = _sheet(response)
    assert len(rows) == 1 and person.name in rows[0]
    text = repr(rows)
    assert person.id_number not in text and "13904751234" not in text
    assert person.id_number[:6] in text  # the masked ID number (first six, last four) is what the list shows


def test_no_export_without_the_grant(client_for, world):
    # the auditor reads the change log only: no list of the ledger, no export of it
    assert client_for("auditor").get("/admin/ledger/enterprise/export/").status_code in (403, 404)
    page = client_for("auditor").get("/admin/audit/changelog/").content.decode()
    assert "/admin/audit/changelog/export/" in page  # the auditor's own grant includes export


def test_an_export_above_the_limit_is_refused_with_the_count(client_for, world, settings):
    settings.XINYE_LIST_EXPORT_MAX_ROWS = 1
    make_enterprise(world["units"]["djb-kerqin-delivery"], name="上限测试一")
    make_enterprise(world["units"]["djb-kerqin-delivery"], name="上限测试二")
    response = client_for("kerqin_admin").get(
        "/admin/ledger/enterprise/export/", {"q": "上限测试"}, follow=True
    )
    assert "超过单次导出上限 1 条" in response.content.decode()

"""Survey sheets as they come from the field (issue 13): errors block the file, doubts warn and are written,
words are read as a person reads them, and the city's own words are data edited in the console."""

import datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.ledger.factories import make_enterprise, make_id
from tests.ledger.io_helpers import csv_file, xlsx
from xinye.accounts.permissions import system_actor
from xinye.ledger.imports.kinds import run_import
from xinye.ledger.models import ChoiceAlias, ImportBatch, Practitioner

SYSTEM = system_actor("test")
COUNTY_HEADERS = [
    "序号",
    "姓名",
    "身份证号码",
    "联系电话",
    "工作单位",
    "民族",
    "文化程度",
    "岗位",
    "政治面貌",
]


def _county_sheet(path, enterprise, rows, *, wps=True):
    """A county office's sheet: a merged title row, a 填报单位 line, a 序号 column, text-formatted IDs."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "从业人员摸排"
    ws.append(["科尔沁区新就业群体从业人员摸排表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COUNTY_HEADERS))
    ws.append(["填报单位：科尔沁区委两新工委", None, None, None, None, None, "填报日期：2026年11月30日"])
    ws.append(COUNTY_HEADERS)
    for i, (name, id_number, phone, education, occupation, status) in enumerate(rows, start=1):
        ws.append([i, name, id_number, phone, enterprise.name, "汉族", education, occupation, status])
    for row in ws.iter_rows(min_row=4):
        for cell in row[2:4]:
            cell.number_format = "@"
    if wps:
        wb.properties.creator = "WPS Office"
    wb.save(path)
    return path


def test_a_county_sheet_with_variant_words_and_unallocated_phones_imports_with_warnings(world, tmp_path):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区美团配送站")
    rows = [
        ("王一", make_id(), "16912345678", "大 专", "网络主播", "群众 "),
        ("王二", make_id(), "17912345678", "本科学历", "仓储理货员", "预备党员 "),
        ("王三", make_id(), "14312345678", "中专", "外卖配送员", "共青团员"),
        ("王四", make_id(), "14412345678", "高中", "骑手（美团）", "群众"),
        ("王五", make_id(), "13912345678", "初中", "货车/网约车", "群众"),
        ("王六", make_id(), "", "高中", "修鞋匠", "群众"),
        ("王七", make_id(birth=datetime.date(1950, 1, 1)), "13912345679", "小学", "快递小哥", "群众"),
    ]
    path = _county_sheet(tmp_path / "科尔沁区.xlsx", ent, rows)
    result = run_import("practitioners", path, actor=world["users"]["kerqin_admin"], commit=True)

    assert result.committed and result.error_count == 0, [str(e) for e in result.errors]
    assert (result.rows_total, result.created) == (7, 7)
    people = {p.name: p for p in Practitioner.objects.filter(enterprise=ent)}
    assert {n: people[n].occupation for n in people} == {
        "王一": "streamer",
        "王二": "warehouse",
        "王三": "rider",
        "王四": "rider",
        "王五": "other",
        "王六": "other",
        "王七": "courier",
    }
    assert people["王一"].education == "college" and people["王二"].education == "bachelor"
    assert people["王二"].political_status == "probationary" and people["王三"].political_status == "league"
    # the phones are kept as written, and doubted
    assert people["王一"].phone == "16912345678" and people["王四"].phone == "14412345678"
    # the unknown occupations are written as 其他 with the words kept
    assert people["王六"].occupation_note == "修鞋匠" and people["王五"].occupation_note == "货车/网约车"
    assert people["王一"].occupation_note == ""

    by_row = {}
    for w in result.warnings:
        by_row.setdefault(w.row, []).append(w)
    assert sorted(by_row) == [4, 5, 6, 7, 8, 9, 10]
    assert [w.column for w in by_row[4]] == ["手机号"] and "已按原样保存" in by_row[4][0].reason
    assert "物联网" in by_row[7][0].reason
    (ambiguous,) = by_row[8]
    assert ambiguous.column == "职业" and "货车司机" in ambiguous.reason and "网约车司机" in ambiguous.reason
    (unknown,) = by_row[9]
    assert unknown.column == "职业" and "已记为“其他”" in unknown.reason and unknown.value == "修鞋匠"
    (old,) = by_row[10]
    today = datetime.date.today()  # noqa: DTZ011 — the importer's today (Asia/Shanghai is a day ahead at most)
    assert old.column == "公民身份号码" and any(f"{today.year - y} 岁" in old.reason for y in (1950, 1951))
    assert "警告 7" in result.summary()
    # the clerk opens the warned rows afterwards from the import batch
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    assert batch.warning_count == 7 and {w["name"] for w in batch.warnings} >= {"王一", "王六"}
    page = _console("kerqin_admin").get(f"/admin/ledger/importbatch/{batch.pk}/change/")
    assert page.status_code == 200 and "修鞋匠" in page.content.decode() and "已记为" in page.content.decode()

    # re-importing the same people changes nothing
    again = run_import("practitioners", path, actor=world["users"]["kerqin_admin"], commit=True)
    assert again.already is not None and again.created == 0


def test_an_unknown_industry_is_an_error_and_two_candidates_are_named(world, tmp_path):
    from tests.ledger.factories import make_uscc

    headers = ["企业名称", "统一社会信用代码", "行业", "所在旗县区"]
    path = xlsx(
        tmp_path / "e.xlsx",
        headers,
        [
            ["甲企业", make_uscc(), "货车/网约车", "科尔沁区"],
            ["乙企业", make_uscc(), "快递物流", "科尔沁区"],
            ["丙企业", make_uscc(), "卖菜", "科尔沁区"],
            ["丁企业", make_uscc(), "外卖配送", "科尔沁区"],
        ],
    )
    result = run_import("enterprises", path, actor=SYSTEM, commit=True)
    assert not result.committed
    reasons = {e.row: e.reason for e in result.errors}
    assert sorted(reasons) == [3, 4]
    assert "“快递”" in reasons[3] and "“物流”" in reasons[3]
    assert "应为" in reasons[4]


@pytest.mark.parametrize("fault", ["check digit", "excel number"])
def test_one_bad_id_among_1000_rows_blocks_the_file_naming_its_row(world, tmp_path, fault):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"])
    born = datetime.date(1990, 1, 1)
    rows = [
        (
            "人" + str(i),
            make_id(birth=born + datetime.timedelta(days=i)),
            "13912345678",
            "高中",
            "外卖骑手",
            "群众",
        )
        for i in range(1000)
    ]
    bad_index = 617
    name, good, *rest = rows[bad_index]
    if fault == "check digit":
        broken = good[:-1] + ("0" if good[-1] != "0" else "1")
    else:
        broken = float(good[:-1] + "0")  # what Excel does to an 18-digit number: digits lost
    rows[bad_index] = (name, broken, *rest)
    path = _county_sheet(tmp_path / "1000.xlsx", ent, rows)
    before = Practitioner.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command("import", "practitioners", str(path), "--commit")
    assert exc.value.returncode == 1
    result = run_import("practitioners", path, actor=SYSTEM)
    assert result.error_count == 1 and result.errors[0].row == bad_index + 4
    assert result.errors[0].column == "公民身份号码"  # named by the template's header
    assert Practitioner.objects.count() == before


def test_city_words_edited_in_the_console_take_effect_on_the_next_import(world, tmp_path, client_for):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"])
    path = _county_sheet(tmp_path / "s.xlsx", ent, [("赵一", make_id(), "", "高中", "跑腿小哥", "群众")])
    first = run_import("practitioners", path, actor=SYSTEM)
    assert first.ok and [w.column for w in first.warnings] == ["职业"]

    # a county admin may read the table but not write it (city-wide reference data)
    county = client_for("kerqin_admin")
    refused = county.post(
        "/admin/ledger/choicealias/add/", {"column": "occupation", "alias": "跑腿小哥", "value": "rider"}
    )
    assert refused.status_code in (403, 404) and not ChoiceAlias.objects.exists()
    city = client_for("city_admin")
    wrong = city.post(
        "/admin/ledger/choicealias/add/", {"column": "occupation", "alias": "跑腿小哥", "value": "freight"}
    )
    assert wrong.status_code == 200 and "应为该列的选项之一" in wrong.content.decode()
    saved = city.post(
        "/admin/ledger/choicealias/add/", {"column": "occupation", "alias": "跑腿小哥", "value": "rider"}
    )
    assert saved.status_code == 302 and ChoiceAlias.objects.filter(alias="跑腿小哥").exists()

    second = run_import("practitioners", path, actor=SYSTEM, commit=True)
    assert second.committed and second.warnings == []
    assert Practitioner.objects.get(enterprise=ent).occupation == "rider"


def test_gb18030_csv_with_a_byte_order_mark_reads_like_the_xlsx(world, tmp_path):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区饿了么站")
    headers = ["姓名", "公民身份号码", "手机号", "所在企业", "职业"]
    rows = [["钱一", make_id(), "13912345678", ent.name, "外卖员"], ["钱二", make_id(), "", ent.name, "主播"]]
    path = csv_file(tmp_path / "gb.csv", headers, rows, encoding="gb18030")
    path.write_bytes(b"\x84\x31\x95\x33" + path.read_bytes())
    from_csv = run_import("practitioners", path, actor=SYSTEM)
    from_xlsx = run_import("practitioners", xlsx(tmp_path / "same.xlsx", headers, rows), actor=SYSTEM)
    assert from_csv.ok, [str(e) for e in from_csv.errors]
    assert (from_csv.rows_total, from_csv.created, from_csv.header_row) == (2, 2, 1)
    assert (from_xlsx.rows_total, from_xlsx.created) == (from_csv.rows_total, from_csv.created)


@pytest.mark.parametrize("content", ["header only", "blank rows", "whitespace"])
def test_a_sheet_without_rows_says_so_and_exits_1(world, tmp_path, content, api_client):
    headers = ["姓名", "公民身份号码", "所在企业"]
    if content == "whitespace":
        path = tmp_path / "empty.csv"
        path.write_text("  \n\n \t\n", encoding="utf-8")
    else:
        path = csv_file(
            tmp_path / "empty.csv", headers, [["", "", ""]] * (3 if content == "blank rows" else 0)
        )
    with pytest.raises(CommandError) as exc:
        call_command("import", "practitioners", str(path), "--commit")
    assert exc.value.returncode == 1
    result = run_import("practitioners", path, actor=SYSTEM, commit=True)
    assert not result.committed and result.error_count == 1
    assert ("没有数据行" if content != "whitespace" else "找不到表头") in result.errors[0].reason
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    response = api_client("city_admin").post(
        "/api/v1/imports/practitioners", {"file": upload, "commit": "true"}
    )
    assert response.status_code == 422 and response.json().get("committed") is not True
    assert not ImportBatch.objects.filter(committed=True).exists()


def _console(username):
    from tests.conftest import login

    return login(username)


def test_an_age_outside_16_to_65_is_a_warning_exactly_at_the_edges(world, tmp_path):
    """16 and 65 on the day are usual; a day short of 16 or a day past 66's birthday are doubted, and written."""
    from django.utils import timezone

    today = timezone.localdate()

    def born(years_ago: int, days: int = 0) -> datetime.date:
        try:
            day = today.replace(year=today.year - years_ago)
        except ValueError:  # 29 February
            day = today.replace(year=today.year - years_ago, day=28)
        return day + datetime.timedelta(days=days)

    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区顺丰营业部")
    rows = [
        ("赵一", make_id(birth=born(16)), "", "高中", "快递员", "群众"),  # 16 today
        ("赵二", make_id(birth=born(16, days=1)), "", "高中", "快递员", "群众"),  # 16 tomorrow
        ("赵三", make_id(birth=born(66, days=1)), "", "高中", "快递员", "群众"),  # 65, 66 tomorrow
        ("赵四", make_id(birth=born(66)), "", "高中", "快递员", "群众"),  # 66 today
    ]
    path = _county_sheet(tmp_path / "年龄.xlsx", ent, rows)
    result = run_import("practitioners", path, actor=world["users"]["kerqin_admin"], commit=True)

    assert result.committed and result.created == 4
    warned = {w.name for w in result.warnings if "常见从业年龄" in w.reason}
    assert warned == {"赵二", "赵四"}

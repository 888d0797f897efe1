"""Import of survey sheets: validation before writing, header finding, encodings, duplicates, scope, CLI."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.ledger.factories import make_enterprise, make_id, make_practitioner
from tests.ledger.io_helpers import PRACTITIONER_HEADERS, csv_file, person, xlsx
from xinye.accounts.permissions import system_actor
from xinye.audit.models import ChangeLog
from xinye.core.crypto import keyed_hash
from xinye.ledger.imports.kinds import run_import
from xinye.ledger.models import ImportBatch, PartyMember, Practitioner

SYSTEM = system_actor("test")


@pytest.fixture
def kerqin(world):
    return make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区美团骑手站")


@pytest.fixture
def kailu(world):
    return make_enterprise(world["units"]["djb-kailu-delivery"], name="开鲁县饿了么骑手站")


def bad_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("1" if last != "1" else "2")


def test_clean_sheet_is_previewed_then_written_once(world, kerqin, tmp_path):
    ids = [make_id(), make_id(male=False), make_id()]
    path = xlsx(
        tmp_path / "clean.xlsx",
        PRACTITIONER_HEADERS,
        [
            person("王小明", ids[0], kerqin.name),
            person("李娜", ids[1], kerqin.uscc, status="共青团员"),
            person("张强", ids[2], kerqin.name, status="正式党员"),
        ],
    )
    preview = run_import("practitioners", path, actor=SYSTEM)
    assert (preview.created, preview.updated, preview.unchanged, preview.error_count) == (3, 0, 0, 0)
    assert not Practitioner.objects.filter(enterprise=kerqin).exists()

    result = run_import("practitioners", path, commit=True, actor=SYSTEM)
    assert result.committed and result.created == 3
    people = {p.name: p for p in Practitioner.objects.filter(enterprise=kerqin)}
    assert set(people) == {"王小明", "李娜", "张强"}
    assert people["李娜"].gender == "F" and people["李娜"].political_status == "league"
    assert people["王小明"].id_number == ids[0]
    assert people["王小明"].unit_id == kerqin.unit_id and people["王小明"].region_id == "150502"
    # encrypted at rest, found by keyed hash
    assert Practitioner.objects.filter(id_hash=keyed_hash(ids[0])).count() == 1
    raw = Practitioner.objects.filter(pk=people["王小明"].pk).values_list("id_number", flat=True)
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("select id_number from ledger_practitioner where id = %s", [people["王小明"].pk])
        assert ids[0] not in cur.fetchone()[0]
    assert list(raw) == [ids[0]]
    # the member gets a party-member row; the change log has one masked row per object
    assert PartyMember.objects.filter(practitioner=people["张强"], is_full=True).exists()
    logs = ChangeLog.objects.filter(
        action="create", content_type__model="practitioner", object_id=str(people["王小明"].pk)
    )
    assert logs.count() == 1
    assert ids[0] not in str(logs.get().after) and logs.get().after["id_number"].startswith("150502*")
    batch = ImportBatch.objects.get(file_hash=result.file_hash)
    assert batch.committed and batch.rows_created == 3


def test_bad_check_digit_writes_nothing_and_names_row_and_column(world, kerqin, tmp_path):
    good, bad = make_id(), bad_check_digit(make_id())
    path = xlsx(
        tmp_path / "bad.xlsx",
        PRACTITIONER_HEADERS,
        [person("王小明", good, kerqin.name), person("赵六", bad, kerqin.name)],
        title_rows=["科尔沁区新就业群体摸排表"],
    )
    result = run_import("practitioners", path, commit=True, actor=SYSTEM)
    assert not result.committed and result.error_count == 1
    error = result.errors[0]
    assert error.row == 4 and error.column == "公民身份号码"
    assert error.reason == "身份证号校验位错误"
    assert error.value == bad[:6] + "********" + bad[-4:]
    assert "第 4 行［公民身份号码］" in str(error)
    assert not Practitioner.objects.filter(enterprise=kerqin).exists()
    assert not ImportBatch.objects.filter(file_hash=result.file_hash).exists()


def test_float_mangled_ids_get_the_excel_explanation(world, kerqin, tmp_path):
    path = xlsx(
        tmp_path / "float.xlsx",
        PRACTITIONER_HEADERS,
        [
            person("王小明", 150502199001011234.0, kerqin.name),
            person("李四", "1.50502199001011E+17", kerqin.name),
        ],
    )
    result = run_import("practitioners", path, actor=SYSTEM)
    assert result.error_count == 2
    for error in result.errors:
        assert "Excel" in error.reason and "文本" in error.reason
        assert error.column == "公民身份号码"


def test_gb18030_csv_with_full_width_digits_and_spaces(world, kerqin, tmp_path):
    number = make_id()
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number)
    rows = [["  王 小明 ", f" {full_width} ", "139 1234 5678", kerqin.name, "蒙古族", "大专", "骑手", "群众"]]
    path = csv_file(tmp_path / "gbk.csv", PRACTITIONER_HEADERS, rows, encoding="gb18030")
    assert "姓名".encode("gb18030") in path.read_bytes()
    result = run_import("practitioners", path, commit=True, actor=SYSTEM)
    assert result.committed, [str(e) for e in result.errors]
    p = Practitioner.objects.get(id_hash=keyed_hash(number))
    assert (p.name, p.phone, p.ethnicity, p.education, p.occupation) == (
        "王小明",
        "13912345678",
        "蒙古族",
        "college",
        "rider",
    )


def test_utf8_bom_csv_with_aliases(world, kerqin, tmp_path):
    headers = ["序号", "从业人员姓名", "身份证号码", "联系电话", "工作单位", "文化程度", "岗位"]
    path = csv_file(
        tmp_path / "bom.csv",
        headers,
        [["1", "周杰", make_id(), "13812345678", kerqin.name, "本科", "快递员"]],
        encoding="utf-8-sig",
    )
    result = run_import("practitioners", path, actor=SYSTEM)
    assert (result.created, result.error_count) == (1, 0)


def test_title_rows_and_merged_two_level_header(world, kerqin, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["通辽市新就业群体摸排台账"])
    ws.merge_cells("A1:F1")
    ws.append(["填报单位：科尔沁区外卖骑手行业党建办", None, None, "填报日期：2026年11月28日"])
    ws.append(["姓名", "证件信息", None, "所在企业", "就业信息", None])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:C3")
    ws.merge_cells("D3:D4")
    ws.merge_cells("E3:F3")
    ws.append([None, "公民身份号码", "手机", None, "职业", "政治面貌"])
    number = make_id()
    ws.append(["孙悟", number, "13712345678", kerqin.name, "外卖骑手", "入党积极分子"])
    wb.save(tmp_path / "merged.xlsx")
    result = run_import("practitioners", tmp_path / "merged.xlsx", commit=True, actor=SYSTEM)
    assert result.header_row == 4
    assert result.committed, [str(e) for e in result.errors]
    p = Practitioner.objects.get(id_hash=keyed_hash(number))
    assert (p.name, p.phone, p.political_status) == ("孙悟", "13712345678", "activist")


def test_duplicates_in_file_and_against_ledger(world, kerqin, tmp_path):
    existing = make_practitioner(kerqin, name="老员工", phone="13800001111")
    repeated = make_id()
    path = xlsx(
        tmp_path / "dups.xlsx",
        PRACTITIONER_HEADERS,
        [
            person("甲", repeated, kerqin.name),
            person("乙", repeated, kerqin.name),
            person("老员工", existing.id_number, kerqin.name, phone="13800002222"),
        ],
    )
    result = run_import("practitioners", path, actor=SYSTEM)
    assert result.error_count == 1
    assert result.errors[0].row == 3 and "与第 2 行重复" in result.errors[0].reason
    assert (result.created, result.updated) == (1, 1)


def test_existing_rows_update_and_unchanged(world, kerqin, tmp_path):
    same = make_practitioner(kerqin, name="不变", phone="13800001111", occupation="rider")
    moved = make_practitioner(kerqin, name="换号", phone="13800001111")
    path = xlsx(
        tmp_path / "upd.xlsx",
        ["姓名", "公民身份号码", "手机号", "所在企业", "职业"],
        [
            ["不变", same.id_number, "13800001111", kerqin.name, "外卖骑手"],
            ["换号", moved.id_number, "13800003333", kerqin.name, "其他"],
        ],
    )
    result = run_import("practitioners", path, commit=True, actor=SYSTEM)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    moved.refresh_from_db()
    assert moved.phone == "13800003333"
    log = ChangeLog.objects.filter(
        action="update", content_type__model="practitioner", object_id=str(moved.pk)
    ).get()
    assert log.after["phone"] == "138****3333" and log.changed_fields == ["phone"]


def test_same_file_twice_changes_nothing_and_says_so(world, kerqin, tmp_path):
    path = xlsx(tmp_path / "twice.xlsx", PRACTITIONER_HEADERS, [person("王小明", make_id(), kerqin.name)])
    first = run_import("practitioners", path, commit=True, actor=SYSTEM)
    assert first.committed and first.created == 1
    logs = ChangeLog.objects.count()
    second = run_import("practitioners", path, commit=True, actor=SYSTEM)
    assert second.already is not None and second.created == 0 and not second.committed
    assert "已于" in second.summary() and "未做任何更改" in second.summary()
    assert ChangeLog.objects.count() == logs
    assert ImportBatch.objects.filter(file_hash=first.file_hash).count() == 1


def test_row_outside_the_users_county_is_refused(world, kerqin, kailu, tmp_path):
    path = xlsx(
        tmp_path / "scope.xlsx",
        PRACTITIONER_HEADERS,
        [person("科尔沁人", make_id(), kerqin.name), person("开鲁人", make_id(), kailu.name)],
    )
    user = world["users"]["kerqin_admin"]
    result = run_import("practitioners", path, actor=user, commit=True)
    assert not result.committed and result.error_count == 1
    error = result.errors[0]
    # Leak 9: the preview says the enterprise is outside the importer's scope, never which county it is in.
    assert error.row == 3 and error.column == "所在企业" and "开鲁县" not in error.reason
    assert "不在您的导入范围内" in error.reason
    assert not Practitioner.objects.filter(enterprise__in=[kerqin, kailu]).exists()
    # the city may import both
    assert run_import("practitioners", path, actor=world["users"]["city_admin"], commit=True).committed


def test_members_sheet_creates_practitioner_and_member(world, kerqin, tmp_path):
    headers = [
        "姓名",
        "身份证号",
        "联系电话",
        "所在企业",
        "政治面貌",
        "入党日期",
        "转正日期",
        "组织关系",
        "组织关系所在党组织",
    ]
    rows = [
        [
            "党员甲",
            make_id(),
            "13612345678",
            kerqin.name,
            "正式党员",
            "2015年7月1日",
            "2016/7/1",
            "本单位",
            "",
        ],
        [
            "党员乙",
            make_id(),
            "13612345679",
            kerqin.name,
            "预备党员",
            45000,
            "",
            "流动党员",
            "赤峰市某党支部",
        ],
    ]
    path = xlsx(tmp_path / "members.xlsx", headers, rows)
    result = run_import("members", path, commit=True, actor=SYSTEM)
    assert result.committed, [str(e) for e in result.errors]
    a = PartyMember.objects.get(practitioner__name="党员甲")
    b = PartyMember.objects.get(practitioner__name="党员乙")
    assert a.is_full and str(a.joined_on) == "2015-07-01" and str(a.full_member_on) == "2016-07-01"
    assert not b.is_full and str(b.joined_on) == "2023-03-15" and b.membership_held == "elsewhere"
    assert b.practitioner.political_status == "probationary"


def test_member_rules_checked_before_writing(world, kerqin, tmp_path):
    headers = ["姓名", "身份证号", "所在企业", "政治面貌", "入党日期", "转正日期", "组织关系"]
    rows = [["党员丙", make_id(), kerqin.name, "预备党员", "2020-01-01", "2021-01-01", "本单位"]]
    result = run_import("members", xlsx(tmp_path / "m.xlsx", headers, rows), commit=True, actor=SYSTEM)
    assert result.error_count == 1 and result.errors[0].column == "转正日期"
    assert not PartyMember.objects.filter(enterprise=kerqin).exists()


def test_member_rule_is_the_services_rule(world, kerqin, tmp_path):
    """One rule for the sheet and the form: the same dates refused with the same reason by both."""
    import datetime

    from xinye.core.errors import Refused
    from xinye.ledger import services
    from xinye.ledger.choices import MembershipHeld
    from xinye.ledger.imports.check import MEMBERSHIP_HELD

    assert set(MEMBERSHIP_HELD) == set(MembershipHeld.values)
    young = make_id(birth=datetime.date(2010, 5, 1))
    headers = ["姓名", "身份证号", "所在企业", "政治面貌", "入党日期", "组织关系", "组织关系所在党组织"]
    rows = [
        ["党员丁", young, kerqin.name, "预备党员", "2025-01-01", "本单位", ""],
        [
            "党员戊",
            make_id(),
            kerqin.name,
            "预备党员",
            "2024-01-01",
            "流动党员（组织关系在外地/原单位）",
            " ",
        ],
    ]
    result = run_import("members", xlsx(tmp_path / "m.xlsx", headers, rows), commit=True, actor=SYSTEM)
    got = {(e.row, e.column, e.reason) for e in result.errors}
    assert got == {
        (2, "入党日期", "入党时应年满 18 周岁"),
        (3, "组织关系所在党组织", "流动党员须填写组织关系所在党组织"),
    }
    assert not PartyMember.objects.filter(enterprise=kerqin).exists()
    p = make_practitioner(kerqin, id_number=young)
    with pytest.raises(Refused) as refused:
        services.save_party_member(p, actor=SYSTEM, is_full=False, joined_on=datetime.date(2025, 1, 1))
    assert refused.value.message_dict["joined_on"] == ["入党日期：入党时应年满 18 周岁"]


def _cli(*args):
    try:
        call_command("import", *[str(a) for a in args])
    except CommandError as exc:
        return exc.returncode
    return 0


def test_cli_exit_codes(world, kerqin, tmp_path, capsys):
    good = xlsx(tmp_path / "good.xlsx", PRACTITIONER_HEADERS, [person("王小明", make_id(), kerqin.name)])
    bad = xlsx(
        tmp_path / "bad.xlsx", PRACTITIONER_HEADERS, [person("赵六", bad_check_digit(make_id()), kerqin.name)]
    )
    assert _cli("practitioners", good) == 0
    assert "新增 1" in capsys.readouterr().out
    assert not Practitioner.objects.filter(enterprise=kerqin).exists()
    assert _cli("practitioners", good, "--commit") == 0
    assert Practitioner.objects.filter(enterprise=kerqin).count() == 1
    report = tmp_path / "report.xlsx"
    assert _cli("practitioners", bad, "--commit", "--report", report) == 1
    out = capsys.readouterr().out
    assert "第 2 行［公民身份号码］" in out and "校验位错误" in out
    import openpyxl

    sheet = openpyxl.load_workbook(report).active
    assert sheet.cell(1, 9).value == "错误说明" and "校验位错误" in sheet.cell(2, 9).value
    assert _cli("staff", good) == 2
    assert _cli("practitioners", tmp_path / "missing.xlsx") == 2
    (tmp_path / "notes.txt").write_text("hello")
    assert _cli("practitioners", tmp_path / "notes.txt") == 2
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert _cli("practitioners", tmp_path / "broken.xlsx") == 2
    assert _cli("practitioners", good, "--actor", "kerqin_admin") == 0
    assert _cli("practitioners", good, "--actor", "kerqin_admin", "--unit", "lxgw-kailu") == 2
    assert _cli("practitioners", good, "--unit", "no-such-unit") == 2


def test_cli_process_exit_code(world, kerqin, tmp_path):
    """The real exit status, as a shell sees it (run_from_argv → sys.exit)."""
    from importlib import import_module

    from xinye.ledger.management.commands import __name__ as pkg  # noqa: F401

    command = import_module("xinye.ledger.management.commands.import").Command()
    bad = xlsx(
        tmp_path / "bad.xlsx", PRACTITIONER_HEADERS, [person("赵六", bad_check_digit(make_id()), kerqin.name)]
    )
    with pytest.raises(SystemExit) as exc:
        command.run_from_argv(["xinye", "import", "practitioners", str(bad)])
    assert exc.value.code == 1
    with pytest.raises(SystemExit) as exc:
        command.run_from_argv(["xinye", "import", "nonsense", str(bad)])
    assert exc.value.code == 2


def test_existing_practitioner_becomes_member_and_member_cannot_be_demoted(world, kerqin, tmp_path):
    worker = make_practitioner(kerqin, name="老骑手", phone="13800001111")
    headers = ["姓名", "身份证号", "所在企业", "政治面貌", "入党日期", "转正日期"]
    path = xlsx(
        tmp_path / "m.xlsx",
        headers,
        [["老骑手", worker.id_number, kerqin.name, "正式党员", "2010-07-01", "2011-07-01"]],
    )
    result = run_import("members", path, commit=True, actor=SYSTEM)
    assert (result.created, result.updated) == (0, 1), [str(e) for e in result.errors]
    worker.refresh_from_db()
    assert worker.political_status == "full"
    member = PartyMember.objects.get(practitioner=worker)
    assert member.is_full and str(member.joined_on) == "2010-07-01" and member.enterprise_id == kerqin.pk
    # the practitioners sheet may not quietly turn a member back into 群众
    sheet = xlsx(tmp_path / "p.xlsx", PRACTITIONER_HEADERS, [person("老骑手", worker.id_number, kerqin.name)])
    result = run_import("practitioners", sheet, commit=True, actor=SYSTEM)
    assert result.error_count == 1 and result.errors[0].column == "政治面貌"
    assert "党员减少" in result.errors[0].reason
    assert PartyMember.objects.filter(practitioner=worker).exists()

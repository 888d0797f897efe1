"""Issue 18 item 10: `xinye template -o` and `xinye import --report` into a missing directory create it; a path
that cannot be a directory ends with a Chinese message and exit code 2, never a traceback."""

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.ledger.factories import make_enterprise, make_id
from tests.ledger.io_helpers import PRACTITIONER_HEADERS, person, xlsx


def test_template_into_a_missing_directory_creates_it(tmp_path, capsys):
    out = tmp_path / "new" / "deeper" / "x.xlsx"
    call_command("template", "practitioners", "-o", str(out))
    assert out.exists()
    assert openpyxl.load_workbook(out).active.cell(1, 1).value
    assert "模板已写入" in capsys.readouterr().out


def test_template_under_a_file_fails_with_a_chinese_message(tmp_path):
    (tmp_path / "blocker").write_text("a file, not a directory")
    with pytest.raises(CommandError) as exc:
        call_command("template", "practitioners", "-o", str(tmp_path / "blocker" / "x.xlsx"))
    assert exc.value.returncode == 2
    assert "无法" in str(exc.value) and "blocker" in str(exc.value)


def test_import_report_into_a_missing_directory_creates_it(world, tmp_path):
    enterprise = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区美团骑手站")
    sheet = xlsx(
        tmp_path / "bad.xlsx", PRACTITIONER_HEADERS, [person("赵六", make_id()[:-1], enterprise.name)]
    )
    report = tmp_path / "missing" / "r.xlsx"
    with pytest.raises(CommandError) as exc:
        call_command("import", "practitioners", str(sheet), "--report", str(report))
    assert exc.value.returncode == 1  # the row's error, not the directory
    assert openpyxl.load_workbook(report).active.cell(1, 9).value == "错误说明"


def test_import_report_under_a_file_fails_before_reading(world, tmp_path):
    (tmp_path / "blocker").write_text("x")
    sheet = xlsx(tmp_path / "s.xlsx", PRACTITIONER_HEADERS, [])
    with pytest.raises(CommandError) as exc:
        call_command("import", "practitioners", str(sheet), "--report", str(tmp_path / "blocker" / "r.xlsx"))
    assert exc.value.returncode == 2 and "无法" in str(exc.value)


def test_process_exit_code_is_non_zero_without_a_traceback(tmp_path, capsys):
    from xinye.ledger.management.commands.template import Command

    (tmp_path / "blocker").write_text("x")
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(
            ["xinye", "template", "practitioners", "-o", str(tmp_path / "blocker" / "x.xlsx")]
        )
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "无法" in err

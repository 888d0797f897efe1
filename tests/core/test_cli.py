"""The `xinye` console script: Django's commands with dashes, and its exit codes."""

import subprocess
import sys

import pytest

from xinye.cli import main


def test_dashes_map_to_commands(world, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("代码,名称,上级代码\n150400,赤峰市,150000\n", encoding="utf-8")
    main(["load-regions", str(path)])
    assert "新增 1 个" in capsys.readouterr().out


def test_console_script_is_installed_and_helps():
    result = subprocess.run(
        [sys.executable, "-m", "xinye.cli", "help", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "--no-serve" in result.stdout


def test_usage_error_exits_nonzero(world):
    with pytest.raises(SystemExit) as exc:
        main(["token", "frobnicate"])
    assert exc.value.code == 2

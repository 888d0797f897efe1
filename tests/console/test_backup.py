"""`xinye backup` / `xinye restore`: a consistent, verified copy that can be put back."""

import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from xinye.audit.models import ChangeLog
from xinye.console.management.commands import backup as backup_module
from xinye.console.management.commands import restore as restore_module
from xinye.orgs.models import OrgUnit


@pytest.fixture
def stand_in_sqlite(tmp_path, monkeypatch):
    """On SQLite the test database is held inside the test's transaction, which the backup API would wait on
    forever: the commands copy from a stand-in live database instead (the same code path as production)."""
    if connection.vendor != "sqlite":
        return None
    live = sqlite3.connect(tmp_path / "live.sqlite3", isolation_level=None)
    live.execute("create table t (v text)")
    live.execute("insert into t values ('before')")
    monkeypatch.setattr(backup_module, "live_sqlite", lambda: live)
    monkeypatch.setattr(restore_module, "live_sqlite", lambda: live)
    return live


def test_backup_writes_a_verified_copy_and_logs_it(world, tmp_path, capsys, stand_in_sqlite):
    folder = tmp_path / "backups"
    call_command("backup", output=str(folder))
    out = capsys.readouterr().out
    files = list(folder.glob("xinye-*"))
    assert len(files) == 1
    assert str(files[0]) in out and "SHA-256" in out and "XINYE_FIELD_KEY" in out
    assert ChangeLog.objects.filter(action="export", note__startswith="数据库备份").exists()
    if stand_in_sqlite is not None:
        copy = sqlite3.connect(files[0])
        assert copy.execute("select v from t").fetchall() == [("before",)]
        copy.close()
    else:
        assert files[0].read_bytes()[:5] == b"PGDMP"
        assert OrgUnit.objects.exists()


def test_backup_keeps_the_newest_n_and_never_overwrites(world, tmp_path, stand_in_sqlite):
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in ("xinye-20260101-000000", "xinye-20260102-000000", "xinye-20260103-000000"):
        (folder / f"{name}{'.sqlite3' if connection.vendor == 'sqlite' else '.dump'}").write_bytes(b"old")
    call_command("backup", output=str(folder), keep=2)
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 2
    assert names[0].startswith("xinye-20260103-000000")  # the newest old one survives, the two older are gone
    assert names[1] > names[0]  # the new backup
    existing = tmp_path / "fixed.bak"
    existing.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", output=str(existing))
    assert existing.read_bytes() == b"keep me"


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_restore_puts_the_backup_back(world, tmp_path, stand_in_sqlite):
    """The rows of the backup come back, later changes are gone; nothing happens without --yes."""
    live = stand_in_sqlite
    target = tmp_path / "copy.sqlite3"
    call_command("backup", output=str(target))
    live.execute("insert into t values ('after')")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(target))
    assert live.execute("select count(*) from t").fetchone()[0] == 2

    call_command("restore", str(target), yes=True)
    assert [r[0] for r in live.execute("select v from t")] == ["before"]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_restore_refuses_a_file_that_is_not_a_backup(world, tmp_path):
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(CommandError, match="不是 SQLite 备份文件"):
        call_command("restore", str(bogus), yes=True)
    assert OrgUnit.objects.exists()

"""`xinye backup`: a consistent copy of the database while the system keeps serving.

SQLite: the online backup API (a consistent snapshot even under WAL with writers running), checked with
`PRAGMA integrity_check`. PostgreSQL: `pg_dump --format=custom`. Sensitive fields stay encrypted in the
copy, so a backup is useless without XINYE_FIELD_KEY — keep the key, separately, with the backups.
"""

import datetime
import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from xinye.accounts.commands import XinyeCommand
from xinye.audit.models import LogAction
from xinye.audit.services import log_event


def is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def live_sqlite() -> sqlite3.Connection:
    """Django's own connection: the live file in production, the in-memory database under test."""
    connection.ensure_connection()
    return connection.connection


def pg_env() -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore from Django's settings (password through the environment)."""
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {"PGPASSWORD": str(db["PASSWORD"])} if db.get("PASSWORD") else {}
    return args, env


def run_tool(cmd: list[str], env: dict) -> None:
    import os

    if shutil.which(cmd[0]) is None:
        raise CommandError(f"找不到 {cmd[0]}：请安装 PostgreSQL 客户端（postgresql-client）")
    result = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{cmd[0]} 失败：{result.stderr.strip()[:500]}")


def sqlite_integrity(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Command(XinyeCommand):
    help = "备份数据库（SQLite 在线备份 / PostgreSQL pg_dump），打印文件、大小与 SHA-256；可保留最近 N 份。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="备份文件或目录（默认 var/backups/；目录时自动命名 xinye-年月日-时分秒）",
        )
        parser.add_argument("--keep", type=int, default=0, help="目录中只保留最近 N 份备份（0 = 全部保留）")

    def handle(self, *args, **options):
        suffix = ".sqlite3" if is_sqlite() else ".dump"
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 — a local file name
        output = Path(options["output"] or settings.XINYE_BACKUP_DIR)
        if output.suffix == "" or output.is_dir():
            output.mkdir(parents=True, exist_ok=True)
            target = output / f"xinye-{stamp}{suffix}"
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            target = output
        if target.exists():
            raise CommandError(f"{target} 已存在：不覆盖已有备份")
        partial = target.with_name(target.name + ".part")
        try:
            if is_sqlite():
                self.backup_sqlite(partial)
            else:
                args, env = pg_env()
                run_tool(["pg_dump", "--format=custom", "--no-owner", "--file", str(partial), *args], env)
            partial.rename(target)
        finally:
            partial.unlink(missing_ok=True)
        size = target.stat().st_size
        digest = sha256(target)
        log_event(LogAction.EXPORT, note=f"数据库备份：{target.name}（{size} 字节，SHA-256 {digest[:16]}…）")
        self.stdout.write(f"{target}\n大小：{size} 字节\nSHA-256：{digest}")
        self.stdout.write(
            "提示：备份中的敏感字段仍是密文，恢复时需要同一个 XINYE_FIELD_KEY；请另行妥善保存密钥。"
        )
        if options["keep"] > 0:
            self.rotate(target.parent, suffix, options["keep"])

    def backup_sqlite(self, partial: Path) -> None:
        dest = sqlite3.connect(partial)
        try:
            live_sqlite().backup(dest, pages=4096)
        finally:
            dest.close()
        verdict = sqlite_integrity(partial)
        if verdict != "ok":
            raise CommandError(f"备份文件完整性检查未通过：{verdict}")

    def rotate(self, folder: Path, suffix: str, keep: int) -> None:
        backups = sorted(folder.glob(f"xinye-*{suffix}"), key=lambda p: p.name, reverse=True)
        for old in backups[keep:]:
            old.unlink()
            self.stdout.write(f"已删除旧备份：{old.name}")

"""`xinye restore FILE --yes`: put a backup made by `xinye backup` back in place of the current database."""

import sqlite3
from pathlib import Path

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.audit.models import LogAction
from xinye.audit.services import log_event
from xinye.console.management.commands.backup import (
    is_sqlite,
    live_sqlite,
    pg_env,
    run_tool,
    sha256,
    sqlite_integrity,
)


class Command(XinyeCommand):
    help = "从 xinye backup 生成的备份恢复数据库（会覆盖当前全部数据；先停止应用服务）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（SQLite：.sqlite3；PostgreSQL：.dump）")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到备份文件：{path}")
        if not options["yes"]:
            raise CommandError("恢复会覆盖当前数据库的全部数据：确认无误后加 --yes 再运行")
        if is_sqlite():
            with path.open("rb") as fh:
                header = fh.read(16)
            if not header.startswith(b"SQLite format 3"):
                raise CommandError(f"{path.name} 不是 SQLite 备份文件")
            verdict = sqlite_integrity(path)
            if verdict != "ok":
                raise CommandError(f"备份文件完整性检查未通过，未做任何改动：{verdict}")
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                source.backup(live_sqlite())
            finally:
                source.close()
        else:
            args, env = pg_env()
            run_tool(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    str(path),
                ],
                env,
            )
        digest = sha256(path)
        log_event(LogAction.IMPORT, note=f"从备份恢复数据库：{path.name}（SHA-256 {digest[:16]}…）")
        self.stdout.write(f"已从 {path} 恢复（SHA-256：{digest}）")

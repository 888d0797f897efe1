"""xinye import KIND FILE [--commit] [--report OUT.xlsx]: validate (and write) a survey sheet.

Exit codes: 0 the file is valid (and, with --commit, written) — warnings never block; 1 a row is in error,
or the sheet has no rows (nothing written); 2 a usage error (unknown kind, missing file, unreadable format).
"""

import sys
import time

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.ledger.imports.kinds import run_import
from xinye.ledger.imports.read import ImportUsageError
from xinye.ledger.imports.report import error_report
from xinye.ledger.imports.specs import SPECS

SHOWN_ERRORS = 200
PROGRESS_SECONDS = 5  # issue 13: a progress line at least every 5 seconds
PROGRESS_ROWS = 1_000  # how often the importer reports, so the clock can be looked at


class Command(XinyeCommand):
    help = (
        "导入摸排台账（KIND：enterprises 企业 / practitioners 从业人员 / members 党员 / organisations 党组织），"
        "支持 .xlsx 和 .csv（UTF-8、GB18030）。默认只预检，--commit 才写入（全部或全不）。"
        "退出码：0 文件无误（及已写入），1 有错误行（未写入），2 用法错误。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="台账类型：" + "、".join(SPECS))
        parser.add_argument("file", help=".xlsx 或 .csv 文件")
        parser.add_argument("--commit", action="store_true", help="全部校验通过后写入")
        parser.add_argument("--report", help="把原始行加“错误说明”列写入该 xlsx 文件")
        parser.add_argument("--unit", help="记为导入单位的组织代码（默认：执行人的单位，系统为市委组织部）")
        parser.add_argument("--progress-every", type=int, default=10_000, help="每处理多少行输出一次进度")

    def handle(self, *args, **options):
        from xinye.accounts.permissions import has_action
        from xinye.orgs.models import OrgUnit

        kind, path, actor = options["kind"], options["file"], options["actor_user"]
        if kind not in SPECS:
            raise CommandError(f"未知的台账类型“{kind}”，可选：{'、'.join(SPECS)}", returncode=2)
        model = SPECS[kind].model
        if not has_action(actor, "import", model):
            raise CommandError(f"{actor.username} 无权导入{SPECS[kind].label}台账", returncode=2)
        unit = None
        if options.get("unit"):
            unit = OrgUnit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"组织代码 {options['unit']} 不存在", returncode=2)
            from xinye.accounts.permissions import unit_in_scope

            if not unit_in_scope(actor, "import", model, unit):
                raise CommandError(f"{unit.name}不在 {actor.username} 的导入范围内", returncode=2)

        report = self.output_file(options["report"]) if options.get("report") else None
        every_rows = max(1, options["progress_every"])
        last = {"rows": 0, "at": time.monotonic()}

        def progress(done: int) -> None:
            # a line every --progress-every rows, and at least every PROGRESS_SECONDS whatever the speed
            now = time.monotonic()
            if done - last["rows"] >= every_rows or now - last["at"] >= PROGRESS_SECONDS:
                last.update(rows=done, at=now)
                sys.stderr.write(f"已处理 {done} 行…\n")
                sys.stderr.flush()

        try:
            result = run_import(
                kind,
                path,
                actor=actor,
                commit=options["commit"],
                unit=unit,
                progress=progress,
                progress_every=min(every_rows, PROGRESS_ROWS),
            )
        except ImportUsageError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(result.summary())
        if result.already is None and result.header_row > 0:
            self.stdout.write(f"表头在第 {result.header_row} 行。")
        for error in result.errors[:SHOWN_ERRORS]:
            self.stdout.write(self.style.ERROR(str(error)))
        if result.error_count > SHOWN_ERRORS:
            self.stdout.write(
                f"……另有 {result.error_count - SHOWN_ERRORS} 处错误，见 --report 生成的错误报告。"
            )
        for warning in result.warnings[:SHOWN_ERRORS]:
            self.stdout.write(self.style.WARNING(f"警告：{warning}"))
        if result.warning_count > SHOWN_ERRORS:
            self.stdout.write(
                f"……另有 {result.warning_count - SHOWN_ERRORS} 处警告，见 --report 生成的报告。"
            )
        if report:
            try:
                error_report(kind, path, result, report)
            except OSError as exc:
                raise CommandError(f"无法写入 {report}：{exc.strerror or exc}", returncode=2) from None
            self.stdout.write(f"错误报告已写入 {report}")
        if result.error_count:
            raise CommandError(f"有 {result.error_count} 处错误，未写入任何数据", returncode=1)
        if result.already is not None:
            return
        if result.committed:
            self.stdout.write(self.style.SUCCESS("已全部写入。"))
        else:
            self.stdout.write("校验通过，未写入（加 --commit 写入）。")

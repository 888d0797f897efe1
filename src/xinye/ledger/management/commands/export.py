"""xinye export KIND -o FILE [--unmasked --reason "..."]: export a survey ledger in the template layout."""

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.core.errors import Refused
from xinye.ledger.exporters import export_ledger
from xinye.ledger.imports.specs import SPECS


class Command(XinyeCommand):
    help = (
        "导出摸排台账（与导入模板相同的格式）。默认脱敏；--unmasked 须同时用 --reason 说明理由，并记入日志。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", help="台账类型：" + "、".join(SPECS))
        parser.add_argument("-o", "--output", required=True, help="输出 xlsx 文件")
        parser.add_argument("--unmasked", action="store_true", help="不脱敏（需查看敏感信息的权限和理由）")
        parser.add_argument("--reason", default="", help="不脱敏导出的理由")

    def handle(self, *args, **options):
        kind = options["kind"]
        if kind not in SPECS:
            raise CommandError(f"未知的台账类型“{kind}”，可选：{'、'.join(SPECS)}", returncode=2)
        options["output"] = self.output_file(options["output"])
        try:
            count = export_ledger(
                kind,
                options["output"],
                actor=options["actor_user"],
                unmasked=options["unmasked"],
                reason=options["reason"],
            )
        except Refused as exc:
            raise CommandError("；".join(exc.messages), returncode=2) from exc
        self.stdout.write(f"已导出 {count} 条{SPECS[kind].label}记录到 {options['output']}")

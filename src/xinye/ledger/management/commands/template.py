"""xinye template KIND [-o FILE]: write the xlsx template of a survey ledger."""

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.ledger.exporters import write_template
from xinye.ledger.imports.specs import SPECS


class Command(XinyeCommand):
    help = "生成摸排台账导入模板（xlsx：中文表头、填写说明，身份证号和手机号列为文本格式）"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="台账类型：" + "、".join(SPECS))
        parser.add_argument("-o", "--output", help="输出文件（默认：<类型>模板.xlsx）")

    def handle(self, *args, **options):
        kind = options["kind"]
        if kind not in SPECS:
            raise CommandError(f"未知的台账类型“{kind}”，可选：{'、'.join(SPECS)}", returncode=2)
        out = options.get("output") or f"{SPECS[kind].label}台账模板.xlsx"
        out = self.output_file(out)
        try:
            write_template(kind, out)
        except OSError as exc:
            raise CommandError(f"无法写入 {out}：{exc.strerror or exc}", returncode=2) from None
        self.stdout.write(f"模板已写入 {out}")

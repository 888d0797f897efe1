"""xinye import-study FILE [--commit]: import study records (e.g. 学习强国 points) from a CSV file."""

from pathlib import Path

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.core.errors import OutOfScope, Refused
from xinye.members.importers import import_study_csv


class Command(XinyeCommand):
    help = (
        "导入外部平台学习记录（CSV：姓名、身份证号或手机号、日期、积分/学时）。默认只校验，--commit 才写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="校验全部通过后写入")
        parser.add_argument("--platform", default="学习强国", help="来源平台名称")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            result = import_study_csv(
                path.read_bytes(),
                actor=options["actor_user"],
                commit=options["commit"],
                platform=options["platform"],
            )
        except OutOfScope:
            raise CommandError("无权导入学习记录") from None
        except Refused as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(f"共 {result.rows} 行，重复 {result.duplicates} 行。")
        for error in result.errors:
            self.stdout.write(self.style.ERROR(error))
        if result.errors:
            raise CommandError(f"有 {len(result.errors)} 处错误，未写入任何记录")
        if result.committed:
            self.stdout.write(self.style.SUCCESS(f"已写入 {result.created} 条学习记录。"))
        else:
            self.stdout.write(f"校验通过，可写入 {len(result.pending)} 条；未写入（加 --commit 写入）。")

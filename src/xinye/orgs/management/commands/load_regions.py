from pathlib import Path

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.core.errors import OutOfScope
from xinye.orgs.services import RegionFileError, load_regions


class Command(XinyeCommand):
    help = "载入行政区划代码（CSV：代码,名称,上级代码[,级别]），用于其他城市。出错则一条不写。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 文件（UTF-8 或 GB18030）")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise CommandError("无法识别文件编码，请另存为 UTF-8 或 GB18030")
        try:
            created, updated = load_regions(text, actor=options["actor_user"])
        except RegionFileError as exc:
            raise CommandError("区划文件有误，未写入任何数据：\n" + "\n".join(exc.messages))
        except OutOfScope:
            raise CommandError(f"{options['actor_user']} 无权维护行政区划")
        self.stdout.write(f"新增 {created} 个，更新 {updated} 个行政区划。")

"""`xinye purge [--dry-run]`: apply the retention periods (console/retention.py; the table is in
docs/operations.md). `xinye tick` runs it once a day; run it by hand to see what a run would do."""

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.console import retention
from xinye.core.errors import OutOfScope


class Command(XinyeCommand):
    help = "按保存期限匿名化或删除到期的个人信息（诉求、随手拍、验证码、IP 地址、过期会话等），并记入操作日志"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只显示将处理的条数，不改动数据")

    def handle(self, *args, **options):
        try:
            result = retention.purge(actor=options["actor_user"], dry_run=options["dry_run"])
        except OutOfScope:
            raise CommandError("保存期限清理涉及全市数据，只能由系统或市级管理员执行（--actor）") from None
        for line in result.details:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(result.summary))

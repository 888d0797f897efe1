import time

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.coverage import aggregates


class Command(XinyeCommand):
    help = "按台账全量重算组织覆盖统计（企业覆盖状态、旗县区×行业统计单元）。批量导入或直接改库后运行。"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="只重算该旗县区（区划代码），默认全市")

    def handle(self, *args, **options):
        region = options.get("region")
        if region:
            from xinye.orgs.models import Region

            if not Region.objects.filter(code=region).exists():
                raise CommandError(f"未知的区划代码：{region}")
        started = time.monotonic()
        result = aggregates.refresh(region)
        self.stdout.write(
            f"已重算 {result['enterprises']} 家企业，统计单元 {result['cells']} 个，"
            f"用时 {time.monotonic() - started:.1f} 秒"
        )

import time

from xinye.accounts.commands import XinyeCommand
from xinye.guidance import pairs


class Command(XinyeCommand):
    help = "按责任关系、走访记录和指导员/联络员状态全量重算走访对象状态（工作台“季度走访逾期”所计）。直接改库后运行。"

    def handle(self, *args, **options):
        started = time.monotonic()
        count = pairs.rebuild()
        self.stdout.write(f"已重算走访对象 {count} 对，用时 {time.monotonic() - started:.1f} 秒")

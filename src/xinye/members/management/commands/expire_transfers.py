"""xinye expire-transfers: mark transfer letters past their validity without a 回执 as expired."""

import datetime

from xinye.accounts.commands import XinyeCommand
from xinye.members.services import expire_transfers, today


class Command(XinyeCommand):
    help = "将超过有效期（3个月，跨省6个月）仍未回执的组织关系介绍信标记为过期（可每日定时运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="按该日期判断（默认今天），如 2026-11-28")

    def handle(self, *args, **options):
        as_of = datetime.date.fromisoformat(options["as_of"]) if options.get("as_of") else today()
        count = expire_transfers(as_of, actor=options["actor_user"])
        self.stdout.write(f"已标记 {count} 封介绍信过期（截至 {as_of:%Y-%m-%d}）。")

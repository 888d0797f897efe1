"""xinye report statistics|briefing|backfill: the statistics workbook, the Word briefing, and back-filling
the daily snapshots. Exit codes: 0 done; 2 a bad argument (unknown period or scope), with a Chinese message.

    xinye report statistics --period 2026-11 --out 统计报表.xlsx [--scope lxgw-kerqin]
    xinye report briefing --period 2026-11 --out 工作简报.docx [--scope lxgw-kerqin]
    xinye report backfill [--since 2025-12-01] [--until 2026-12-04] [--replace]
    xinye report --actor kerqin_admin statistics …   (as a staff account: its scope, its grants)
"""

import datetime
import time

from django.core.management.base import CommandError
from django.utils import timezone

from xinye.accounts.commands import XinyeCommand
from xinye.core.errors import OutOfScope, Refused
from xinye.reports import services
from xinye.reports.context import parse_period, resolve_scope


def _messages(exc: Refused) -> str:
    return "；".join(exc.messages)


def _date(text: str, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name}：日期“{text}”无效，应写作 YYYY-MM-DD", returncode=2) from None


class Command(XinyeCommand):
    help = "统计报表（xlsx）、工作简报（docx）与每日统计快照回填"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, title="子命令")
        for name, helptext in (("statistics", "统计报表（Excel）"), ("briefing", "工作简报（Word）")):
            p = sub.add_parser(name, help=helptext)
            p.add_argument("--period", required=True, help="统计期，如 2026-11")
            p.add_argument("--out", required=True, help="输出文件")
            p.add_argument(
                "--scope", default="", help="统计范围：单位编码（如 lxgw-kerqin），默认全部可见范围"
            )
        p = sub.add_parser("backfill", help="按历史数据回填每日统计快照")
        p.add_argument("--since", default="", help="起始日期（默认一年前）")
        p.add_argument("--until", default="", help="截止日期（默认昨天）")
        p.add_argument("--replace", action="store_true", help="覆盖已有的快照")

    def handle(self, *args, **options):
        actor = options["actor_user"]
        what = options["what"]
        if what == "backfill":
            return self._backfill(options)
        try:
            period = parse_period(options["period"])
            scope = resolve_scope(actor, options["scope"])
        except Refused as exc:
            raise CommandError(_messages(exc), returncode=2) from exc
        options["out"] = self.output_file(options["out"])
        started = time.monotonic()
        try:
            if what == "statistics":
                sheets = services.export_statistics(options["out"], scope, period, actor=actor)
                done = f"已生成统计报表（{sheets} 张表）"
            else:
                services.export_briefing(options["out"], scope, period, actor=actor)
                done = "已生成工作简报"
        except OutOfScope as exc:
            raise CommandError("无导出统计报表的权限", returncode=2) from exc
        self.stdout.write(
            f"{done}：{scope.name} {period.title} → {options['out']}（{time.monotonic() - started:.1f} 秒）"
        )

    def _backfill(self, options):
        today = timezone.localdate()
        until = (
            _date(options["until"], "截止日期") if options["until"] else today - datetime.timedelta(days=1)
        )
        since = (
            _date(options["since"], "起始日期") if options["since"] else until - datetime.timedelta(days=365)
        )
        try:
            days = services.backfill(since, until, actor=options["actor_user"], replace=options["replace"])
        except Refused as exc:
            raise CommandError(_messages(exc), returncode=2) from exc
        except OutOfScope as exc:
            raise CommandError("统计快照只由系统回填（不带 --actor 运行）", returncode=2) from exc
        self.stdout.write(f"已回填统计快照 {days} 天（{since:%Y-%m-%d} 至 {until:%Y-%m-%d}）")

"""`xinye audit verify|purge|export`: the change log's hash chains checked, old days purged past the retention,
and the log shipped off the host as JSON lines (docs/operations.md, "The change log")."""

import datetime
import json

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.audit import chain
from xinye.audit.models import ChangeLog, LogAction
from xinye.audit.services import LOG_COLUMNS, log_event, purge
from xinye.core.errors import Refused

# a row's columns as the export writes them: the log's own columns (services.LOG_COLUMNS), keys by their ids
EXPORT_FIELDS = ("id", *(f"{c}_id" if c in ("user", "content_type") else c for c in LOG_COLUMNS))


def _date(text: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option}：日期“{text}”格式不对，应为 YYYY-MM-DD", returncode=2) from None


class Command(XinyeCommand):
    help = "操作日志的哈希链：verify 校验、purge 清除保留期以前的日志、export 导出为 JSON Lines"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, title="子命令")
        verify = sub.add_parser("verify", help="校验哈希链，报告第一处断裂；完好时退出码 0，断裂时 1")
        verify.add_argument("--since", help="只校验该日期（YYYY-MM-DD）及以后的链")
        remove = sub.add_parser("purge", help="清除某日期以前整日的日志（不得晚于保留期），并记入日志")
        remove.add_argument("--before", required=True, help="清除该日期（YYYY-MM-DD）之前各日的日志")
        export = sub.add_parser("export", help="导出日志（每行一条 JSON，含哈希和链位置），供异地保存")
        export.add_argument("--since", required=True, help="起始日期（YYYY-MM-DD，含）")
        export.add_argument("--until", help="截止日期（YYYY-MM-DD，含）；缺省为今天")
        export.add_argument("--out", required=True, help="输出文件（.jsonl），“-”为标准输出")

    def handle(self, *args, **options):
        return getattr(self, f"_{options['what']}")(options)

    def _verify(self, options):
        since = _date(options["since"], "--since") if options.get("since") else None
        result = chain.verify(since)
        if result.intact:
            self.stdout.write(
                self.style.SUCCESS(f"哈希链完好：已校验 {result.chains} 条链、{result.rows} 行日志")
            )
            return
        broken = result.broken
        self.stdout.write(f"已校验 {result.chains} 条链、{result.rows} 行日志，发现断裂：")
        self.stdout.write(f"  链：{broken.chain}")
        if broken.row_id is not None:
            self.stdout.write(f"  日志行：{broken.row_id}")
        if broken.time is not None:
            self.stdout.write(f"  时间：{broken.time.isoformat()}")
        self.stdout.write(f"  问题：{broken.problem}")
        raise CommandError("操作日志的哈希链已断裂", returncode=1)

    def _purge(self, options):
        before = _date(options["before"], "--before")
        try:
            entry = purge(before, actor=options["actor_user"])
        except Refused as exc:
            raise CommandError("；".join(exc.messages), returncode=2) from exc
        self.stdout.write(self.style.SUCCESS(entry.note))

    def _export(self, options):
        since = _date(options["since"], "--since")
        until = _date(options["until"], "--until") if options.get("until") else None
        rows = ChangeLog.objects.filter(chain_day__gte=since).order_by("chain_day", "chain_shard", "seq")
        if until is not None:
            if until < since:
                raise CommandError("--until 不能早于 --since", returncode=2)
            rows = rows.filter(chain_day__lte=until)
        out = options["out"]
        try:
            stream = self.stdout if out == "-" else open(out, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"--out：无法写入 {out}：{exc.strerror}", returncode=2) from None
        count = 0
        try:
            for values in rows.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000):
                line = dict(zip(EXPORT_FIELDS, values, strict=True))
                line["time"] = chain.time_text(line["time"])
                line["chain_day"] = line["chain_day"].isoformat()
                line["chain"] = chain.chain_key(values[-4], values[-3])
                stream.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        finally:
            if stream is not self.stdout:
                stream.close()
        span = f"{since.isoformat()} 至 {until.isoformat() if until else '今天'}"
        log_event(LogAction.EXPORT, note=f"导出操作日志 {span}，{count} 条，至 {out}", model=ChangeLog)
        if out != "-":
            self.stdout.write(self.style.SUCCESS(f"已导出 {count} 行日志到 {out}"))

"""xinye plans: the monthly ranking of the 行业党建办 (`rank`, `--publish` to store it) and the monthly 通报
as a Word document (`bulletin`)."""

from django.core.management.base import CommandError
from django.utils import timezone

from xinye.accounts.commands import XinyeCommand
from xinye.accounts.permissions import restrict
from xinye.core.errors import OutOfScope, Refused
from xinye.plans import bulletin, ranking, services
from xinye.plans.models import PlanNotice, PlanTask


class Command(XinyeCommand):
    help = "行业党建办月度排名（rank）与月度通报（bulletin，Word）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rank = sub.add_parser("rank", help="按计分规则计算某月排名，逐项说明得分")
        rank.add_argument("--month", required=True, help="月份 YYYY-MM")
        rank.add_argument("--publish", action="store_true", help="发布（保存）该月排名")
        rank.add_argument("--explain", action="store_true", help="逐项列出得分说明")
        out = sub.add_parser("bulletin", help="生成某月通报（.docx）")
        out.add_argument("--month", required=True, help="月份 YYYY-MM")
        out.add_argument("--out", required=True, help="输出文件，如 tongbao-2026-11.docx")

    def handle(self, *args, **options):
        actor = options["actor_user"]
        try:
            month = ranking.parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        today = timezone.localdate()
        try:
            if options["action"] == "rank" and options["publish"]:
                services.publish_ranking(month, actor=actor, today=today)
            stored, items = ranking.ranking_for(actor, month, today)
        except OutOfScope:
            raise CommandError("无权查看行业党建办排名") from None
        except Refused as exc:
            raise CommandError("；".join(exc.messages)) from None
        if options["action"] == "rank":
            state = "已发布" if stored else "未发布，即时计算"
            self.stdout.write(f"{month:%Y-%m} 行业党建办排名（{state}，共 {len(items)} 个）")
            for item in items:
                self.stdout.write(f"{item['rank']:>3}\t{item['score']}\t{item['office']}")
                if options["explain"]:
                    for part in item["parts"]:
                        self.stdout.write(f"\t\t{part['explanation']}")
            return
        tasks = restrict(PlanTask.objects.all(), actor, "view")
        notices = restrict(PlanNotice.objects.all(), actor, "view")
        doc = bulletin.build(month, items, today, tasks=tasks, notices=notices)
        try:
            doc.save(self.output_file(options["out"]))
        except OSError as exc:
            raise CommandError(f"无法写入 {options['out']}：{exc.strerror}") from None
        self.stdout.write(f"已生成 {options['out']}（{len(items)} 个行业党建办）")

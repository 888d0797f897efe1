"""xinye propose-assignments: print the 分级分片 proposal (and, with --confirm, record it)."""

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.accounts.permissions import restrict
from xinye.core.errors import OutOfScope, Refused
from xinye.guidance import services
from xinye.ledger.models import Enterprise


class Command(XinyeCommand):
    help = "生成指导员、联络员分级分片分配方案（同县优先、就近、均衡）；加 --confirm 写入责任矩阵"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="旗县区代码，如 150502；不填为全部")
        parser.add_argument("--replan", action="store_true", help="重新规划（调整已有分配）")
        parser.add_argument("--confirm", action="store_true", help="确认方案并写入责任矩阵")

    def handle(self, *args, **options):
        actor = options["actor_user"]
        enterprises = restrict(Enterprise.objects.filter(is_active=True), actor, "change")
        if options.get("region"):
            enterprises = enterprises.filter(region_id=options["region"])
        proposal = services.propose_for(enterprises, replan=options["replan"])
        for note in proposal.notes:
            self.stdout.write(f"说明：{note}")
        for ent_id, kind, reason in proposal.unassigned:
            self.stdout.write(f"无法分配：企业 {ent_id}（{kind}）：{reason}")
        items = [i for i in proposal.items if i.change != "keep"]
        for item in items:
            self.stdout.write(item.explanation)
        self.stdout.write(f"共 {len(items)} 项分配{'（保持不变的未列出）' if options['replan'] else ''}。")
        if options["confirm"] and items:
            try:
                recorded = services.confirm_assignment(items, actor=actor)
            except Refused as exc:
                raise CommandError("；".join(exc.messages)) from None
            except OutOfScope:
                raise CommandError("所选企业或指导员不在您的管辖范围内") from None
            self.stdout.write(f"已写入责任矩阵 {len(recorded)} 项。")

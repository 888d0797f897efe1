"""xinye orglife-health: organisations not running normally in a period ("组建一个、正常运转一个")."""

from django.core.management.base import CommandError

from xinye.accounts.commands import XinyeCommand
from xinye.accounts.permissions import restrict
from xinye.core.errors import Refused


class Command(XinyeCommand):
    help = "列出未正常运转的党组织及缺项（按会议频次规则、出席、党员组织生活与党费、任期）"

    def add_arguments(self, parser):
        parser.add_argument("--period", default="", help="考核期：2026Q4 或 2026；默认本季度")
        parser.add_argument("--region", help="旗县区代码")
        parser.add_argument("--industry", help="行业代码")
        parser.add_argument("--all", action="store_true", help="列出全部党组织（默认只列未正常运转的）")

    def handle(self, *args, **options):
        from xinye.ledger.models import PartyOrganisation
        from xinye.orglife import services

        orgs = restrict(PartyOrganisation.objects.all(), options["actor_user"], "view")
        if options.get("region"):
            orgs = orgs.filter(region_id=options["region"])
        if options.get("industry"):
            orgs = orgs.filter(industry=options["industry"])
        try:
            results = services.assess_all(orgs, options["period"])
        except Refused as exc:
            raise CommandError("；".join(exc.messages)) from None
        shown = results if options["all"] else [h for h in results if not h.normal]
        for h in shown:
            state = "正常" if h.normal else "未正常运转"
            self.stdout.write(f"{h.name}\t{h.score} 分\t{state}")
            for item in h.missing:
                self.stdout.write(f"    - {item}")
        bad = sum(1 for h in results if not h.normal)
        self.stdout.write(f"共 {len(results)} 个党组织，未正常运转 {bad} 个。")

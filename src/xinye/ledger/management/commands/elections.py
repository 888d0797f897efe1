"""`xinye elections [--days N] [--region CODE]`: party organisations due for election (换届提醒)."""

from xinye.accounts.commands import XinyeCommand
from xinye.accounts.permissions import restrict
from xinye.ledger import rules, services
from xinye.ledger.models import PartyOrganisation


class Command(XinyeCommand):
    help = "列出任期将在 N 天内届满（含已超期）的党组织（默认 90 天；党支部/党总支 3 年，基层党委 5 年）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="提前天数（默认取规则 election_notice_days）"
        )
        parser.add_argument("--region", default="", help="只看某旗县区（区划代码）")

    def handle(self, *args, **options):
        qs = PartyOrganisation.objects.select_related("unit", "region")
        qs = restrict(qs, options["actor_user"], "view")
        if options["region"]:
            qs = qs.filter(region_id=options["region"])
        days = options["days"] if options["days"] is not None else rules.rule("election_notice_days")
        today = services.local_today()
        rows = list(services.due_for_election(qs, today=today, days=days).order_by("next_election_on", "pk"))
        for org in rows:
            left = (org.next_election_on - today).days
            when = f"已超期 {-left} 天" if left < 0 else f"还有 {left} 天"
            self.stdout.write(
                f"{org.next_election_on:%Y-%m-%d}  {when:<10}  {org.region.name:<10}  {org.unit.name}"
                f"（{org.unit.get_kind_display()}，任期 {org.term_years} 年）"
            )
        self.stdout.write(f"共 {len(rows)} 个党组织 {days} 天内应换届。")

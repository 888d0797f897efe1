from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "xinye.funds"
    pillar = "support"
    verbose_name = _("如何保障 · 党建经费")
    nav_links = [
        (_("经费收支统计"), "monitoring", "admin:funds_allocation_balances", "funds.allocation"),
        (_("导出支出明细"), "download", "admin:funds_spending_export", "export:funds.spending"),
    ]

    def dashboard_cards(self, request):
        """The console home: applications waiting for this user's review, and this year's balance."""
        from django.urls import reverse
        from django.utils import timezone

        from xinye.accounts.permissions import has_action, restrict
        from xinye.funds import services
        from xinye.funds.models import Allocation

        if not has_action(request.user, "view", Allocation):
            return []
        year = timezone.localdate().year
        funds = restrict(Allocation.objects.all(), request.user, "view").filter(year=year)
        changelist = reverse("admin:funds_allocation_changelist")
        cards = []
        if has_action(request.user, "approve", Allocation):
            waiting = restrict(Allocation.objects.all(), request.user, "approve").filter(status="applied")
            cards.append(
                {
                    "title": _("待审核经费申请"),
                    "value": waiting.count(),
                    "link": changelist + "?status__exact=applied",
                }
            )
        cards.append(
            {
                "title": _("本年度经费余额（元）"),
                "value": services.yuan(services.totals(funds)["balance"]),
                "link": reverse("admin:funds_allocation_balances"),
            }
        )
        return cards

    def ready(self):
        from xinye.funds import signals
        from xinye.ledger.signals import formation_completed

        formation_completed.connect(signals.formation_completed, dispatch_uid="xinye_funds_propose_work_fund")

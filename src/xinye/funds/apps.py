from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "xinye.funds"
    pillar = "support"
    verbose_name = _("如何保障 · 党建经费")
    nav_links = [
        (_("经费收支统计"), "monitoring", "admin:funds_allocation_balances", "funds.allocation"),
        (_("导出支出明细"), "download", "admin:funds_spending_export", "funds.spending"),
    ]

    def ready(self):
        from xinye.funds import signals
        from xinye.ledger.signals import formation_completed

        formation_completed.connect(signals.formation_completed, dispatch_uid="xinye_funds_propose_work_fund")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "xinye.pairing"
    pillar = "support"
    verbose_name = _("如何保障 · 结对共建")
    nav_links = [(_("结对共建统计"), "monitoring", "pairing:overview", "pairing.pairing")]

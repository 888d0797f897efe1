from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "xinye.audit"
    pillar = "system"
    verbose_name = _("审计日志")

    def ready(self):
        from xinye.audit import signals

        signals.connect_all()

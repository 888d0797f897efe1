from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "xinye.audit"
    pillar = "system"
    verbose_name = _("审计日志")

    def ready(self):
        from xinye.audit import signals

        signals.connect_all()
        checks.register(check_retention)


def check_retention(app_configs, **kwargs):
    """`xinye check` (and every start of the server) fails when the log's retention is below the minimum."""
    from xinye.audit.services import MIN_RETENTION_DAYS

    days = getattr(settings, "XINYE_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if days < MIN_RETENTION_DAYS:
        return [
            checks.Error(
                f"XINYE_AUDIT_RETENTION_DAYS={days} 低于法定最短保留期 {MIN_RETENTION_DAYS} 天",
                id="xinye_audit.E001",
            )
        ]
    return []

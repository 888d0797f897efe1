from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xinye.audit"
    pillar = "system"
    verbose_name = "审计日志"

    def ready(self):
        from xinye.audit import signals

        signals.connect_all()

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "xinye.ledger"
    pillar = "build"
    verbose_name = "怎么建 · 摸排台账"

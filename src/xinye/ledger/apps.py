from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "xinye.ledger"
    pillar = "build"
    verbose_name = "怎么建 · 摸排台账"
    nav_links = [
        ("换届提醒", "event_repeat", "ledger:due_for_election", "ledger.partyorganisation"),
    ]

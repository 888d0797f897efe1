"""The ledger's one announcement to the rest of the platform: "these enterprises changed".

Sent by the ledger's services (and its bulk importers) inside their transaction, after every write that can
bear on what an enterprise is (its office, county, industry), who works there, which members it has, or
which party organisations cover it. Coverage listens and recomputes what the change touches; nothing in the
ledger knows who listens (coverage sits on a higher floor).

Arguments: `enterprise_ids` (set of ids, deleted ones included) and `organisation_ids` (the party
organisations written, deleted ones included: their placement in the statistics may move).
"""

from django.dispatch import Signal

enterprises_changed = Signal()


def send(enterprise_ids=(), organisation_ids=()) -> None:
    ids = {i for i in enterprise_ids if i}
    orgs = {i for i in organisation_ids if i}
    if ids or orgs:
        enterprises_changed.send(sender="ledger", enterprise_ids=ids, organisation_ids=orgs)

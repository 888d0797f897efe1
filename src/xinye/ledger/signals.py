"""The ledger's one announcement to the rest of the platform: "these enterprises changed".

Sent by the ledger's services (and its bulk importers) inside their transaction, after every write that can
bear on what an enterprise is (its office, county, industry), who works there, which members it has, or
which party organisations cover it. Coverage listens and recomputes what the change touches; nothing in the
ledger knows who listens (coverage sits on a higher floor).

Arguments: `enterprise_ids` (set of ids, deleted ones included) and `organisation_ids` (the party
organisations written, deleted ones included: their placement in the statistics may move).

One fact below the ledger changes what its organisations are: the kind of a party organisation's unit
(orgs.OrgUnit, e.g. 党支部 → 联合党支部). The ledger translates that into the same announcement
(`connect()`, from LedgerConfig.ready), so listeners need to know only this one signal for the ledger.
"""

from django.db.models.signals import post_save
from django.dispatch import Signal

enterprises_changed = Signal()


def send(enterprise_ids=(), organisation_ids=()) -> None:
    ids = {i for i in enterprise_ids if i}
    orgs = {i for i in organisation_ids if i}
    if ids or orgs:
        enterprises_changed.send(sender="ledger", enterprise_ids=ids, organisation_ids=orgs)


def _unit_saved(sender, instance, created, raw=False, **kwargs):
    from xinye.ledger.models import PartyOrganisation
    from xinye.orgs.choices import PARTY_ORG_KINDS

    if raw or created or instance.kind not in PARTY_ORG_KINDS:
        return
    org = PartyOrganisation.objects.filter(unit_id=instance.pk).first()
    if org is not None:
        send(org.enterprises.values_list("pk", flat=True), [org.pk])


def connect() -> None:
    from xinye.orgs.models import OrgUnit

    post_save.connect(_unit_saved, sender=OrgUnit, dispatch_uid="xinye_ledger_unit_kind")

"""The ledger's announcements to the rest of the platform: "these enterprises changed" and, below it,
"a formation case completed" (`formation_completed`).

Sent by the ledger's services (and its bulk importers) inside their transaction, after every write that can
bear on what an enterprise is (its office, county, industry), who works there, which members it has, or
which party organisations cover it. Coverage listens and recomputes what the change touches; nothing in the
ledger knows who listens (coverage sits on a higher floor).

Arguments: `enterprise_ids` (set of ids, deleted ones included), `organisation_ids` (the party
organisations written, deleted ones included: their placement in the statistics may move) and `agent_ids`
(instructors and liaisons whose assignment to these enterprises changed).

Two facts kept below the ledger, in the org tree, change what its enterprises are: who is assigned to an
enterprise (orgs.Responsibility: an instructor or liaison gives 工作覆盖) and the kind of a party
organisation's unit (orgs.OrgUnit, e.g. 党支部 → 联合党支部). The ledger translates both into the same
announcement (`connect()`, from LedgerConfig.ready), so a listener needs this one signal for the ledger.
"""

import contextlib
import contextvars

from django.db.models.signals import post_save
from django.dispatch import Signal

enterprises_changed = Signal()

# A formation case reached its last step (录入台账): its party organisation now exists. Sent by
# `services.apply_formation_transition` inside its transaction with `case` and `actor`; funds listens and
# proposes the new branch's 党建工作经费.
formation_completed = Signal()

_batch: contextvars.ContextVar[dict | None] = contextvars.ContextVar("ledger_changed_batch", default=None)


def send(enterprise_ids=(), organisation_ids=(), agent_ids=()) -> None:
    """Announce a change (or, inside `batched()`, add it to the one announcement made at the end)."""
    ids = {i for i in enterprise_ids if i}
    orgs = {i for i in organisation_ids if i}
    agents = {i for i in agent_ids if i}
    pending = _batch.get()
    if pending is not None:
        pending["enterprise_ids"] |= ids
        pending["organisation_ids"] |= orgs
        pending["agent_ids"] |= agents
        return
    if ids or orgs or agents:
        enterprises_changed.send(sender="ledger", enterprise_ids=ids, organisation_ids=orgs, agent_ids=agents)


@contextlib.contextmanager
def batched():
    """One announcement for everything written inside the block, sent when it ends without an error (for
    loaders that write many rows one by one, such as the demo; a nested block joins the outer one)."""
    if _batch.get() is not None:
        yield
        return
    pending = {"enterprise_ids": set(), "organisation_ids": set(), "agent_ids": set()}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    send(**pending)


def _unit_saved(sender, instance, created, raw=False, **kwargs):
    from xinye.ledger.models import PartyOrganisation
    from xinye.orgs.choices import PARTY_ORG_KINDS

    if raw or created or instance.kind not in PARTY_ORG_KINDS:
        return
    org = PartyOrganisation.objects.filter(unit_id=instance.pk).first()
    if org is not None:
        send(org.enterprises.values_list("pk", flat=True), [org.pk])


def _enterprise_ct_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    from xinye.ledger.models import Enterprise

    return ContentType.objects.get_for_model(Enterprise).pk


def _responsibility_saving(sender, instance, raw=False, **kwargs):
    instance._ledger_old = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._ledger_old = (
            sender.objects.filter(pk=instance.pk)
            .values_list("content_type_id", "object_id", "agent_id")
            .first()
        )


def _responsibility_changed(sender, instance, raw=False, **kwargs):
    """Only rows held by a person (an instructor or liaison) on an enterprise bear on it; the rows held by
    units are read live where they matter (the responsibility matrix's gaps)."""
    if raw:
        return
    enterprises, agents = set(), set()
    ct = _enterprise_ct_id()
    old = getattr(instance, "_ledger_old", None)
    if old and old[0] == ct and old[2]:
        enterprises.add(old[1])
        agents.add(old[2])
    if instance.content_type_id == ct and instance.agent_id:
        enterprises.add(instance.object_id)
        agents.add(instance.agent_id)
    send(enterprises, agent_ids=agents)


def connect() -> None:
    from django.db.models.signals import post_delete, pre_save

    from xinye.orgs.models import OrgUnit, Responsibility

    uid = "xinye_ledger_"
    post_save.connect(_unit_saved, sender=OrgUnit, dispatch_uid=uid + "unit_kind")
    pre_save.connect(_responsibility_saving, sender=Responsibility, dispatch_uid=uid + "r_presave")
    post_save.connect(_responsibility_changed, sender=Responsibility, dispatch_uid=uid + "r_save")
    post_delete.connect(_responsibility_changed, sender=Responsibility, dispatch_uid=uid + "r_del")

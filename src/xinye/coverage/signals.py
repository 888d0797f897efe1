"""Keep the coverage aggregates current (connected in CoverageConfig.ready).

One listener for the ledger: `ledger.signals.enterprises_changed`, which the ledger's services and bulk
importers send inside their transaction with the enterprises (organisations, agents) a write touched — and
which the ledger also sends when an assignment (orgs.Responsibility) or an organisation's unit kind changes;
the handler recomputes those enterprises, the organisations and agents depending on them, and their cells.

Work coverage also depends on whether an instructor or liaison is active (orgs.Agent, which the ledger's
signal does not cover), so the agents' saves and deletes feed the same recomputation. Writes that bypass
all of these (raw SQL, `QuerySet.update()` on the ledger outside its services) must be followed by
`coverage.aggregates.refresh()` (`xinye coverage-refresh`).
"""

from django.db.models.signals import post_delete, post_save, pre_delete

from xinye.coverage import aggregates


def enterprises_changed(sender, enterprise_ids=(), organisation_ids=(), agent_ids=(), **kwargs):
    aggregates.refresh_agents(agent_ids)
    aggregates.refresh_organisations(organisation_ids)
    aggregates.refresh_enterprises(enterprise_ids)


# --- work coverage: the instructors and liaisons themselves (orgs.Agent) ---


def agent_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from xinye.orgs.models import Responsibility

    aggregates.refresh_agents([instance.pk])
    aggregates.refresh_enterprises(
        Responsibility.objects.filter(
            content_type=aggregates._enterprise_ct(), agent_id=instance.pk
        ).values_list("object_id", flat=True)
    )


def agent_deleting(sender, instance, **kwargs):
    from xinye.coverage.models import AgentPlacement

    instance._coverage_keys = set(
        AgentPlacement.objects.filter(agent_id=instance.pk).values_list("unit_id", "region_id", "industry")
    )


def agent_deleted(sender, instance, **kwargs):
    from xinye.coverage.models import AgentPlacement

    AgentPlacement.objects.filter(agent_id=instance.pk).delete()
    aggregates.refresh_agents([], extra_keys=getattr(instance, "_coverage_keys", set()))


def connect() -> None:
    from xinye.ledger import signals as ledger_signals
    from xinye.orgs.models import Agent

    uid = "xinye_coverage_"
    ledger_signals.enterprises_changed.connect(enterprises_changed, dispatch_uid=uid + "ledger")
    post_save.connect(agent_saved, sender=Agent, dispatch_uid=uid + "a_save")
    pre_delete.connect(agent_deleting, sender=Agent, dispatch_uid=uid + "a_predel")
    post_delete.connect(agent_deleted, sender=Agent, dispatch_uid=uid + "a_del")

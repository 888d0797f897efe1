"""Keep the coverage aggregates current (connected in CoverageConfig.ready).

One listener for the ledger: `ledger.signals.enterprises_changed`, which the ledger's services and bulk
importers send inside their transaction with the enterprises (and organisations) a write touched; the
handler recomputes those enterprises, the organisations and agents depending on them, and their cells.

Work coverage also depends on two facts the ledger does not hold — who is assigned to an enterprise
(orgs.Responsibility) and whether that instructor or liaison is active (guidance.Agent) — so their saves and
deletes feed the same recomputation. Writes that bypass all of these (raw SQL, `QuerySet.update()` on the
ledger outside its services) must be followed by `coverage.aggregates.refresh()` (`xinye coverage-refresh`).
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from xinye.coverage import aggregates

WORK_ROLES = ("instructor", "liaison")


def enterprises_changed(sender, enterprise_ids=(), organisation_ids=(), **kwargs):
    aggregates.refresh_organisations(organisation_ids)
    aggregates.refresh_enterprises(enterprise_ids)


# --- work coverage: the responsibility matrix and the agents ---


def _is_enterprise_row(instance) -> bool:
    return instance.content_type_id == aggregates._enterprise_ct().pk


def responsibility_saving(sender, instance, raw=False, **kwargs):
    instance._coverage_old = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._coverage_old = (
            sender.objects.filter(pk=instance.pk)
            .values_list("content_type_id", "object_id", "agent_id")
            .first()
        )


def responsibility_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    enterprises, agents = set(), set()
    old = getattr(instance, "_coverage_old", None)
    if old and old[0] == aggregates._enterprise_ct().pk and old[2]:
        enterprises.add(old[1])
        agents.add(old[2])
    # Only rows held by a person (instructor, liaison) bear on coverage; units' rows are read live (gaps).
    if _is_enterprise_row(instance) and instance.agent_id:
        enterprises.add(instance.object_id)
        agents.add(instance.agent_id)
    if enterprises:
        aggregates.refresh_agents(agents)
        aggregates.refresh_enterprises(enterprises)


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
    from xinye.guidance.models import Agent
    from xinye.ledger import signals as ledger_signals
    from xinye.orgs.models import Responsibility

    uid = "xinye_coverage_"
    ledger_signals.enterprises_changed.connect(enterprises_changed, dispatch_uid=uid + "ledger")
    pre_save.connect(responsibility_saving, sender=Responsibility, dispatch_uid=uid + "r_presave")
    post_save.connect(responsibility_changed, sender=Responsibility, dispatch_uid=uid + "r_save")
    post_delete.connect(responsibility_changed, sender=Responsibility, dispatch_uid=uid + "r_del")
    post_save.connect(agent_saved, sender=Agent, dispatch_uid=uid + "a_save")
    pre_delete.connect(agent_deleting, sender=Agent, dispatch_uid=uid + "a_predel")
    post_delete.connect(agent_deleted, sender=Agent, dispatch_uid=uid + "a_del")

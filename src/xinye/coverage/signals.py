"""Keep the coverage aggregates current as the ledger changes (connected in CoverageConfig.ready).

Every handler recomputes only what the change touches (one enterprise, one organisation, one agent, and
their cells). Practitioners only move counters. Writes that send no signals (bulk_create, update())
must be followed by `coverage.services.refresh()`.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from xinye.coverage import services

WORK_ROLES = ("instructor", "liaison")


def _cell_of_enterprise(enterprise_id):
    from xinye.coverage.models import EnterpriseCoverage

    return set(
        EnterpriseCoverage.objects.filter(enterprise_id=enterprise_id).values_list(
            "unit_id", "region_id", "industry"
        )
    )


# --- enterprises ---


def enterprise_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.refresh_enterprises([instance.pk])


def enterprise_deleting(sender, instance, **kwargs):
    from xinye.orgs.models import Responsibility

    instance._coverage_keys = _cell_of_enterprise(instance.pk)
    instance._coverage_orgs = list(instance.party_organisations.values_list("pk", flat=True))
    instance._coverage_agents = list(
        Responsibility.objects.filter(
            content_type=services._enterprise_ct(), object_id=instance.pk, agent__isnull=False
        ).values_list("agent_id", flat=True)
    )


def enterprise_deleted(sender, instance, **kwargs):
    keys = getattr(instance, "_coverage_keys", set())
    services.refresh_organisations(getattr(instance, "_coverage_orgs", []), extra_keys=keys)
    services.refresh_agents(getattr(instance, "_coverage_agents", []), extra_keys=keys)


# --- practitioners: counters only ---


def practitioner_saving(sender, instance, raw=False, **kwargs):
    instance._coverage_old_enterprise = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._coverage_old_enterprise = (
            sender.objects.filter(pk=instance.pk).values_list("enterprise_id", flat=True).first()
        )


def practitioner_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    old = getattr(instance, "_coverage_old_enterprise", None)
    if created:
        services.add_practitioners(instance.enterprise_id, +1)
    elif old and old != instance.enterprise_id:
        services.add_practitioners(old, -1)
        services.add_practitioners(instance.enterprise_id, +1)


def practitioner_deleted(sender, instance, **kwargs):
    services.add_practitioners(instance.enterprise_id, -1)


# --- party members ---


def member_saving(sender, instance, raw=False, **kwargs):
    instance._coverage_old_enterprise = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._coverage_old_enterprise = (
            sender.objects.filter(pk=instance.pk).values_list("enterprise_id", flat=True).first()
        )


def member_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        services.refresh_enterprises(
            {instance.enterprise_id, getattr(instance, "_coverage_old_enterprise", None)}
        )


def member_deleted(sender, instance, **kwargs):
    services.refresh_enterprises([instance.enterprise_id])


# --- party organisations (+ the enterprises they cover) ---


def organisation_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    services.refresh_organisations([instance.pk])
    services.refresh_enterprises(instance.enterprises.values_list("pk", flat=True))


def organisation_deleting(sender, instance, **kwargs):
    from xinye.coverage.models import OrganisationPlacement

    instance._coverage_enterprises = list(instance.enterprises.values_list("pk", flat=True))
    instance._coverage_keys = set(
        OrganisationPlacement.objects.filter(organisation_id=instance.pk).values_list(
            "unit_id", "region_id", "industry"
        )
    )


def organisation_deleted(sender, instance, **kwargs):
    services.refresh_organisations([instance.pk])
    services.refresh_enterprises(
        getattr(instance, "_coverage_enterprises", []), extra_keys=getattr(instance, "_coverage_keys", set())
    )


def coverage_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """PartyOrganisation.enterprises changed, from either side."""
    if action == "pre_clear":
        if reverse:  # enterprise.party_organisations.clear()
            instance._coverage_cleared = list(instance.party_organisations.values_list("pk", flat=True))
        else:
            instance._coverage_cleared = list(instance.enterprises.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    touched = set(pk_set or ()) | set(getattr(instance, "_coverage_cleared", ()))
    org_ids, enterprise_ids = (touched, {instance.pk}) if reverse else ({instance.pk}, touched)
    # Every enterprise still covered by these organisations may change too (one covered → several: 联合组建).
    through = sender.objects.filter(partyorganisation_id__in=org_ids)
    enterprise_ids |= set(through.values_list("enterprise_id", flat=True))
    services.refresh_organisations(org_ids)
    services.refresh_enterprises(enterprise_ids)


def unit_saved(sender, instance, created, raw=False, **kwargs):
    """A party organisation's unit changed kind (e.g. 党支部 → 联合党支部): its coverage may change."""
    if raw or created or instance.kind not in _party_kinds():
        return
    from xinye.ledger.models import PartyOrganisation

    org = PartyOrganisation.objects.filter(unit_id=instance.pk).first()
    if org is not None:
        organisation_saved(PartyOrganisation, org)


def _party_kinds():
    from xinye.orgs.choices import PARTY_ORG_KINDS

    return PARTY_ORG_KINDS


# --- responsibility matrix and agents (工作覆盖) ---


def _is_enterprise_row(instance) -> bool:
    return instance.content_type_id == services._enterprise_ct().pk


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
    if old and old[0] == services._enterprise_ct().pk and old[2]:
        enterprises.add(old[1])
        agents.add(old[2])
    # Only rows held by a person (instructor, liaison) bear on coverage; units' rows are read live (gaps).
    if _is_enterprise_row(instance) and instance.agent_id:
        enterprises.add(instance.object_id)
        agents.add(instance.agent_id)
    if enterprises:
        services.refresh_agents(agents)
        services.refresh_enterprises(enterprises)


def agent_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from xinye.orgs.models import Responsibility

    services.refresh_agents([instance.pk])
    services.refresh_enterprises(
        Responsibility.objects.filter(
            content_type=services._enterprise_ct(), agent_id=instance.pk
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
    services.refresh_agents([], extra_keys=getattr(instance, "_coverage_keys", set()))


def connect() -> None:
    from xinye.guidance.models import Agent
    from xinye.ledger.models import Enterprise, PartyMember, PartyOrganisation, Practitioner
    from xinye.orgs.models import OrgUnit, Responsibility

    uid = "xinye_coverage_"
    post_save.connect(enterprise_saved, sender=Enterprise, dispatch_uid=uid + "e_save")
    pre_delete.connect(enterprise_deleting, sender=Enterprise, dispatch_uid=uid + "e_predel")
    post_delete.connect(enterprise_deleted, sender=Enterprise, dispatch_uid=uid + "e_del")
    pre_save.connect(practitioner_saving, sender=Practitioner, dispatch_uid=uid + "p_presave")
    post_save.connect(practitioner_saved, sender=Practitioner, dispatch_uid=uid + "p_save")
    post_delete.connect(practitioner_deleted, sender=Practitioner, dispatch_uid=uid + "p_del")
    pre_save.connect(member_saving, sender=PartyMember, dispatch_uid=uid + "m_presave")
    post_save.connect(member_saved, sender=PartyMember, dispatch_uid=uid + "m_save")
    post_delete.connect(member_deleted, sender=PartyMember, dispatch_uid=uid + "m_del")
    post_save.connect(organisation_saved, sender=PartyOrganisation, dispatch_uid=uid + "o_save")
    pre_delete.connect(organisation_deleting, sender=PartyOrganisation, dispatch_uid=uid + "o_predel")
    post_delete.connect(organisation_deleted, sender=PartyOrganisation, dispatch_uid=uid + "o_del")
    m2m_changed.connect(
        coverage_changed, sender=PartyOrganisation.enterprises.through, dispatch_uid=uid + "o_m2m"
    )
    post_save.connect(unit_saved, sender=OrgUnit, dispatch_uid=uid + "u_save")
    pre_save.connect(responsibility_saving, sender=Responsibility, dispatch_uid=uid + "r_presave")
    post_save.connect(responsibility_changed, sender=Responsibility, dispatch_uid=uid + "r_save")
    post_delete.connect(responsibility_changed, sender=Responsibility, dispatch_uid=uid + "r_del")
    post_save.connect(agent_saved, sender=Agent, dispatch_uid=uid + "a_save")
    pre_delete.connect(agent_deleting, sender=Agent, dispatch_uid=uid + "a_predel")
    post_delete.connect(agent_deleted, sender=Agent, dispatch_uid=uid + "a_del")

"""Keep the stored health (OrgHealth) current (connected in OrglifeConfig.ready).

The result of an organisation depends on its meetings (and their attendance), its members (who, full or
probationary, when they joined), their dues payments, its committee, its online groups and 党小组, its
record (the next election) and the meeting rules. A write to any of these marks the organisation's row
stale (one UPDATE, no assessment inside the writer's transaction); the next read recomputes stale rows
(`services.stored_health`) and `xinye tick` recomputes every row once a day. The ledger's bulk writers
(imports) announce their members through `ledger.signals.enterprises_changed`, which is listened to as
coverage listens to it. A change of the meeting rules marks every row stale.
"""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save


def mark_stale(unit_ids=(), organisation_ids=()) -> None:
    """The results of these organisations (by unit or by record) are out of date: the next read recomputes
    them (a flag on a derived cache, like coverage's aggregates: no actor, not in the change log)."""
    from xinye.orglife.models import OrgHealth

    unit_ids = {i for i in unit_ids if i}
    organisation_ids = {i for i in organisation_ids if i}
    # even a row already stale counts the mark: a refresh computing it now must see that it changed
    if unit_ids:
        OrgHealth.objects.filter(unit_id__in=unit_ids).update(stale=True, marks=F("marks") + 1)
    if organisation_ids:
        OrgHealth.objects.filter(organisation_id__in=organisation_ids).update(
            stale=True, marks=F("marks") + 1
        )


def _stale_units(*unit_ids):
    mark_stale(unit_ids=unit_ids)


def meeting_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _stale_units(instance.unit_id)


def attendance_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from xinye.orglife.models import Meeting

    _stale_units(*Meeting.objects.filter(pk=instance.meeting_id).values_list("unit_id", flat=True))


def member_saving(sender, instance, raw=False, **kwargs):
    instance._orglife_old_unit = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._orglife_old_unit = (
            sender.objects.filter(pk=instance.pk).values_list("unit_id", flat=True).first()
        )


def member_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _stale_units(instance.unit_id, getattr(instance, "_orglife_old_unit", None))


def dues_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from xinye.ledger.models import PartyMember

    units = set(PartyMember.objects.filter(pk=instance.member_id).values_list("unit_id", flat=True))
    _stale_units(instance.unit_id, *units)


def organisation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark_stale(organisation_ids=[instance.pk])


def committee_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # a member's committee seats changed: pk_set are organisations (all of them when cleared)
        if pk_set:
            mark_stale(organisation_ids=pk_set)
        else:
            mark_stale(organisation_ids=instance.committee_of.values_list("pk", flat=True))
        return
    mark_stale(organisation_ids=[instance.pk])


def group_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _stale_units(instance.unit_id)


def unit_changed(sender, instance, raw=False, **kwargs):
    """An organisation's unit (its name, kind) or a 党小组 under it (has_groups)."""
    if not raw:
        _stale_units(instance.pk, instance.parent_id)


def rules_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from xinye.orglife.models import OrgHealth

    OrgHealth.objects.filter(stale=False).update(stale=True)


def enterprises_changed(sender, enterprise_ids=(), organisation_ids=(), **kwargs):
    from xinye.ledger.models import PartyMember
    from xinye.orglife.models import OrgHealth

    if not OrgHealth.objects.exists():
        return
    units = set()
    if enterprise_ids:
        units = set(
            PartyMember.objects.filter(enterprise_id__in=enterprise_ids)
            .values_list("unit_id", flat=True)
            .distinct()
        )
    mark_stale(unit_ids=units, organisation_ids=organisation_ids)


def connect() -> None:
    from xinye.ledger import signals as ledger_signals
    from xinye.ledger.models import PartyMember, PartyOrganisation
    from xinye.members.models import DuesPayment
    from xinye.orglife.models import Attendance, Meeting, MeetingRule, OnlineGroup
    from xinye.orgs.models import OrgUnit

    uid = "xinye_orglife_health_"
    for model, handler, name in (
        (Meeting, meeting_changed, "meeting"),
        (Attendance, attendance_changed, "attendance"),
        (PartyMember, member_changed, "member"),
        (DuesPayment, dues_changed, "dues"),
        (PartyOrganisation, organisation_changed, "organisation"),
        (OnlineGroup, group_changed, "group"),
        (OrgUnit, unit_changed, "unit"),
        (MeetingRule, rules_changed, "rule"),
    ):
        post_save.connect(handler, sender=model, dispatch_uid=uid + name + "_save")
        post_delete.connect(handler, sender=model, dispatch_uid=uid + name + "_del")
    pre_save.connect(member_saving, sender=PartyMember, dispatch_uid=uid + "member_presave")
    m2m_changed.connect(
        committee_changed, sender=PartyOrganisation.committee.through, dispatch_uid=uid + "committee"
    )
    ledger_signals.enterprises_changed.connect(enterprises_changed, dispatch_uid=uid + "ledger")

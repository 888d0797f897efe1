"""Capture every create/update/delete of xinye's models — console, API, CLI and portal alike."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from xinye.audit.services import record_change, snapshot

AUDITED_APPS = {
    "accounts",
    "orgs",
    "guidance",
    "ledger",
    "coverage",
    "stations",
    "workers",
    "portal",
    "appeals",
    "hazards",
    "volunteers",
    "orglife",
    "members",
    "core",
    "rulebook",
    "teams",
    "honours",
    "funds",
    "pairing",
    "support",
    "care",
    "plans",
    "grading",
    "reports",  # the display links of the wall screen (snapshots are audit_exclude: derived figures)
}


def _audited(model) -> bool:
    return (
        model._meta.app_label in AUDITED_APPS
        and not getattr(model, "audit_exclude", False)
        and not model._meta.auto_created
    )


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    instance._audit_before = None
    if instance.pk is not None and not instance._state.adding:
        names = [f.attname for f in sender._meta.concrete_fields]
        row = sender._base_manager.filter(pk=instance.pk).values(*names).first()
        if row is not None:
            instance._audit_before = snapshot(instance, row)


def _post_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _audited(sender):
        return
    after = snapshot(instance)
    if created:
        record_change("create", instance, None, after)
    else:
        record_change("update", instance, getattr(instance, "_audit_before", None) or {}, after)


def _post_delete(sender, instance, **kwargs):
    if not _audited(sender):
        return
    record_change("delete", instance, snapshot(instance), None)


def connect_all() -> None:
    pre_save.connect(_pre_save, dispatch_uid="xinye_audit_pre_save")
    post_save.connect(_post_save, dispatch_uid="xinye_audit_post_save")
    post_delete.connect(_post_delete, dispatch_uid="xinye_audit_post_delete")


def audited_models():
    return [m for m in apps.get_models() if _audited(m)]

"""Roles name object types by app label ("portal.worker"): the grants of every role, built-in or made by an
administrator, now name the moved types "workers.*". Built-in roles are rewritten from presets.py after
every migrate anyway; a role an administrator made would otherwise silently lose what it granted."""

from django.db import migrations

RENAMED = {
    "portal.worker": "workers.worker",
    "portal.consent": "workers.consent",
    "portal.privacynotice": "workers.privacynotice",
    "portal.*": "workers.*",  # portal's only model left (sign-in codes) has no console page
}


def _rename(apps, mapping):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.all():
        grants = dict(role.grants or {})
        if not any(key in grants for key in mapping):
            continue
        for old, new in mapping.items():
            if old in grants:
                actions = grants.pop(old)
                grants[new] = [*grants.get(new, []), *(a for a in actions if a not in grants.get(new, []))]
        role.grants = grants
        role.save(update_fields=["grants"])


def forwards(apps, schema_editor):
    _rename(apps, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("workers", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

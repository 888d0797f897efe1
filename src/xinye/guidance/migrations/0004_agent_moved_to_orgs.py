"""`Agent` now lives in orgs (orgs 0003; issue 12, item 4): point visits and assessments at `orgs.Agent` and
drop `guidance.Agent` from the state. State only for the schema: the table `guidance_agent` and its foreign
keys stay as they are.

Two rows follow the model so nothing an existing database holds about agents is lost: the content type
`guidance.agent` becomes `orgs.agent` (the change log's entries and any responsibility rows keep pointing at
it), and a custom role's grant on "guidance.agent" (or "guidance.*", which covered agents) is carried over to
"orgs.agent". The built-in roles are refreshed from presets.py after every migrate.
"""

import django.db.models.deletion
from django.db import migrations, models

OLD, NEW = ("guidance", "agent"), ("orgs", "agent")


def _rename_content_type(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=target[0], model=target[1]).exists():
        types.filter(app_label=source[0], model=source[1]).update(app_label=target[0])
    ContentType.objects.clear_cache()


def _covers(pattern, otype):
    return pattern == "*" or pattern == otype or pattern == otype.split(".")[0] + ".*"


def forwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, OLD, NEW)
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.using(schema_editor.connection.alias).filter(builtin=False):
        grants = dict(role.grants or {})
        had = {a for p, actions in grants.items() if _covers(p, "guidance.agent") for a in actions}
        grants.pop("guidance.agent", None)
        has = {a for p, actions in grants.items() if _covers(p, "orgs.agent") for a in actions}
        if had - has:
            grants["orgs.agent"] = sorted(had | set(grants.get("orgs.agent", [])))
        if grants != role.grants:
            role.grants = grants
            role.save(update_fields=["grants"])


def backwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, NEW, OLD)
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.using(schema_editor.connection.alias).filter(builtin=False):
        grants = dict(role.grants or {})
        if "orgs.agent" not in grants:
            continue
        grants["guidance.agent"] = grants.pop("orgs.agent")
        role.grants = grants
        role.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0003_visit_visitproblem_instructorassessment_and_more"),
        ("orgs", "0003_agent"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="instructorassessment",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assessments",
                        to="orgs.agent",
                        verbose_name="指导员/联络员",
                    ),
                ),
                migrations.AlterField(
                    model_name="visit",
                    name="agent",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visits",
                        to="orgs.agent",
                        verbose_name="走访人",
                    ),
                ),
                migrations.DeleteModel(name="Agent"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]

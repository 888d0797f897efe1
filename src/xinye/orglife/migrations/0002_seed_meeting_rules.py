"""Seed the meeting frequencies of rules.md as MeetingRule rows (orglife/seed.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from xinye.orglife import seed as data

    data.sync(apps.get_model("orglife", "MeetingRule"))


class Migration(migrations.Migration):
    dependencies = [("orglife", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

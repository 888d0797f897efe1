"""Seed the 25 development steps, their interval rules and the dues bands (members/seed.py)."""

from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    from xinye.members import seed as data

    Step = apps.get_model("members", "DevelopmentStep")
    Interval = apps.get_model("members", "StepInterval")
    Band = apps.get_model("members", "DuesBand")
    steps = {}
    for number, stage, name, actors, documents, article, repeatable in data.STEPS:
        steps[number], _ = Step.objects.update_or_create(
            number=number,
            defaults={
                "stage": stage,
                "stage_name": data.STAGES[stage],
                "name": name,
                "actors": actors,
                "documents": documents,
                "source": f"{data.SOURCE}{article}",
                "repeatable": repeatable,
            },
        )
    for first, last, min_days, max_days, text, article in data.INTERVALS:
        Interval.objects.update_or_create(
            from_step=steps[first],
            to_step=steps[last],
            defaults={"min_days": min_days, "max_days": max_days, "rule": text, "source": article},
        )
    if not Band.objects.exists():
        for lower, upper, rate in data.DUES_BANDS:
            Band.objects.create(
                lower=Decimal(lower),
                upper=Decimal(upper) if upper else None,
                rate=Decimal(rate),
                source=data.DUES_SOURCE,
            )


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

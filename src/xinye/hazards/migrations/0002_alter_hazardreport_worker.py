"""The worker key now names `workers.Worker` (moved from `portal`, same table `portal_worker`): state only,
the column and its constraint stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0001_initial"),
        ("workers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="hazardreport",
                    name="worker",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="hazard_reports",
                        to="workers.worker",
                        verbose_name="上报人",
                    ),
                ),
            ],
        ),
    ]

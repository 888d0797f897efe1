"""The worker key now names `workers.Worker` (moved from `portal`, same table `portal_worker`): state only,
the column and its constraint stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0002_appeal_worker_one_index"),
        ("workers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="appeal",
                    name="worker",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="appeals",
                        to="workers.worker",
                        verbose_name="提出人",
                    ),
                ),
            ],
        ),
    ]

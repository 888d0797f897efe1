"""The worker key now names `workers.Worker` (moved from `portal`, same table `portal_worker`): state only,
the column and its constraint stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0001_initial"),
        ("workers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="volunteerprofile",
                    name="worker",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="volunteer_profile",
                        to="workers.worker",
                        verbose_name="从业人员",
                    ),
                ),
            ],
        ),
    ]

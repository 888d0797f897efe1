"""The station a worker registered (备案) at moves to the stations side (issue 12, the last floor violation):
the new table here, the copy in 0005, and workers/0003 drops `Worker.station`."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0003_alter_stationcheckin_worker"),
        ("workers", "0002_role_grants"),
    ]

    operations = [
        migrations.CreateModel(
            name="StationRegistration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("registered_at", models.DateTimeField(verbose_name="备案时间")),
                (
                    "station",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="registrations",
                        to="stations.station",
                        verbose_name="备案服务站",
                    ),
                ),
                (
                    "worker",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="station_registration",
                        to="workers.worker",
                        verbose_name="从业人员",
                    ),
                ),
            ],
            options={
                "verbose_name": "备案服务站",
                "verbose_name_plural": "备案服务站",
                "ordering": ["-registered_at"],
            },
        ),
    ]

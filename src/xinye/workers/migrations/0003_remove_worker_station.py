"""`Worker.station` goes: the station a worker registered at is held by `stations.StationRegistration`
(copied there by stations/0005), so the worker identity (floor 4) names no station (floor 5)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workers", "0002_role_grants"),
        ("stations", "0005_copy_worker_station"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="worker",
            name="station",
        ),
    ]

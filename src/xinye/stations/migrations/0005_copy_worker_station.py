"""Copy every worker's 备案 station (`Worker.station`, dropped by workers/0003) into StationRegistration,
with the worker's 备案 time (or, if they had none, when their row was made). Reversible: going back copies
the registrations onto the workers again."""

from django.db import migrations


def forwards(apps, schema_editor):
    Worker = apps.get_model("workers", "Worker")
    StationRegistration = apps.get_model("stations", "StationRegistration")
    rows = [
        StationRegistration(
            worker_id=pk, station_id=station_id, registered_at=registered_at or created_at
        )
        for pk, station_id, registered_at, created_at in Worker.objects.filter(station__isnull=False)
        .values_list("pk", "station_id", "registered_at", "created_at")
        .iterator()
    ]
    StationRegistration.objects.bulk_create(rows, batch_size=1000)


def backwards(apps, schema_editor):
    Worker = apps.get_model("workers", "Worker")
    StationRegistration = apps.get_model("stations", "StationRegistration")
    for worker_id, station_id in StationRegistration.objects.values_list("worker_id", "station_id").iterator():
        Worker.objects.filter(pk=worker_id).update(station_id=station_id)
    StationRegistration.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0004_stationregistration"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

"""The worker identity moved to `workers` (workers 0001): the old models leave `portal`'s state only. The
tables (`portal_worker`, `portal_privacynotice`, `portal_consent`) now belong to `workers`' models and keep
every row. Runs after every app that pointed at "portal.Worker" has been repointed at "workers.Worker"."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_drop_submission"),
        ("workers", "0001_initial"),
        ("appeals", "0003_alter_appeal_worker"),
        ("hazards", "0002_alter_hazardreport_worker"),
        ("stations", "0003_alter_stationcheckin_worker"),
        ("volunteers", "0002_alter_volunteerprofile_worker"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Consent"),
                migrations.DeleteModel(name="PrivacyNotice"),
                migrations.DeleteModel(name="Worker"),
            ],
        ),
    ]

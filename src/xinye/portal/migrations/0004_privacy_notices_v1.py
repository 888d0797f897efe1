"""Publish the first versions of the two privacy notices, so sign-up always has a notice to agree to."""

import datetime

from django.db import migrations


def publish(apps, schema_editor):
    from xinye.portal.notices import GENERAL_V1, SENSITIVE_V1

    try:
        PrivacyNotice = apps.get_model("portal", "PrivacyNotice")  # the state at this migration
    except LookupError:
        # called again after a flush with the live registry (console.apps.REFERENCE_SEEDS), where the
        # model has moved to `workers` (workers 0001; same table)
        PrivacyNotice = apps.get_model("workers", "PrivacyNotice")
    when = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    for kind, title, text in (
        ("general", "个人信息保护政策", GENERAL_V1),
        ("sensitive", "敏感个人信息处理规则", SENSITIVE_V1),
    ):
        if not PrivacyNotice.objects.filter(kind=kind, version="1.0").exists():
            # bulk_create: no save signals (the change log's table may not exist yet at this point)
            PrivacyNotice.objects.bulk_create(
                [PrivacyNotice(kind=kind, version="1.0", title=title, text=text, published_at=when)]
            )


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_worker_station_consent_worker_and_more")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]

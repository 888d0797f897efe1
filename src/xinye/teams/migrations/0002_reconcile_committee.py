"""The 委员 roster is the source of truth for an organisation's committee (gaps1 item 1).

Before, the ledger's `PartyOrganisation.committee` could be edited in the console apart from the teams roster,
so the two disagreed. This reconciles existing rows without losing either side: a member listed in the
ledger's field with no serving 委员 row gets one (内部培养, since the organisation's founding, or today), then
the field is set to the serving 委员 of the roster who are in the ledger. Reversing leaves both as they are."""

import datetime

from django.db import migrations


def reconcile(apps, schema_editor):
    PartyOrganisation = apps.get_model("ledger", "PartyOrganisation")
    PartyWorker = apps.get_model("teams", "PartyWorker")
    today = datetime.date.today()  # noqa: DTZ011 (a date for the record, the server's day is good enough)
    for org in PartyOrganisation.objects.prefetch_related("committee__practitioner").order_by("pk"):
        serving = PartyWorker.objects.filter(organisation=org, post="committee_member", until__isnull=True)
        on_roster = set(serving.exclude(member=None).values_list("member_id", flat=True))
        for member in sorted(org.committee.all(), key=lambda m: m.pk):
            if member.pk in on_roster:
                continue
            PartyWorker.objects.create(
                organisation=org,
                unit_id=org.unit_id,
                region_id=org.region_id,
                industry=org.industry or "",
                post="committee_member",
                member=member,
                name=member.practitioner.name[:32],
                source="internal",
                since=min(org.founded_on or today, today),
            )
            on_roster.add(member.pk)
        org.committee.set(sorted(on_roster))


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0001_initial"),
        ("ledger", "0004_import_warnings_and_aliases"),
    ]

    operations = [migrations.RunPython(reconcile, migrations.RunPython.noop)]

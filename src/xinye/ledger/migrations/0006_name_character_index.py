"""The character index behind `name__has_text` for practitioners' and enterprises' names, on PostgreSQL only
(xinye.core.textsearch). CONCURRENTLY, so the migration is not atomic: the ledger keeps taking writes while
the index is built (about a minute per five million names on the bench host)."""

from django.db import migrations

TABLES = ("ledger_practitioner", "ledger_enterprise")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        with schema_editor.connection.cursor() as cursor:  # an interrupted earlier run left it INVALID
            cursor.execute(
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s AND NOT i.indisvalid",
                [f"{table}_name_chars"],
            )
            if cursor.fetchone():
                schema_editor.execute(f"DROP INDEX CONCURRENTLY {table}_name_chars")
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {table}_name_chars "
            f"ON {table} USING gin (string_to_array(lower(name), NULL))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {table}_name_chars")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("ledger", "0005_version"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

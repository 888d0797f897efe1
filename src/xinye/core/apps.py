from django.apps import AppConfig

# Reference data seeded by data migrations (rule tables, privacy notices). A database flush — a
# transactional test, `xinye flush` — empties them without re-running migrations, so they are restored
# after every migrate/flush too. Each function takes (apps, schema_editor) and is idempotent.
REFERENCE_SEEDS = [
    "xinye.members.migrations.0002_seed_reference_data.seed",
    "xinye.orglife.migrations.0002_seed_meeting_rules.seed",
    "xinye.portal.migrations.0004_privacy_notices_v1.publish",
]


def restore_reference_data(**kwargs) -> None:
    from django.apps import apps
    from django.utils.module_loading import import_string

    for path in REFERENCE_SEEDS:
        import_string(path)(apps, None)


class CoreConfig(AppConfig):
    name = "xinye.core"
    verbose_name = "基础"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(restore_reference_data, sender=self, dispatch_uid="xinye_reference_data")

from django.apps import AppConfig

# Reference data seeded by data migrations (rule tables, privacy notices). A database flush — a
# transactional test, `xinye flush` — empties them without re-running migrations, so they are restored
# after every migrate/flush too. Each function takes (apps, schema_editor) and is idempotent.
REFERENCE_SEEDS = [
    "xinye.members.migrations.0002_seed_reference_data.seed",
    "xinye.orglife.migrations.0002_seed_meeting_rules.seed",
    "xinye.portal.migrations.0004_privacy_notices_v1.publish",
    "xinye.grading.migrations.0002_default_rules.seed",
]


def restore_reference_data(using="default", **kwargs) -> None:
    from django.apps import apps
    from django.db import connections
    from django.utils.module_loading import import_string

    tables = set(connections[using].introspection.table_names())
    for path in REFERENCE_SEEDS:
        app_label = path.split(".")[1]
        if all(m._meta.db_table in tables for m in apps.get_app_config(app_label).get_models()):
            import_string(path)(apps, None)  # skipped while that app is not migrated (e.g. `migrate ledger`)


class ConsoleConfig(AppConfig):
    """The staff console face: the admin base, sidebar, middleware, backup and restore."""

    name = "xinye.console"
    verbose_name = "工作台"
    tick = "xinye.console.retention.tick"  # xinye tick (core.ticks): the daily retention purge (xinye purge)
    # a list export above XINYE_EXPORT_SYNC_ROWS rows is built as a background job (console/exports.py)
    job_kinds = {"console.list_export": "xinye.console.exports.build_list_export"}

    def ready(self):
        from django.contrib import admin
        from django.db.models.signals import post_migrate
        from django.utils.translation import gettext_lazy as _

        admin.site.index_title = _("工作台")
        admin.site.site_title = _("新业")
        admin.site.site_header = _("新业 · 新就业群体党建工作平台")

        post_migrate.connect(restore_reference_data, sender=self, dispatch_uid="xinye_reference_data")

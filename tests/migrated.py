"""The migrated SQLite test database, kept as a file and copied in instead of migrating again.

Migrating an empty database is most of a test process's start: 12–13 s here, for each xdist worker and for
the browser run, every time (`create_test_db` runs every migration of every app; the cost is Django
re-rendering the model states, not the SQL). The schema and the rows the migrations and their post_migrate
handlers write depend only on the migration files, the locked dependencies and the settings, so the first
process to migrate saves the result under `var/test-db/<digest>.sqlite3` and the next ones copy it into their
in-memory test database with SQLite's backup API (milliseconds), then send post_migrate as `migrate` would.

- The digest covers every migration module of the installed apps (ours and the dependencies'), `uv.lock`,
  the settings module and the SQLite library's version: a changed migration or dependency migrates again.
- Only while pytest-django creates the test databases (`activate()`); a test that calls `migrate` itself
  migrates for real. PostgreSQL always migrates (`make test-pg` and CI measure the real thing).
- `XINYE_TEST_DB_TEMPLATE=0` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import sqlite3

ROOT = pathlib.Path(__file__).resolve().parent.parent
_active = False


def enabled() -> bool:
    return os.environ.get("XINYE_TEST_DB_TEMPLATE", "1") != "0"


def activate(on: bool = True) -> None:
    """Copy from / save to the template from now on (pytest-django's database setup), or no longer."""
    global _active
    _active = on and enabled()


def digest() -> str:
    import django
    from django.apps import apps
    from django.conf import settings

    h = hashlib.sha256()
    files = []
    for config in apps.get_app_configs():
        folder = pathlib.Path(config.path) / "migrations"
        if folder.is_dir():
            files += sorted(folder.glob("*.py"))
    files += [ROOT / "uv.lock", pathlib.Path(__import__(settings.SETTINGS_MODULE, fromlist=["x"]).__file__)]
    for path in files:
        h.update(str(path.name).encode())
        h.update(path.read_bytes())
    h.update(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    return h.hexdigest()[:20]


def _path() -> pathlib.Path:
    from django.conf import settings

    return pathlib.Path(settings.VAR_DIR) / "test-db" / f"{digest()}.sqlite3"


def install() -> None:
    """Wrap the migrate command's handle (once, at configure time)."""
    from django.core.management.commands import migrate

    original = migrate.Command.handle
    if getattr(original, "_xinye_template", False):
        return

    def handle(self, *args, **options):
        from django.db import connections

        connection = connections[options.get("database") or "default"]
        if not _active or connection.vendor != "sqlite":
            return original(self, *args, **options)
        path = _path()
        connection.ensure_connection()
        if path.exists():
            source = sqlite3.connect(path)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            from django.core.management.sql import emit_post_migrate_signal

            emit_post_migrate_signal(0, False, connection.alias)
            return None
        result = original(self, *args, **options)
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("*.sqlite3"):
            if old.name != path.name:
                old.unlink(missing_ok=True)  # an earlier digest's copy
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        os.replace(partial, path)  # whole or not at all: another worker may be reading
        return result

    handle._xinye_template = True
    migrate.Command.handle = handle

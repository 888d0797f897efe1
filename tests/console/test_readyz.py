"""/readyz: database, migrations, cache, disk space and the age of the newest backup — without versions."""

import os
import time
from collections import namedtuple

from django.test import Client

from xinye.console import health

Usage = namedtuple("Usage", "total used free")


def test_ready_reports_every_check_without_versions(db, settings, tmp_path):
    settings.XINYE_BACKUP_DIR = tmp_path
    backup = tmp_path / "xinye-20261205-021500.dump"
    backup.write_bytes(b"x")
    os.utime(backup, (time.time() - 3 * 3600,) * 2)
    (tmp_path / "xinye-20261205-031500.dump.part").write_bytes(b"x")  # being written: not a backup yet
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["database"] is True and body["migrations"] is True and body["cache"] is True
    assert body["disk_ok"] is True and body["disk_free_mb"] > 0 and 0 < body["disk_free_percent"] <= 100
    assert body["backup_age_hours"] == 3.0 and body["backup_ok"] is True
    assert "version" not in response.content.decode().lower()


def test_old_or_missing_backup_is_flagged_but_still_ready(db, settings, tmp_path):
    settings.XINYE_BACKUP_DIR = tmp_path
    body = Client().get("/readyz").json()
    assert body["backup_age_hours"] is None and body["backup_ok"] is False and body["status"] == "ok"
    old = tmp_path / "xinye-20261201-021500.sqlite3"
    old.write_bytes(b"x")
    os.utime(old, (time.time() - 30 * 3600,) * 2)
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["backup_age_hours"] == 30.0 and response.json()["backup_ok"] is False


def test_low_disk_space_is_not_ready(db, settings, monkeypatch):
    gib = 1024**3
    monkeypatch.setattr(health.shutil, "disk_usage", lambda path: Usage(100 * gib, 97 * gib, 3 * gib))
    response = Client().get("/readyz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "unavailable"
    assert body["disk_free_percent"] == 3.0 and body["disk_ok"] is False and body["database"] is True
    settings.XINYE_READYZ_MIN_FREE_PERCENT = 2  # the threshold is the operator's
    assert Client().get("/readyz").status_code == 200


def test_cache_down_is_reported_but_still_ready(db, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis refused")

    monkeypatch.setattr(health.cache, "set", down)
    response = Client().get("/readyz")
    assert response.status_code == 200 and response.json()["cache"] is False


def test_database_down_is_not_ready(db, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self):
        raise OperationalError("refused")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
        response = Client().get("/readyz")
    assert response.status_code == 503 and response.json()["database"] is False

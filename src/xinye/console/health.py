"""What /readyz checks besides the database: the cache, the data directory's free space and the age of the
newest backup (`xinye backup` writes var/backups/xinye-*.sqlite3|.dump unless told otherwise)."""

import shutil
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache


def cache_ok() -> bool:
    """The shared cache (Redis in production) stores and returns a value. Sessions do not depend on it
    (cached_db falls back to the database), but the cache is degraded until it answers."""
    key = f"readyz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # noqa: BLE001 - any failure: the cache is not answering
        return False
    return ok


def data_dir() -> Path:
    """Where uploads and (with SQLite) the database live: the media root, or the var directory."""
    media = Path(settings.MEDIA_ROOT)
    return media if media.exists() else Path(settings.VAR_DIR)


def disk() -> dict:
    """Free space of the data directory; not ready under XINYE_READYZ_MIN_FREE_PERCENT (default 5 %) or
    XINYE_READYZ_MIN_FREE_MB (default 500 MB): uploads and writes would start failing."""
    try:
        usage = shutil.disk_usage(data_dir())
    except OSError:
        return {"disk_free_mb": None, "disk_free_percent": None, "disk_ok": False}
    free_mb = usage.free // (1024 * 1024)
    percent = round(100 * usage.free / usage.total, 1) if usage.total else 0.0
    ok = percent >= settings.XINYE_READYZ_MIN_FREE_PERCENT and free_mb >= settings.XINYE_READYZ_MIN_FREE_MB
    return {"disk_free_mb": free_mb, "disk_free_percent": percent, "disk_ok": ok}


def backup_dir() -> Path:
    return Path(settings.XINYE_BACKUP_DIR)


def last_backup() -> dict:
    """Hours since the newest complete backup file (a `.part` is one being written); `backup_ok` false when
    there is none or it is older than XINYE_READYZ_BACKUP_MAX_HOURS (default 26: nightly, with slack)."""
    try:
        files = [p for p in backup_dir().glob("xinye-*") if p.suffix in (".sqlite3", ".dump") and p.is_file()]
        newest = max((p.stat().st_mtime for p in files), default=None)
    except OSError:
        newest = None
    if newest is None:
        return {"backup_age_hours": None, "backup_ok": False}
    age = round((time.time() - newest) / 3600, 1)
    return {"backup_age_hours": age, "backup_ok": age <= settings.XINYE_READYZ_BACKUP_MAX_HOURS}

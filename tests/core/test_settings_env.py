"""Settings read from the environment: the two every production site sets without a settings module."""

import os
import subprocess
import sys

import pytest


def _settings(env: dict, *names: str) -> list[str]:
    code = "from django.conf import settings; " + "; ".join(
        f"print(getattr(settings, {name!r}, '<unset>'))" for name in names
    )
    full = {
        k: v for k, v in os.environ.items() if not k.startswith("XINYE_PUBLIC") and k != "XINYE_SMS_BACKEND"
    }
    full |= {"DJANGO_SETTINGS_MODULE": "xinye.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=full,
    )
    return result.stdout.splitlines()


def test_public_address_and_sms_gateway_from_the_environment():
    names = ("XINYE_PUBLIC_BASE_URL", "XINYE_SMS_BACKEND")
    assert _settings({}, *names) == ["<unset>", "<unset>"]
    assert _settings(
        {"XINYE_PUBLIC_BASE_URL": "https://xinye.tongliao.gov.cn", "XINYE_SMS_BACKEND": "site_sms.Gateway"},
        *names,
    ) == ["https://xinye.tongliao.gov.cn", "site_sms.Gateway"]


def _redis_up() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_redis_cache_and_sessions_when_configured(tmp_path):
    """With XINYE_REDIS_URL the cache is Redis (shared by app servers) and sessions are read from it and
    written through to the database; a session deleted (logout) is gone from both."""
    if not _redis_up():
        pytest.skip("no Redis at 127.0.0.1:6379 (CI starts one)")
    script = """
import django; django.setup()
from django.conf import settings
from django.core.cache import cache
from django.contrib.sessions.models import Session
from importlib import import_module
from django.db import connection
with connection.schema_editor() as editor:  # the one table it needs (a full migrate took 20 s)
    editor.create_model(Session)
print(settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1], settings.SESSION_ENGINE.rsplit(".", 1)[-1])
cache.set("probe", "ok", 30)
print(cache.get("probe"))
store = import_module(settings.SESSION_ENGINE).SessionStore()
store["worker"] = 7
store.create()
key = store.session_key
print(Session.objects.filter(session_key=key).exists())
Session.objects.filter(session_key=key).delete()  # the database row gone: still answered from Redis
print(import_module(settings.SESSION_ENGINE).SessionStore(key).get("worker"))
store.delete()  # logout: gone from both
print(import_module(settings.SESSION_ENGINE).SessionStore(key).get("worker"))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYE_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "xinye.settings",
        "XINYE_VAR_DIR": str(tmp_path),
        "XINYE_REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True, env=env
    )
    assert result.stdout.splitlines() == ["RedisCache cached_db", "ok", "True", "7", "None"]

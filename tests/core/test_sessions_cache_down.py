"""Redis down: the cached_db sessions fall back to the database and nobody is signed out."""

import pytest
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

from xinye.core.sessions.cached_db import SessionStore


class DownCache(BaseCache):
    """A cache whose server refuses every connection, as Django's RedisCache does with Redis stopped."""

    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    get = set = add = delete = has_key = touch = incr = clear = _down


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "sessions": {"BACKEND": "tests.core.test_sessions_cache_down.DownCache"},
    }
    settings.SESSION_CACHE_ALIAS = "sessions"
    settings.SESSION_ENGINE = "xinye.core.sessions.cached_db"
    yield
    caches["sessions"].close()


def test_a_session_is_read_saved_and_deleted_with_the_cache_down(db, redis_down):
    store = SessionStore()
    store["worker"] = 7
    store.create()  # the database row is written; the cache write fails quietly
    again = SessionStore(store.session_key)
    assert again["worker"] == 7  # read from the database, the failed cache write after it is caught
    assert again.exists(store.session_key) and not again.exists("nosuchsession")
    again.delete()
    assert SessionStore(store.session_key).load() == {}


def test_a_signed_in_worker_stays_signed_in(db, redis_down, client):
    from xinye.portal.auth import SESSION_KEY
    from xinye.workers.models import NoticeKind, Worker
    from xinye.workers.services import give_consent

    worker = Worker(phone="13904750009")
    worker.save()
    give_consent(worker=worker, kind=NoticeKind.GENERAL)
    store = SessionStore()
    store[SESSION_KEY] = worker.pk
    store.create()
    client.cookies["sessionid"] = store.session_key
    response = client.get("/m/my/")
    assert response.status_code == 200  # not sent to the sign-in page

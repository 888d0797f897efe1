"""SESSION_ENGINE = "xinye.core.sessions.cached_db": Django's cached_db sessions (cache first, database
behind it, the row read by a prepared statement; see the package).

With the cache (Redis) down, sessions fall back to the database and nobody is signed out: Django's store
already survives a failed cache read and a failed cache write on save, but not the cache write that follows a
database read in `load`, nor the cache in `exists` and `delete` — those are caught here too, and logged. A
session changed while Redis was down may be stale in Redis if it kept its data through the outage; run
Redis without persistence (`save ""`), as the drill does, or flush its session keys after such an outage."""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as DjangoStore
from django.contrib.sessions.backends.db import SessionStore as DbStore

from xinye.core.sessions import RawReadMixin

logger = logging.getLogger("xinye.core.sessions")


class SessionStore(RawReadMixin, DjangoStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - the cache is down: read the database
            data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=row.expire_date))
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; session read from the database")
        return data

    def exists(self, session_key):
        if not session_key:
            return False
        try:
            if self._cache.get(self.cache_key_prefix + session_key) is not None:
                return True
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; existence checked in the database")
        return DbStore.exists(self, session_key)

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; session deleted from the database only")
        DbStore.delete(self, session_key)

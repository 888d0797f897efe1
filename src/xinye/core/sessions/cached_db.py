"""SESSION_ENGINE = "xinye.core.sessions.cached_db": Django's cached_db sessions (cache first, database
behind it)."""

from django.contrib.sessions.backends.cached_db import SessionStore

__all__ = ["SessionStore"]

"""SESSION_ENGINE = "xinye.core.sessions.db": Django's database sessions."""

from django.contrib.sessions.backends.db import SessionStore

__all__ = ["SessionStore"]

"""SESSION_ENGINE = "xinye.core.sessions.db": Django's database sessions, read through core.compiled."""

from django.contrib.sessions.backends import db

from xinye.core.sessions import CompiledLoadMixin


class SessionStore(CompiledLoadMixin, db.SessionStore):
    pass

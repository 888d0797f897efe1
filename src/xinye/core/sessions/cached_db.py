"""SESSION_ENGINE = "xinye.core.sessions.cached_db": Django's cached_db sessions (cache first, database
behind it), the database read through core.compiled."""

from django.contrib.sessions.backends import cached_db

from xinye.core.sessions import CompiledLoadMixin


class SessionStore(CompiledLoadMixin, cached_db.SessionStore):
    pass

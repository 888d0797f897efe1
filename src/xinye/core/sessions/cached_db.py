"""SESSION_ENGINE = "xinye.core.sessions.cached_db": Django's cached_db sessions (cache first, database
behind it, the row read by a prepared statement; see the package)."""

from django.contrib.sessions.backends.cached_db import SessionStore as DjangoStore

from xinye.core.sessions import RawReadMixin


class SessionStore(RawReadMixin, DjangoStore):
    pass

"""SESSION_ENGINE = "xinye.core.sessions.db": Django's database sessions, the row read by a prepared
statement (see the package)."""

from django.contrib.sessions.backends.db import SessionStore as DjangoStore

from xinye.core.sessions import RawReadMixin


class SessionStore(RawReadMixin, DjangoStore):
    pass

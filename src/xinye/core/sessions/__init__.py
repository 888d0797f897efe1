"""Session engines named in settings (`xinye.core.sessions.db`, `xinye.core.sessions.cached_db`): Django's
own database and cached-database stores, unchanged — the session row is read through the ORM."""

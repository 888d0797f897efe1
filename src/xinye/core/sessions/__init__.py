"""Session engines named in settings (`xinye.core.sessions.db`, `xinye.core.sessions.cached_db`): Django's
own database and cached-database stores, with the session row read through `core.reads` — the same row
and field conversions as the ORM's `get()`, without building a query on every request (most of what a
signed-in portal request spends on its session). Writes are Django's."""

from django.utils import timezone

from xinye.core import reads


class RawReadMixin:
    def _get_session_from_db(self):
        meta = self.model._meta
        where = f"{meta.get_field('session_key').column} = %s AND {meta.get_field('expire_date').column} > %s"
        found = reads.one(self.model, where, [self.session_key, timezone.now()])
        if found is None:
            self._session_key = None
        return found

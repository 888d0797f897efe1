"""Session engines named in settings (`xinye.core.sessions.db`, `xinye.core.sessions.cached_db`): Django's
own database and cached-database stores, with the session row read by one prepared statement through
`Model.objects.raw()` — the same row and field conversions as the ORM's `get()`, without building a query
on every request (most of what a signed-in portal request spends on its session). Writes are Django's."""

from django.db import router
from django.utils import timezone


class RawReadMixin:
    def _get_session_from_db(self):
        model = self.model
        sql = _statement(model)
        using = router.db_for_read(model)
        found = next(iter(model.objects.db_manager(using).raw(sql, [self.session_key, timezone.now()])), None)
        if found is None:
            self._session_key = None
        return found


_STATEMENTS: dict = {}


def _statement(model) -> str:
    sql = _STATEMENTS.get(model)
    if sql is None:
        meta = model._meta
        columns = ", ".join(f.column for f in meta.concrete_fields)
        key, expires = meta.get_field("session_key").column, meta.get_field("expire_date").column
        sql = _STATEMENTS[model] = (
            f"SELECT {columns} FROM {meta.db_table} WHERE {key} = %s AND {expires} > %s"  # noqa: S608
        )
    return sql

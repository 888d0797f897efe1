"""Reads on the hot paths of every signed-in portal request, through `Model.objects.raw()` with a
statement made once per model: the same instance, field conversions (decryption included) and database
routing as `Model.objects.filter(pk=…).first()`, without compiling a query each time. Reads only — every
write goes through `save()` and the change log."""

from django.db import router

_BY_PK: dict = {}


def by_pk(model, pk):
    """The row of `model` with primary key `pk`, or None."""
    sql = _BY_PK.get(model)
    if sql is None:
        meta = model._meta
        columns = ", ".join(f.column for f in meta.concrete_fields)
        sql = _BY_PK[model] = f"SELECT {columns} FROM {meta.db_table} WHERE {meta.pk.column} = %s"  # noqa: S608
    return next(iter(model.objects.db_manager(router.db_for_read(model)).raw(sql, [pk])), None)

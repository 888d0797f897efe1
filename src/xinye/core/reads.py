"""Reads on the hot paths of every signed-in portal request (the session row, the worker), through
`Model.objects.raw()` with statements made once: the same instances, field conversions (decryption
included) and database routing as the ORM's `filter(…).first()`, without compiling a query each time.
Reads only — every write goes through `save()` and the change log."""

from django.db import router

_STATEMENTS: dict = {}


def one(model, where: str, params: list):
    """The first row of `model` matching `where` (SQL over the model's column names, `%s` placeholders —
    built from the model's metadata by the caller, never from input), or None."""
    sql = _STATEMENTS.get((model, where))
    if sql is None:
        meta = model._meta
        columns = ", ".join(f.column for f in meta.concrete_fields)
        sql = _STATEMENTS[(model, where)] = f"SELECT {columns} FROM {meta.db_table} WHERE {where}"  # noqa: S608
    return next(iter(model.objects.db_manager(router.db_for_read(model)).raw(sql, params)), None)


def by_pk(model, pk):
    """The row of `model` with primary key `pk`, or None."""
    return one(model, f"{model._meta.pk.column} = %s", [pk])

"""Bulk INSERT of prepared rows without the ORM's per-row cost (imports, the change log of bulk writes)."""


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple], *, return_pks: bool = False) -> list[int]:
    """INSERT prepared rows in bulk — executemany per 5,000 rows on SQLite, COPY on PostgreSQL — and, with
    `return_pks`, return their new primary keys in order. The ORM's per-field SQL compilation costs more than
    checking and encrypting a row: large survey sheets and bulk change-log writes take this path. Callers pass
    database-ready values (encrypted, adapted dates, JSON as text); rows go through the connection's cursor, so
    the surrounding transaction still makes an import all or nothing."""
    from django.db import connection

    if not rows:
        return []
    ops = connection.ops
    meta = model._meta
    table = ops.quote_name(meta.db_table)
    names = [ops.quote_name(meta.get_field(c).column) for c in columns]
    pks: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if return_pks:
                # Reserved from the table's identity sequence, so concurrent writers never collide.
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, meta.pk.column, len(rows)],
                )
                pks = [r[0] for r in cursor.fetchall()]
                names.insert(0, ops.quote_name(meta.pk.column))
                rows = [(pk, *row) for pk, row in zip(pks, rows, strict=True)]
            with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return pks
        if return_pks and connection.vendor != "sqlite":
            raise NotImplementedError("insert_rows(return_pks=True) supports SQLite and PostgreSQL")
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608 — names from metadata
        for start in range(0, len(rows), 5000):
            part = rows[start : start + 5000]
            cursor.executemany(sql, part)
            if return_pks:
                # The import's transaction holds SQLite's one write lock, and a new rowid is the largest so
                # far + 1, so one executemany's rows have consecutive ids ending at last_insert_rowid().
                cursor.execute("SELECT last_insert_rowid()")
                last = cursor.fetchone()[0]
                pks.extend(range(last - len(part) + 1, last + 1))
    return pks


def next_pk(model, using: str = "default") -> int:
    """The primary key the next row of `model` will get, reserved now — for a row whose other columns are
    built from its own id (an appeal's number SQ + date + id), so that it is written by one INSERT, through
    `save()` and the change log, instead of an INSERT and an UPDATE.

    PostgreSQL: taken from the table's identity sequence (no two writers get the same). SQLite: one past the
    largest id ever given (AUTOINCREMENT's sqlite_sequence, or the largest row); call it inside the
    transaction that inserts the row — Django opens SQLite write transactions with BEGIN IMMEDIATE here, so
    the write lock is held and no other writer can take the same id before the INSERT."""
    from django.db import connections

    connection = connections[using]
    meta = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [meta.db_table, meta.pk.column])
        else:
            table = connection.ops.quote_name(meta.db_table)
            column = connection.ops.quote_name(meta.pk.column)
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"  # noqa: S608
                f" COALESCE((SELECT MAX({column}) FROM {table}), 0)) + 1",
                [meta.db_table],
            )
        return cursor.fetchone()[0]

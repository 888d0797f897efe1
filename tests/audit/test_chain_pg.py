"""The change log on PostgreSQL (run by `make test-pg`): two writers append at once without waiting for each
other, and the grants of docs/operations.md make the log append-only for the application's role."""

import threading
import time
import uuid

import pytest
from django.db import ProgrammingError, connection, transaction

from xinye.audit import chain
from xinye.audit.models import ChainHead, ChangeLog
from xinye.audit.services import log_event

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks and grants")


@pytest.mark.django_db(transaction=True)
def test_a_second_writer_does_not_wait_for_an_open_transaction(world, rebuild_world_after):
    """A long transaction (an import) holds its shard's head to its end; a second writer meanwhile takes
    another shard of the day at once, and both chains verify after both commit."""
    holding, release = threading.Event(), threading.Event()
    seen: dict = {}

    def long_writer():
        try:
            with transaction.atomic():
                log_event("import", note="长事务中的日志")
                holding.set()
                release.wait(20)
                log_event("import", note="长事务中的第二行")
        finally:
            connection.close()

    def second_writer():
        try:
            started = time.monotonic()
            with transaction.atomic():
                seen["entry"] = log_event("export", note="另一写入者")
            seen["seconds"] = time.monotonic() - started
        finally:
            connection.close()

    first = threading.Thread(target=long_writer)
    first.start()
    assert holding.wait(20)
    second = threading.Thread(target=second_writer)
    second.start()
    second.join(10)
    blocked = second.is_alive()
    release.set()
    first.join(20)
    second.join(20)
    assert not blocked, "the second writer waited for the first one's transaction"
    assert seen["seconds"] < 5
    held = ChangeLog.objects.filter(note__startswith="长事务").order_by("seq")
    assert [row.chain_shard for row in held][0] == held[1].chain_shard
    assert held[1].seq == held[0].seq + 1
    assert seen["entry"].chain_shard != held[0].chain_shard
    assert ChainHead.objects.filter(day=held[0].chain_day).count() >= 2
    assert chain.verify().intact


@pytest.mark.django_db(transaction=True)
def test_many_writers_at_once_keep_every_chain_intact(world, rebuild_world_after):
    writers, each = 6, 15
    barrier = threading.Barrier(writers)
    errors: list = []

    def writer(i):
        try:
            barrier.wait()
            for j in range(each):
                with transaction.atomic():
                    log_event("export", note=f"并发 {i}-{j}")
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert ChangeLog.objects.filter(note__startswith="并发 ").count() == writers * each
    result = chain.verify()
    assert result.intact, result.broken


def test_the_application_role_may_append_but_not_change_the_log(world):
    """The grants of docs/operations.md ("The change log"), applied to a fresh role: INSERT (through the
    chain heads) works; UPDATE, DELETE and TRUNCATE of the log are refused by PostgreSQL itself."""
    role = f"xinye_app_probe_{uuid.uuid4().hex[:8]}"
    log = connection.ops.quote_name(ChangeLog._meta.db_table)
    heads = connection.ops.quote_name(ChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        # the grant under test (docs/operations.md)
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {log} FROM {role}")
        cursor.execute(f"REVOKE DELETE, TRUNCATE ON {heads} FROM {role}")
        cursor.execute(f"SET ROLE {role}")
        try:
            entry = log_event("export", note="受限角色写入")
            assert ChangeLog.objects.filter(pk=entry.pk).exists()
            for statement in (
                f"UPDATE {log} SET note = 'x' WHERE id = {int(entry.pk)}",  # noqa: S608 — an int
                f"DELETE FROM {log} WHERE id = {int(entry.pk)}",  # noqa: S608
                f"TRUNCATE {log}",
                f"DELETE FROM {heads}",  # noqa: S608
            ):
                with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
                    cursor.execute(statement)
        finally:
            cursor.execute("RESET ROLE")
    assert ChangeLog.objects.get(pk=entry.pk).note == "受限角色写入"
    assert chain.verify().intact

"""Concurrent saves on PostgreSQL (issue 18 item 4): eight writers who all read an enterprise at version 1
save at the same moment; the version check is in the UPDATE itself, so exactly one save passes, the other
seven are refused as stale, and the row holds the one accepted change."""

import threading

import pytest
from django.db import connection

from tests.ledger.factories import make_enterprise
from xinye.accounts import writes
from xinye.accounts.permissions import system_actor
from xinye.core.errors import Stale
from xinye.ledger import services
from xinye.ledger.models import Enterprise

SYSTEM = system_actor("test")


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_one_version_only_one_passes(world, rebuild_world_after):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises every write")
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="并发测试企业")
    writers = 8
    barrier = threading.Barrier(writers)
    saved: list[str] = []
    refused: list[str] = []

    def writer(i):
        try:
            mine = Enterprise.objects.get(pk=ent.pk)  # every writer read version 1
            writes.expect_version(mine, 1)
            barrier.wait()
            services.update_enterprise(mine, actor=SYSTEM, name=f"第{i}位的修改")
            saved.append(f"第{i}位的修改")
        except Stale:
            refused.append(str(i))
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(saved) == 1 and len(refused) == writers - 1
    ent.refresh_from_db()
    assert (ent.name, ent.version) == (saved[0], 2)

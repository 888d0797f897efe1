"""Concurrent spending on PostgreSQL: clerks posting at the same moment never spend more than was paid out
(the allocation's row is locked while the balance is read and the line written)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from tests.funds.factories import make_branch, make_disbursed
from xinye.accounts.permissions import system_actor
from xinye.core.errors import Refused
from xinye.funds import services
from xinye.funds.models import Spending

SYSTEM = system_actor("test")


@pytest.mark.django_db(transaction=True)
def test_concurrent_spending_never_overspends(world, rebuild_world_after):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every write")
    allocation, _entry = make_disbursed(make_branch(world["units"]["djb-kerqin-express"]), amount="1000.00")
    clerks = 8
    barrier = threading.Barrier(clerks)
    outcomes: list[str] = []

    def clerk(i):
        try:
            barrier.wait()
            services.record_spending(
                allocation,
                actor=SYSTEM,
                date=datetime.date(allocation.year, 4, 1),
                purpose="activity",
                amount="300.00",
                description=f"第 {i} 笔",
            )
            outcomes.append("saved")
        except Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(i,)) for i in range(clerks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 5 + ["saved"] * 3
    assert Spending.objects.filter(allocation=allocation).count() == 3
    assert services.allocation_figures(allocation) == {
        "disbursed": Decimal("1000.00"),
        "spent": Decimal("900.00"),
        "balance": Decimal("100.00"),
    }

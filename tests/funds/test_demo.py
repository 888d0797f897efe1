"""The demo funds: every 行业党委 has its start-up fund paid out and partly spent (last year's closed), the
newest branches their work funds in every state of the flow; idempotent."""

from decimal import Decimal

from django.utils import timezone

from tests.funds.factories import make_branch
from xinye.demo import funds as funds_demo
from xinye.funds import services
from xinye.funds.models import Allocation, Disbursement, Spending


def test_the_demo_funds(world):
    offices = ["djb-kerqin-delivery", "djb-kerqin-express", "djb-naiman-delivery", "djb-kailu-express"]
    branches = [
        make_branch(world["units"][code], name=f"新建党支部{i}") for i, code in enumerate(offices * 2)
    ]
    funds_demo.load({})
    year = timezone.localdate().year
    counts = (Allocation.objects.count(), Disbursement.objects.count(), Spending.objects.count())

    startup = Allocation.objects.filter(kind="startup", year=year)
    assert startup.count() == 5
    assert {a.unit.kind for a in startup} == {"industry_committee"}
    for allocation in startup:
        figures = services.allocation_figures(allocation)
        assert (
            figures["disbursed"] == Decimal("20000.00")
            and Decimal("0") < figures["spent"] < figures["disbursed"]
        )
    closed = Allocation.objects.filter(kind="startup", year=year - 1)
    assert closed.count() == 5 and all(a.status == "closed" and a.closing_balance > 0 for a in closed)

    work = Allocation.objects.filter(kind="work", year=year)
    assert set(work.values_list("unit", flat=True)) == {b.pk for b in branches}
    assert set(work.values_list("status", flat=True)) == {"disbursed", "approved", "applied", "rejected"}
    assert Disbursement.objects.filter(reverses__isnull=False).count() == 1
    totals = services.totals(Allocation.objects.filter(year=year))
    assert totals["balance"] == totals["disbursed"] - totals["spent"] > 0
    assert totals["allocated"] == Decimal("100000.00") + Decimal("5000.00") * 6  # 5 committees, 6 branches

    funds_demo.load({})
    assert (Allocation.objects.count(), Disbursement.objects.count(), Spending.objects.count()) == counts

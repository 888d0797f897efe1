from tests.funds.factories import make_allocation, make_disbursed, make_spending
from tests.matrix import MatrixType, register

BASE = "/api/v1/funds"


def _allocation(unit, world):
    return make_allocation(unit, kind="startup")


def _disbursement(unit, world):
    return make_disbursed(unit)[1]


def _spending(unit, world):
    return make_spending(unit)


register(
    MatrixType(
        "funds.allocation",
        _allocation,
        api_detail=BASE + "/allocations/{pk}",
        api_list=BASE + "/allocations",
        change_data=lambda o: {"amount": "12000.00", "purpose": "改", "kind": o.kind, "year": o.year},
        api_writes=[
            ("patch", BASE + "/allocations/{pk}", {"purpose": "改"}),
            ("post", BASE + "/allocations/{pk}/approve", {"note": "同意"}),
            ("post", BASE + "/allocations/{pk}/reject", {"reason": "材料不全"}),
            ("post", BASE + "/allocations/{pk}/disburse", {}),
            ("post", BASE + "/allocations/{pk}/close", {"performance": "good"}),
            (
                "post",
                BASE + "/allocations/{pk}/spending",
                {"date": "2026-04-01", "purpose": "activity", "amount": "10.00"},
            ),
        ],
    )
)
register(
    MatrixType(
        "funds.disbursement",
        _disbursement,
        api_detail=BASE + "/disbursements/{pk}",
        api_list=BASE + "/disbursements",
        api_writes=[("post", BASE + "/disbursements/{pk}/reverse", {"reason": "重复拨付"})],
    )
)
register(
    MatrixType(
        "funds.spending",
        _spending,
        api_detail=BASE + "/spending/{pk}",
        api_list=BASE + "/spending",
        api_writes=[("post", BASE + "/spending/{pk}/reverse", {"reason": "录错金额"})],
    )
)

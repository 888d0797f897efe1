import itertools

from django.utils import timezone

from tests.matrix import MatrixType, register
from xinye.workers.choices import RightsKind
from xinye.workers.models import RightsRequest, Worker
from xinye.workers.services import rights_due_at

_phones = itertools.count(1)


def _rights_request(unit, world):
    """A correction request held by `unit` (the unit that holds the record), from a worker registered there."""
    worker = Worker.objects.create(
        phone=f"1390476{next(_phones):04d}", name="测试骑手", unit=unit, region=unit.region
    )
    now = timezone.now()
    return RightsRequest.objects.create(
        worker=worker,
        kind=RightsKind.CORRECTION,
        unit=unit,
        record="我的备案信息",
        wrong="姓名错了",
        should_be="王小明",
        created_at=now,
        due_at=rights_due_at(now),
    )


register(
    MatrixType(
        "workers.rightsrequest",
        _rights_request,
        change_data=lambda o: {"decision": "done", "answer": "已更正"},
        api_detail="/api/v1/rights-requests/{pk}",
        api_list="/api/v1/rights-requests",
        api_writes=[
            ("post", "/api/v1/rights-requests/{pk}/answer", {"decision": "done", "answer": "已更正"})
        ],
    )
)

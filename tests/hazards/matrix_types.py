import uuid

from tests.matrix import MatrixType, register
from xinye.hazards.models import HazardReport


def _report(unit, world):
    return HazardReport.objects.create(
        category="manhole",
        description="井盖缺失",
        latitude=43.6,
        longitude=122.26,
        unit=unit,
        region=unit.region,
        idempotency_key=uuid.uuid4().hex,
    )


register(
    MatrixType("hazards.hazardreport", _report, api_detail="/api/v1/hazards/{pk}", api_list="/api/v1/hazards")
)

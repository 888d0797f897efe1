import datetime

from tests.matrix import MatrixType, register
from xinye.reports.models import DailySnapshot


def _snapshot(unit, world):
    """A day's snapshot row of the cell owned by `unit` (an office, or any unit in the tree)."""
    row, _ = DailySnapshot.objects.get_or_create(
        day=datetime.date(2026, 11, 30),
        unit=unit,
        region=unit.region,
        industry=unit.industry or "",
        defaults={"enterprises": 3, "practitioners": 40},
    )
    return row


register(
    MatrixType(
        "reports.dailysnapshot",
        _snapshot,
        api_detail="/api/v1/reports/snapshots/{pk}",
        api_list="/api/v1/reports/snapshots",
        console=False,  # derived data: written by xinye tick, shown in the reports, not edited
    )
)

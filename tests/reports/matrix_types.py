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


def _display_link(unit, world):
    """A display link of the wall screen showing `unit`'s scope."""
    from xinye.reports.models import DisplayLink

    key = f"matrix-{unit.pk}-{DisplayLink.objects.count()}"
    return DisplayLink.objects.create(
        name=f"{unit.name}大屏", unit=unit, prefix=key[:8], key_hash=DisplayLink.hash_key(key)
    )


register(MatrixType("reports.displaylink", _display_link))

from tests.matrix import MatrixType, register
from xinye.coverage.models import CoverageCell


def _cell(unit, world):
    """A county × industry statistics cell owned by `unit` (an office, or any unit in the tree)."""
    cell, _ = CoverageCell.objects.get_or_create(unit=unit, region=unit.region, industry=unit.industry or "")
    return cell


register(
    MatrixType(
        "coverage.coveragecell",
        _cell,
        api_detail="/api/v1/stats/cells/{pk}",
        api_list="/api/v1/stats/cells",
        console=False,  # derived data: shown on the coverage dashboard, not edited in the console
    )
)

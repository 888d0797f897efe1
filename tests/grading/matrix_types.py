import datetime

from tests.guidance import helpers
from tests.ledger.factories import make_enterprise
from tests.matrix import MatrixType, register
from xinye.grading.models import GradeRule, GradeSnapshot, OrganisationStanding
from xinye.ledger.models import PartyOrganisation


def _rule(unit, world):
    return GradeRule.objects.get(subject="enterprise", grade="solid")  # seeded: one row per subject × grade


def _standing(unit, world):
    org = PartyOrganisation.objects.get(unit=helpers.branch(unit))
    org.enterprises.add(make_enterprise(unit))
    return OrganisationStanding.objects.create(
        organisation=org, score=80, assessed_on=datetime.date(2026, 11, 1)
    )


def _snapshot(unit, world):
    ent = make_enterprise(unit)
    return GradeSnapshot.objects.create(
        month=datetime.date(2026, 11, 1),
        subject="enterprise",
        enterprise=ent,
        name=ent.name,
        unit=unit,
        region=unit.region,
        industry=ent.industry,
        grade="blank",
        reason="空白点（未覆盖）",
    )


register(
    MatrixType(
        "grading.graderule",
        _rule,
        api_detail="/api/v1/grade-rules/{pk}",
        api_list="/api/v1/grade-rules",
    )
)
register(
    MatrixType(
        "grading.organisationstanding", _standing, enterprise_of=lambda s: s.organisation.enterprises.first()
    )
)
register(
    MatrixType(
        "grading.gradesnapshot",
        _snapshot,
        api_detail="/api/v1/grade-snapshots/{pk}",
        api_list="/api/v1/grade-snapshots",
        enterprise_of=lambda s: s.enterprise,
    )
)

import uuid

from tests.ledger.factories import make_enterprise, make_member, make_practitioner
from tests.matrix import MatrixType, office_for_placement, party_unit_for_placement, register
from xinye.ledger.models import ChoiceAlias, FormationCase, PartyOrganisation
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit


def _enterprise(unit, world):
    return make_enterprise(office_for_placement(unit), contact_phone="13912345678")


def _practitioner(unit, world):
    return make_practitioner(make_enterprise(unit))


def _member(unit, world):
    return make_member(make_enterprise(office_for_placement(unit)), unit=party_unit_for_placement(unit))


def _organisation(unit, world):
    ent = make_enterprise(unit)
    branch = OrgUnit.objects.create(
        code=f"t-po-{uuid.uuid4().hex[:8]}",
        name=f"中共{ent.name}支部委员会",
        kind=UnitKind.BRANCH,
        parent=unit,
        region=unit.region,
        industry=ent.industry,
    )
    org = PartyOrganisation.objects.create(unit=branch, region=unit.region, industry=ent.industry)
    org.enterprises.set([ent])
    return org


def _alias(unit, world):
    """A city word for a sheet's choice (reference data: every grant reads it, only the city writes it)."""
    return ChoiceAlias.objects.create(column="occupation", alias=f"矩阵{uuid.uuid4().hex[:6]}", value="rider")


def _case(unit, world):
    ent = make_enterprise(unit)
    case = FormationCase.objects.create(
        name=f"中共{ent.name}支部委员会",
        enterprise=ent,
        unit=unit,
        region=unit.region,
        industry=ent.industry,
    )
    case.enterprises.set([ent])
    return case


register(
    MatrixType(
        "ledger.enterprise",
        _enterprise,
        api_detail="/api/v1/enterprises/{pk}",
        api_list="/api/v1/enterprises",
        enterprise_of=lambda e: e,
    )
)
register(
    MatrixType(
        "ledger.practitioner",
        _practitioner,
        api_detail="/api/v1/practitioners/{pk}",
        api_list="/api/v1/practitioners",
        enterprise_of=lambda p: p.enterprise,
    )
)
register(
    MatrixType(
        "ledger.partymember",
        _member,
        api_detail="/api/v1/party-members/{pk}",
        api_list="/api/v1/party-members",
        enterprise_of=lambda m: m.enterprise,
    )
)
register(
    MatrixType(
        "ledger.partyorganisation",
        _organisation,
        api_detail="/api/v1/organisations/{pk}",
        api_list="/api/v1/organisations",
    )
)
register(
    MatrixType(
        "ledger.formationcase",
        _case,
        api_detail="/api/v1/formation-cases/{pk}",
        api_list="/api/v1/formation-cases",
        enterprise_of=lambda c: c.enterprise,
    )
)


def _batch(unit, world):
    from xinye.ledger.models import ImportBatch

    return ImportBatch.objects.create(
        kind="practitioners",
        file_name="科尔沁区从业人员摸排表.xlsx",
        file_hash=uuid.uuid4().hex * 2,
        unit=unit,
    )


register(MatrixType("ledger.importbatch", _batch))
register(MatrixType("ledger.choicealias", _alias))

from tests.matrix import MatrixType, register
from xinye.orgs.choices import ResponsibilityRole, UnitKind
from xinye.orgs.models import OrgUnit, Region, Responsibility


def _unit(parent, world):
    import uuid

    return OrgUnit.objects.create(
        code=f"t-{uuid.uuid4().hex[:8]}",
        name="测试社区",
        kind=UnitKind.COMMUNITY,
        parent=parent,
        region=parent.region,
        industry=parent.industry,
    )


def _region(unit, world):
    """A township-level region under the unit's own (reference data: every grant reads it, only the city
    writes it — leak 2 of the spine issue)."""
    import random

    code = f"{unit.region_id}{random.randint(100, 999)}"
    return Region.objects.create(code=code, name="测试镇", level="county", parent_id=unit.region_id)


def _responsibility(unit, world):
    return Responsibility.objects.create(
        content_type_id=_ct_unit(), object_id=unit.pk, role=ResponsibilityRole.COMMUNITY, unit=unit
    )


def _ct_unit():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(OrgUnit).pk


register(
    MatrixType(
        "orgs.orgunit",
        _unit,
        api_detail="/api/v1/org-units/{pk}",
        api_list="/api/v1/org-units",
        change_data=lambda o: {
            "code": o.code,
            "name": "改名",
            "kind": o.kind,
            "region": o.region_id,
            "parent": o.parent_id,
            "sort": 0,
            "is_active": "on",
            "industry": o.industry,
            "children-TOTAL_FORMS": 0,
            "children-INITIAL_FORMS": 0,
        },
    )
)
register(MatrixType("orgs.responsibility", _responsibility))
register(MatrixType("orgs.region", _region, api_detail="/api/v1/regions/{pk}"))

"""The permission matrix (NetBox ViewTestCases style): every built-in role × object type × action,
in scope and out of scope, through console and API.

Apps register their object types in `tests/<app>/matrix_types.py` with `register(MatrixType(...))`.
A MatrixType says how to create an object owned by a given unit (`make(unit, world)`), and where its
console and API detail pages are. Each role's demo account has a unit inside its scope and one outside.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

REGISTRY: dict[str, "MatrixType"] = {}


@dataclass
class MatrixType:
    otype: str
    make: Callable  # (unit: OrgUnit, world: dict) -> model instance owned by that unit
    api_detail: str | None = None  # e.g. "/api/v1/org-units/{pk}"
    api_list: str | None = None  # e.g. "/api/v1/org-units" (JSON {"items", "count"})
    console: bool = True  # registered in the admin
    change_data: Callable | None = None  # (obj) -> POST data for a console change (out-of-scope write test)
    # For roles scoped to their assigned enterprises (instructor, liaison): the enterprise the object
    # belongs to; the test assigns the role's agent to it so the object is in that role's scope.
    enterprise_of: Callable | None = None
    skip_roles: set = field(default_factory=set)
    # The type's API action endpoints besides PATCH/DELETE on the detail URL: (method, path, JSON body),
    # with bodies valid for the endpoint's schema (so a 422 cannot stand in for the 404). New apps declare
    # them here, in their own tests/<app>/matrix_types.py, instead of in tests/mixins.py's API_WRITES.
    api_writes: list = field(default_factory=list)


def register(mtype: MatrixType) -> MatrixType:
    REGISTRY[mtype.otype] = mtype
    return mtype


# Demo account → (a unit inside its scope, a unit outside it). Industry-narrowed roles get units of
# their industry inside and of another industry outside.
ROLE_UNITS = {
    "city_admin": ("djb-kerqin-delivery", None),  # the whole city: nothing in the tree is outside
    "rider_committee_admin": ("djb-naiman-delivery", "djb-naiman-express"),
    "kerqin_admin": ("djb-kerqin-express", "djb-naiman-express"),
    "transport_dept": ("djb-kailu-freight", "djb-kailu-express"),
    "union_staff": ("mass-union", "street-kerqin-1-c1"),
    "community_admin": ("street-kerqin-1-c1", "street-kerqin-2-c1"),
    "instructor": ("djb-kerqin-delivery", "djb-naiman-delivery"),
    "liaison": ("djb-kerqin-delivery", "djb-naiman-delivery"),
    "secretary": (None, "djb-naiman-delivery"),  # in-scope unit is the secretary's own organisation
    "sysadmin": ("djb-kerqin-delivery", None),
    "secadmin": ("djb-kerqin-delivery", None),
    "auditor": ("djb-kerqin-delivery", None),
}
ROLE_OF = {
    "city_admin": "city_admin",
    "rider_committee_admin": "committee_admin",
    "kerqin_admin": "county_admin",
    "transport_dept": "department",
    "union_staff": "mass_org",
    "community_admin": "community_admin",
    "instructor": "instructor",
    "liaison": "liaison",
    "secretary": "secretary",
    "sysadmin": "sysadmin",
    "secadmin": "secadmin",
    "auditor": "auditor",
}


def load_registrations() -> dict[str, MatrixType]:
    import importlib
    import pkgutil

    import tests

    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                importlib.import_module(f"tests.{info.name}.matrix_types")
            except ModuleNotFoundError as exc:
                if exc.name != f"tests.{info.name}.matrix_types":
                    raise
    return REGISTRY


# Valid placements. A role's in-scope unit is not always where a row of a given type may live: an
# enterprise belongs to a 行业党建办, a member's or flowing member's local life to a party organisation.
# Builders place their rows where the type's own rules accept them, derived from the role's unit, so the
# write-door tests exercise scope and never a fixture the form itself refuses.


def office_for_placement(unit):
    """Where an enterprise of `unit` lives: enterprises under a party organisation or a 两新工委 belong to the
    行业党建办 above it, else the first of its region (a work committee has none above it); other units are
    kept as they are (the matrix reads and writes rows owned by them)."""
    from xinye.orgs.choices import PARTY_ORG_KINDS, UnitKind
    from xinye.orgs.models import OrgUnit

    if unit.kind not in (*PARTY_ORG_KINDS, UnitKind.WORK_COMMITTEE):
        return unit
    node = unit
    while node is not None and node.kind != UnitKind.INDUSTRY_OFFICE:
        node = node.parent
    if node is None:
        offices = OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE).order_by("path")
        node = offices.filter(region=unit.region).first() or offices.first()
    return node


def party_unit_for_placement(unit):
    """A party organisation at or under `unit`: the unit itself when it is one, else a new branch under it."""
    import uuid

    from xinye.orgs.choices import PARTY_ORG_KINDS, UnitKind
    from xinye.orgs.models import OrgUnit

    if unit.kind in PARTY_ORG_KINDS:
        return unit
    return OrgUnit.objects.create(
        code=f"t-br-{uuid.uuid4().hex[:8]}",
        name="矩阵测试党支部",
        kind=UnitKind.BRANCH,
        parent=unit,
        region=unit.region,
        industry=unit.industry,
    )

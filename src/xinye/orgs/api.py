"""Regions, org units (both lines), responsibility lookups."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from xinye.accounts.permissions import has_action
from xinye.api.common import get_scoped, require, scoped
from xinye.api.lists import Endpoints
from xinye.orgs import services
from xinye.orgs.choices import ResponsibilityRole
from xinye.orgs.filters import REGION_FILTERS, UNIT_FILTERS
from xinye.orgs.models import OrgUnit, Region
from xinye.orgs.services import gaps, owners_of, required_roles

router = Router()
endpoints = Endpoints(router, __name__)
TAG = "谁负责"


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None
    is_functional_zone: bool

    @staticmethod
    def resolve_parent(obj):
        return obj.parent_id


class OrgsUnitRef(Schema):
    id: int
    code: str
    name: str
    kind: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    industry: str
    region: str
    parent: OrgsUnitRef | None
    answers_to: OrgsUnitRef | None
    depth: int

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_region(obj):
        return obj.region_id


class UnitDetail(UnitOut):
    children: list[OrgsUnitRef]
    guided_units: list[OrgsUnitRef]

    @staticmethod
    def resolve_children(obj):
        return obj.visible_children

    @staticmethod
    def resolve_guided_units(obj):
        return obj.visible_guided


class TreeNode(Schema):
    id: int
    name: str
    kind: str
    industry: str
    region: str
    answers_to: int | None
    children: list["TreeNode"]


TreeNode.model_rebuild()


class HolderOut(Schema):
    role: str
    role_label: str
    unit: OrgsUnitRef | None
    agent: str | None
    since: str | None


class OwnersOut(Schema):
    object_type: str
    object_id: int
    object: str
    owners: list[HolderOut]
    missing_roles: list[str]


class OrgsGapOut(Schema):
    object_id: int
    object: str
    missing_roles: list[str]


endpoints.list(
    "/regions", "list_regions", Region.objects.all(), RegionOut, filters=REGION_FILTERS, summary="行政区划"
)
endpoints.detail(
    "/regions/{code}", "get_region", Region.objects.all(), RegionOut, key_type=str, summary="行政区划详情"
)
endpoints.list(
    "/org-units",
    "list_units",
    OrgUnit.objects.select_related("parent", "answers_to"),
    UnitOut,
    filters=UNIT_FILTERS,
    summary="组织单位（含业务指导线）",
)


@router.get("/org-units/tree", response=list[TreeNode], summary="组织树（本人可见部分）")
def unit_tree(request):
    units = list(scoped(request, OrgUnit.objects.all()).order_by("path"))
    visible = {u.pk for u in units}
    nodes = {
        u.pk: {
            "id": u.pk,
            "name": u.name,
            "kind": u.kind,
            "industry": u.industry,
            "region": u.region_id,
            "answers_to": u.answers_to_id,
            "children": [],
        }
        for u in units
    }
    roots = []
    for u in units:
        (nodes[u.parent_id]["children"] if u.parent_id in visible else roots).append(nodes[u.pk])
    return roots


class UnitIn(Schema):
    code: str
    name: str
    kind: str
    region: str
    parent: int
    industry: str = ""
    answers_to: int | None = None
    sort: int = 0
    is_active: bool = True


class UnitPatch(Schema):
    name: str | None = None
    industry: str | None = None
    answers_to: int | None = None
    sort: int | None = None
    is_active: bool | None = None


@router.post("/org-units", response={201: UnitOut}, summary="新增组织单位")
def create_unit_endpoint(request, payload: UnitIn):
    require(request, "add", OrgUnit)
    parent = get_scoped(request, OrgUnit.objects.all(), "add", pk=payload.parent)
    unit = services.create_unit(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        region_id=payload.region,
        parent_id=parent.pk,
        industry=payload.industry,
        answers_to_id=payload.answers_to,
        sort=payload.sort,
        is_active=payload.is_active,
    )
    return Status(201, unit)


@router.patch("/org-units/{unit_id}", response=UnitOut, summary="修改组织单位")
def update_unit_endpoint(request, unit_id: int, payload: UnitPatch):
    unit = get_scoped(request, OrgUnit.objects.all(), "change", pk=unit_id)
    changes = payload.dict(exclude_unset=True)
    if "answers_to" in changes:
        changes["answers_to_id"] = changes.pop("answers_to")
    return services.update_unit(unit, actor=request.user, **changes)


@router.delete("/org-units/{unit_id}", response={204: None}, summary="删除组织单位")
def delete_unit_endpoint(request, unit_id: int):
    unit = get_scoped(request, OrgUnit.objects.all(), "delete", pk=unit_id)
    services.delete_unit(unit, actor=request.user)
    return Status(204, None)


@router.get("/org-units/{unit_id}", response=UnitDetail, summary="组织单位详情")
def get_unit(request, unit_id: int):
    unit = get_scoped(request, OrgUnit.objects.select_related("parent", "answers_to"), pk=unit_id)
    visible = scoped(request, OrgUnit.objects.all())
    unit.visible_children = list(visible.filter(parent=unit))
    unit.visible_guided = list(visible.filter(answers_to=unit))
    return unit


def _model_for(object_type: str):
    try:
        app_label, model_name = object_type.split(".")
        return apps.get_model(app_label, model_name)
    except (ValueError, LookupError):
        raise Http404


@router.get("/responsibilities/{object_type}/gaps", response=list[OrgsGapOut], summary="责任缺位的对象")
@paginate(LimitOffsetPagination)
def responsibility_gaps(request, object_type: str, role: str | None = None):
    model = _model_for(object_type)
    if not has_action(request.user, "view", model):
        raise Http404
    roles = [role] if role else None
    rows = gaps(scoped(request, model._default_manager.all()).order_by("pk"), roles)
    return [{"object_id": o.pk, "object": str(o), "missing_roles": m} for o, m in rows]


@router.get("/responsibilities/{object_type}/{object_id}", response=OwnersOut, summary="谁对该对象负责")
def responsibility_lookup(request, object_type: str, object_id: int):
    model = _model_for(object_type)
    obj = get_scoped(request, model._default_manager.all(), pk=object_id)
    owners = owners_of(obj)
    holders = [
        {
            "role": role,
            "role_label": str(ResponsibilityRole(role).label),
            "unit": r.unit,
            "agent": str(r.agent) if r.agent_id else None,
            "since": r.since.isoformat() if r.since else None,
        }
        for role, rows in owners.items()
        for r in rows
    ]
    missing = [r for r in required_roles(object_type) if not owners.get(r)]
    return {
        "object_type": object_type,
        "object_id": obj.pk,
        "object": str(obj),
        "owners": holders,
        "missing_roles": missing,
    }


__all__ = ["router", "ContentType"]

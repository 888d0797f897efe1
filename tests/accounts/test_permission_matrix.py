"""Every built-in role × every registered object type × every action, in and out of scope, console and API."""

import pytest
from django.urls import reverse

from tests.matrix import REGISTRY, ROLE_OF, ROLE_UNITS, load_registrations
from xinye.accounts.permissions import pattern_matches, restrict, system_actor
from xinye.accounts.presets import PRESETS
from xinye.core.scope import spec_for

ACTIONS = ["view", "add", "change", "delete", "view_sensitive", "export", "import", "approve"]
load_registrations()


def granted(username: str, otype: str, action: str) -> bool:
    grants = PRESETS[ROLE_OF[username]].grants
    return any(pattern_matches(p, otype) and action in acts for p, acts in grants.items())


def expected(username: str, otype: str, action: str, mtype, everywhere: bool) -> bool:
    """Whether the role's in-scope object is reachable for `action`. Roles scoped to their assigned
    enterprises (instructor, liaison) reach only what hangs from those enterprises (leak 1 of the spine
    issue: they saw the county's meetings, organisations and colleagues' assessments)."""
    if not granted(username, otype, action):
        return False
    if everywhere and action not in ("view", "export") and not _bound_at_root(username):
        return False  # city-wide reference data is written only from the root of the tree (leak 2)
    if PRESETS[ROLE_OF[username]].mode == "assigned" and not everywhere:
        return mtype.enterprise_of is not None
    return True


def _bound_at_root(username: str) -> bool:
    from xinye.accounts.models import User

    return User.objects.get(username=username).role_assignments.filter(unit__parent__isnull=True).exists()


def _scope_objects(world, username, mtype):
    from xinye.orgs.models import OrgUnit

    user = world["users"][username]
    in_code, out_code = ROLE_UNITS[username]
    in_unit = OrgUnit.objects.get(code=in_code) if in_code else user.role_assignments.first().unit
    in_obj = mtype.make(in_unit, world)
    if PRESETS[ROLE_OF[username]].mode == "assigned" and mtype.enterprise_of is not None:
        _assign_to(user, mtype.enterprise_of(in_obj))
    out_obj = mtype.make(OrgUnit.objects.get(code=out_code), world) if out_code else None
    return user, in_obj, out_obj


def _assign_to(user, enterprise):
    from xinye.orgs.models import Agent
    from xinye.orgs.services import assign_responsibility

    agent = Agent.objects.filter(user=user).first()
    if agent is None:
        ra = user.role_assignments.first()
        agent = Agent.objects.create(
            kind=ra.role.code, name=user.display_name, unit=ra.unit, region=ra.unit.region, user=user
        )
    assign_responsibility(enterprise, agent.kind, agent=agent, actor=system_actor("test"))
    from xinye.accounts.permissions import clear_cache

    clear_cache(user)


def _fresh(obj):
    return type(obj)._default_manager.filter(pk=obj.pk).first()


@pytest.mark.parametrize("otype", sorted(REGISTRY))
@pytest.mark.parametrize("username", sorted(ROLE_UNITS))
def test_matrix(world, username, otype, client_for):
    mtype = REGISTRY[otype]
    if username in mtype.skip_roles:
        pytest.skip("role not applicable to this type")
    user, in_obj, out_obj = _scope_objects(world, username, mtype)
    model = type(in_obj)
    everywhere = spec_for(model).everywhere

    # The one door: restrict() for every action.
    for action in ACTIONS:
        allowed = expected(username, otype, action, mtype, everywhere)
        ids = set(restrict(model._default_manager.all(), user, action).values_list("pk", flat=True))
        assert (in_obj.pk in ids) == allowed, f"{username} {action} {otype} in scope"
        if out_obj is not None and not everywhere:
            assert out_obj.pk not in ids, f"{username} {action} {otype} out of scope leaked"

    view = expected(username, otype, "view", mtype, everywhere)
    client = client_for(username)
    meta = model._meta
    if mtype.console:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[in_obj.pk])
        status = client.get(url, follow=True).status_code  # an appeal's row opens its 办理 page
        assert status == (200 if view else 404), f"console GET in-scope {status}"
        if out_obj is not None and not everywhere:
            out_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[out_obj.pk])
            assert client.get(out_url).status_code == 404
            before = {f.attname: getattr(_fresh(out_obj), f.attname) for f in meta.concrete_fields}
            data = mtype.change_data(out_obj) if mtype.change_data else {}
            assert client.post(out_url, data).status_code == 404
            after = {f.attname: getattr(_fresh(out_obj), f.attname) for f in meta.concrete_fields}
            assert after == before, "out-of-scope console write changed the object"
            delete_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[out_obj.pk])
            assert client.post(delete_url, {"post": "yes"}).status_code == 404
            assert _fresh(out_obj) is not None, "out-of-scope delete removed the object"

    if mtype.api_detail:
        status = client.get(mtype.api_detail.format(pk=in_obj.pk)).status_code
        assert status == (200 if view else 404), f"API GET in-scope {status}"
        if out_obj is not None and not everywhere:
            response = client.get(mtype.api_detail.format(pk=out_obj.pk))
            assert response.status_code == 404
            assert "detail" in response.json()
    if mtype.api_list:
        response = client.get(mtype.api_list, {"limit": 500})
        assert response.status_code == 200
        listed = {item["id"] for item in response.json()["items"]}
        if out_obj is not None and not everywhere:
            assert out_obj.pk not in listed

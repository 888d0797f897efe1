"""Role assignments and tokens are written through accounts.services, console included (spine issue #12):
separation of duties (等保三员) is checked once, there, with the request's actor."""

import pytest
from django.urls import reverse

from xinye.accounts.models import ApiToken, RoleAssignment, User
from xinye.accounts.permissions import system_actor
from xinye.accounts.services import assign_role, create_token, remove_role, revoke_token
from xinye.core.errors import OutOfScope, Refused


def _user(username="new_staff"):
    return User.objects.create(username=username, display_name="新同事", is_staff=True)


def test_services_require_an_actor(world):
    user = _user()
    with pytest.raises(TypeError):
        assign_role(user, "county_admin", world["units"]["lxgw-kerqin"])  # no actor: not callable
    with pytest.raises(OutOfScope):
        assign_role(user, "county_admin", world["units"]["lxgw-kerqin"], actor=None)
    with pytest.raises(OutOfScope):  # a business admin has no grant on accounts
        assign_role(user, "county_admin", world["units"]["lxgw-kerqin"], actor=world["users"]["city_admin"])
    assert not user.role_assignments.exists()


def test_separated_roles_are_held_alone_and_nobody_grants_themselves(world):
    secadmin = world["users"]["secadmin"]
    user = _user()
    assign_role(user, "county_admin", world["units"]["lxgw-kerqin"], actor=secadmin)
    with pytest.raises(Refused, match="不能与其他角色兼任"):
        assign_role(user, "auditor", world["units"]["tl-zzb"], actor=secadmin)
    with pytest.raises(Refused, match="不能修改自己的角色授权"):
        assign_role(secadmin, "city_admin", world["units"]["tl-zzb"], actor=secadmin)
    with pytest.raises(Refused, match="不能修改自己的角色授权"):
        remove_role(secadmin.role_assignments.first(), actor=secadmin)


def test_console_inline_roles_go_through_the_services(world, client_for):
    user = _user()
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "role_assignments-TOTAL_FORMS": 1,
        "role_assignments-INITIAL_FORMS": 0,
        "role_assignments-0-role": "",
        "role_assignments-0-unit": world["units"]["lxgw-kerqin"].pk,
        "role_assignments-0-industry": "",
    }
    from xinye.accounts.models import Role

    data["role_assignments-0-role"] = Role.objects.get(code="county_admin").pk
    client = client_for("secadmin")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(user.role_assignments.values_list("role__code", flat=True)) == ["county_admin"]
    # the 三员 role on top is refused beside the form, nothing saved
    assignment = user.role_assignments.get()
    data.update(
        {
            "role_assignments-TOTAL_FORMS": 2,
            "role_assignments-INITIAL_FORMS": 1,
            "role_assignments-0-id": assignment.pk,
            "role_assignments-0-user": user.pk,
            "role_assignments-1-role": Role.objects.get(code="auditor").pk,
            "role_assignments-1-unit": world["units"]["tl-zzb"].pk,
            "role_assignments-1-industry": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200 and "不能与其他角色兼任" in response.content.decode()
    assert user.role_assignments.count() == 1


def test_console_role_assignment_admin_refuses_own_roles(world, client_for):
    secadmin = world["users"]["secadmin"]
    from xinye.accounts.models import Role

    data = {
        "user": secadmin.pk,
        "role": Role.objects.get(code="city_admin").pk,
        "unit": world["units"]["tl-zzb"].pk,
    }
    response = client_for("secadmin").post(reverse("admin:accounts_roleassignment_add"), data)
    assert response.status_code == 200 and "不能修改自己的角色授权" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=secadmin, role__code="city_admin").exists()


def test_tokens_created_and_revoked_by_an_actor(world, client_for):
    user = world["users"]["kerqin_admin"]
    with pytest.raises(OutOfScope):
        create_token(user, actor=user)  # a business admin does not manage tokens
    token, _key = create_token(user, actor=system_actor("test"), name="对接")
    client = client_for("secadmin")
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert revoke_token(token, actor=world["users"]["secadmin"]).revoked_at == token.revoked_at
    assert ApiToken.objects.filter(pk=token.pk).exists()

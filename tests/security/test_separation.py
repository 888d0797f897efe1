"""等保三员 separation and the CLI's `--actor`: no account widens its own rights, a 三员 role is never
combined with another role, and a command run as a limited user can do only what that user may."""

import io
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.members import factories as f
from xinye.accounts.models import ApiToken, Role, RoleAssignment, User
from xinye.members.models import StudyRecord


def _user_change_post(user, *, new_role: Role, unit) -> dict:
    """The user change form as the console posts it, with one new role assignment in the inline."""
    existing = list(user.role_assignments.all())
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "role_assignments-TOTAL_FORMS": str(len(existing) + 1),
        "role_assignments-INITIAL_FORMS": str(len(existing)),
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for i, ra in enumerate(existing):
        data.update(
            {
                f"role_assignments-{i}-id": str(ra.pk),
                f"role_assignments-{i}-user": str(user.pk),
                f"role_assignments-{i}-role": str(ra.role_id),
                f"role_assignments-{i}-unit": str(ra.unit_id),
                f"role_assignments-{i}-industry": ra.industry,
            }
        )
    n = len(existing)
    data.update(
        {
            f"role_assignments-{n}-user": str(user.pk),
            f"role_assignments-{n}-role": str(new_role.pk),
            f"role_assignments-{n}-unit": str(unit.pk),
            f"role_assignments-{n}-industry": "",
        }
    )
    return data


def test_secadmin_cannot_grant_itself_a_business_role(world, client_for):
    secadmin = world["users"]["secadmin"]
    city = world["units"]["tl-zzb"]
    data = _user_change_post(secadmin, new_role=Role.objects.get(code="city_admin"), unit=city)
    client_for("secadmin").post(f"/admin/accounts/user/{secadmin.pk}/change/", data)
    assert not secadmin.role_assignments.filter(role__code="city_admin").exists()


def test_secadmin_cannot_give_the_auditor_a_business_role(world, client_for):
    auditor = world["users"]["auditor"]
    data = _user_change_post(
        auditor, new_role=Role.objects.get(code="county_admin"), unit=world["units"]["lxgw-kerqin"]
    )
    client_for("secadmin").post(f"/admin/accounts/user/{auditor.pk}/change/", data)
    assert not auditor.role_assignments.filter(role__code="county_admin").exists()


def test_secadmin_still_grants_roles_to_business_users(world, client_for):
    user = User.objects.create(
        username=f"kerqin-{uuid.uuid4().hex[:6]}", display_name="新同事", is_staff=True
    )
    data = _user_change_post(
        user, new_role=Role.objects.get(code="county_admin"), unit=world["units"]["lxgw-kerqin"]
    )
    r = client_for("secadmin").post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    assert user.role_assignments.filter(role__code="county_admin").exists()


def test_role_assignment_add_page_refuses_a_self_grant(world, client_for):
    secadmin = world["users"]["secadmin"]
    before = RoleAssignment.objects.count()
    client_for("secadmin").post(
        "/admin/accounts/roleassignment/add/",
        {
            "user": secadmin.pk,
            "role": Role.objects.get(code="auditor").pk,
            "unit": world["units"]["tl-zzb"].pk,
            "industry": "",
        },
    )
    assert RoleAssignment.objects.count() == before


# --- the CLI with --actor ---


def test_token_cli_with_a_limited_actor_cannot_mint_tokens_for_others(world):
    """`xinye token create city_admin --actor kerqin_admin` would hand a county user the city's keys."""
    before = ApiToken.objects.filter(user__username="city_admin").count()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("token", "create", "city_admin", actor="kerqin_admin", stdout=out)
    assert ApiToken.objects.filter(user__username="city_admin").count() == before
    assert "xy_" not in out.getvalue()


def test_token_cli_as_the_security_admin_still_works(world):
    out = io.StringIO()
    call_command("token", "create", "kerqin_admin", actor="secadmin", stdout=out)
    assert out.getvalue().strip().splitlines()[-1].startswith("xy_")


def test_study_import_cli_needs_the_import_right(world, tmp_path):
    """The 交通运输局 sees freight practitioners (ledger view) but has no right on study records at all."""
    office = world["units"]["djb-kailu-freight"]
    m = f.member(office, "货车司机学员", id_number="150523199001011234")
    path = tmp_path / "study.csv"
    path.write_text(
        "姓名,身份证号,日期,积分\n货车司机学员,150523199001011234,2026-05-01,45\n", encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("import_study", str(path), "--commit", actor="transport_dept", stdout=io.StringIO())
    assert not StudyRecord.objects.filter(practitioner=m.practitioner).exists()

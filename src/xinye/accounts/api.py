"""The caller's own account and roles."""

from ninja import Router, Schema

from xinye.accounts.permissions import grants_for

router = Router()
TAG = "账号"


class RoleOut(Schema):
    role: str
    role_name: str
    unit_id: int
    unit: str
    industry: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.user
    grants_for(user)
    roles = [
        {
            "role": ra.role.code,
            "role_name": ra.role.name,
            "unit_id": ra.unit_id,
            "unit": ra.unit.name,
            "industry": ra.industry,
        }
        for ra in user.role_assignments.select_related("role", "unit")
    ]
    return {"username": user.username, "display_name": user.display_name, "roles": roles}

"""One demo account per built-in role. All share one demo password, printed by `xinye demo`."""

from xinye.accounts.models import User
from xinye.accounts.permissions import system_actor
from xinye.accounts.services import assign_role, enrol_demo_device, otp_required
from xinye.core.choices import Industry

DEMO_PASSWORD = "Xinye@Demo2026"
ACTOR = system_actor("demo")

# username, display name, role, unit code, industry narrowing
DEMO_ACCOUNTS = [
    ("city_admin", "市委组织部 管理员", "city_admin", "tl-zzb", ""),
    ("rider_committee_admin", "外卖骑手行业党委 管理员", "committee_admin", "hydw-delivery", ""),
    ("kerqin_admin", "科尔沁区两新工委 管理员", "county_admin", "lxgw-kerqin", ""),
    ("transport_dept", "市交通运输局 工作人员", "department", "tl-lxgw", Industry.FREIGHT),
    ("union_staff", "市总工会 工作人员", "mass_org", "mass-union", ""),
    ("community_admin", "科尔沁街道 管理员", "community_admin", "street-kerqin-1", ""),
    ("instructor", "党建指导员（科尔沁区）", "instructor", "lxgw-kerqin", ""),
    ("liaison", "驻企联络员（科尔沁区）", "liaison", "lxgw-kerqin", ""),
    ("secretary", "支部书记", "secretary", "lxgw-kerqin", ""),
    ("sysadmin", "系统管理员", "sysadmin", "tl-zzb", ""),
    ("secadmin", "安全管理员", "secadmin", "tl-zzb", ""),
    ("auditor", "审计员", "auditor", "tl-zzb", ""),
]


def load(world: dict) -> None:
    from xinye.orgs.models import OrgUnit

    users = {}
    for username, display, role, unit_code, industry in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"display_name": display, "is_staff": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if not user.role_assignments.filter(role__code=role).exists():
            assign_role(user, role, OrgUnit.objects.get(code=unit_code), actor=ACTOR, industry=industry)
        users[username] = user
    # The accounts that must use the second factor get an authenticator whose current code
    # `xinye otp code USERNAME` prints: nobody trying the demo is locked out of it.
    world["otp_users"] = []
    for username, user in users.items():
        if otp_required(user):
            enrol_demo_device(user, actor=ACTOR)
            world["otp_users"].append(username)
    world["users"] = users
    world["logins"] = [(u, d, r) for u, d, r, _c, _i in DEMO_ACCOUNTS]

"""State changes for accounts: roles, assignments, tokens. Each is one transaction, is logged, and takes a
required `actor` checked with `require` (the CLI and the demo pass a system actor)."""

import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from xinye.accounts import writes
from xinye.accounts.models import ApiToken, RecoveryCode, RecoveryDevice, Role, RoleAssignment, User
from xinye.accounts.permissions import clear_cache, grants_for, is_system, require
from xinye.accounts.presets import BUILTIN_ROLES
from xinye.audit.services import log_event
from xinye.core.errors import Refused

READS = (
    "authenticate_token",
    "token_for_key",
    "otp_required",
    "otp_device",
    "verify_second_factor",
    "otp_wait_seconds",
    "is_security_admin",
)

# 等保三员: the system, security and audit administrators hold their role alone, and nobody grants
# themselves anything (a security administrator would otherwise make itself 市级管理员).
SEPARATED_ROLES = {"sysadmin", "secadmin", "auditor"}


@transaction.atomic
def sync_builtin_roles(*, actor) -> None:
    """Create or refresh the built-in roles from presets.py (after every migrate, as the system)."""
    require(actor, "change", model=Role)
    for preset in BUILTIN_ROLES:
        Role.objects.update_or_create(
            code=preset.code,
            defaults={
                "name": preset.name,
                "description": preset.description,
                "mode": preset.mode,
                "grants": preset.grants,
                "builtin": True,
            },
        )


def clean_role_change(*, actor, user, roles: list, changed: bool) -> None:
    """Refuse a change of `user`'s roles (`roles`: the full list after the change) that breaks separation
    of duties: nobody changes their own roles, and the 三员 roles are held alone. The console's forms
    run it too."""
    if changed and user is not None and not is_system(actor) and user.pk == actor.pk:
        raise Refused("不能修改自己的角色授权（等保三员分立）")
    codes = {r.code for r in roles}
    if codes & SEPARATED_ROLES and len(codes) > 1:
        raise Refused("系统管理员、安全管理员、审计员角色不能与其他角色兼任（等保三员分立）")


@transaction.atomic
def assign_role(user: User, role_code: str, unit, *, actor, industry: str = "") -> RoleAssignment:
    """Give `user` the role over `unit` (optionally narrowed to one industry), as `actor`."""
    require(actor, "add", model=RoleAssignment)
    role = Role.objects.filter(code=role_code).first()
    if role is None:
        raise Refused({"role": [f"未知的角色：{role_code}"]})
    existing = RoleAssignment.objects.filter(user=user, role=role, unit=unit, industry=industry).first()
    if existing is not None:
        return existing
    others = [ra.role for ra in user.role_assignments.select_related("role")]
    clean_role_change(actor=actor, user=user, roles=[*others, role], changed=True)
    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit, industry=industry)
    require(actor, "add", assignment)
    clear_cache(user)
    return assignment


@transaction.atomic
def save_assignment(assignment: RoleAssignment, *, actor) -> RoleAssignment:
    """Create or change a role assignment from the console's forms, with the same separation-of-duties
    rule as `assign_role` (for the user who loses it too, when it moves to another user)."""
    others = [
        ra.role for ra in assignment.user.role_assignments.exclude(pk=assignment.pk).select_related("role")
    ]
    clean_role_change(actor=actor, user=assignment.user, roles=[*others, assignment.role], changed=True)
    if assignment.pk is not None:
        stored = RoleAssignment.objects.filter(pk=assignment.pk).select_related("user").first()
        if stored is not None and stored.user_id != assignment.user_id:
            clean_role_change(actor=actor, user=stored.user, roles=[], changed=True)
            clear_cache(stored.user)
    saved = writes.save(assignment, actor=actor)
    clear_cache(assignment.user)
    return saved


@transaction.atomic
def remove_role(assignment: RoleAssignment, *, actor) -> None:
    """Take a role assignment away (nobody removes their own)."""
    clean_role_change(actor=actor, user=assignment.user, roles=[], changed=True)
    writes.delete(assignment, actor=actor)
    clear_cache(assignment.user)


@transaction.atomic
def create_token(user: User, *, actor, name: str = "", expires_at=None) -> tuple[ApiToken, str]:
    """Create an API token for `user`; returns the stored token and the key, which is shown once and
    never stored. A token carries exactly its user's grants (api/auth.py), nothing more."""
    require(actor, "add", model=ApiToken)
    if not user.is_active:
        raise Refused(f"用户 {user.username} 已停用")
    key = "xy_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:11], key_hash=ApiToken.hash_key(key), expires_at=expires_at
    )
    require(actor, "add", token)
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    """Revoke a token (idempotent)."""
    require(actor, "change", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The live token (not revoked, not expired, its user active) with this key, or None."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.expires_at and token.expires_at <= timezone.now():
        return None
    return token


def authenticate_token(key: str, ip: str | None = None) -> User | None:
    """The active user behind a live token, or None; notes its use at most once a minute. With `ip`, a
    token limited to an allow-list answers only from those addresses (the API answers 403 otherwise)."""
    token = token_for_key(key)
    if token is None or (ip is not None and not token.allows_ip(ip)):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def set_token_ips(token: ApiToken, allowed_ips: str, *, actor) -> ApiToken:
    """Limit a token to an allow-list of addresses and networks (empty: any address). A bad entry is
    refused with its name; nothing is saved."""
    require(actor, "change", token)
    token.allowed_ips = "\n".join(allowed_ips.replace(",", "\n").replace("，", "\n").split())
    try:
        token.networks()
    except ValueError as exc:
        raise Refused({"allowed_ips": [str(exc)]}) from None
    token.save(update_fields=["allowed_ips"])
    return token


# --- the second factor (等保 §8.1.4.1 d; issue 18 item 1) ---------------------------------------------------

SECURITY_ADMIN = "secadmin"
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a sheet of paper


def otp_required(user) -> bool:
    """Whether this console account must pass the second factor: the roles of XINYE_OTP_REQUIRED_ROLES
    (系统管理员、安全管理员、审计员、市级管理员), superusers, and every account when the city sets
    XINYE_OTP_REQUIRED_FOR_ALL."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if settings.XINYE_OTP_REQUIRED_FOR_ALL or user.is_superuser:
        return True
    required = set(settings.XINYE_OTP_REQUIRED_ROLES)
    return any(grant.role_code in required for grant in grants_for(user))


def otp_device(user) -> TOTPDevice | None:
    """The user's confirmed TOTP device, or None (not enrolled)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def verify_second_factor(user, token: str):
    """The device that accepts `token` for `user` — a 6-digit code of the TOTP device (each time step once:
    a code already used or older than one step is refused) or an unused recovery code, which is then used
    up — or None. Wrong codes slow the next attempts (django-otp's throttling) and go to the change log."""
    token = (token or "").strip()
    if not token:
        return None
    devices = []
    if token.isdigit():
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    else:
        devices = list(RecoveryDevice.objects.devices_for_user(user, confirmed=True))
    for device in devices:
        if device.verify_token(token):
            if isinstance(device, RecoveryDevice):
                left = device.codes.count()
                log_event("login", user=user, note=f"使用恢复码通过双因素认证（剩余 {left} 个）")
            return device
    log_event("login_failed", user=user, note=f"动态验证码或恢复码错误：{user.get_username()}")
    return None


def otp_wait_seconds(user) -> int:
    """Seconds before another code of `user` is checked (after wrong codes), 0 when it may be tried now."""
    waits = []
    now = timezone.now()
    for model in (TOTPDevice, RecoveryDevice):
        for device in model.objects.devices_for_user(user, confirmed=True):
            allowed, reason = device.verify_is_allowed()
            if not allowed and reason and reason.get("locked_until"):
                waits.append(max(1, int((reason["locked_until"] - now).total_seconds()) + 1))
    return max(waits, default=0)


def is_security_admin(actor) -> bool:
    """Whether `actor` holds the 安全管理员 role (who alone resets a second factor)."""
    return not is_system(actor) and any(g.role_code == SECURITY_ADMIN for g in grants_for(actor))


def _require_self_or_system(actor, user) -> None:
    if not is_system(actor) and getattr(actor, "pk", None) != user.pk:
        raise Refused(_("只能为自己的账号启用双因素认证"))


@transaction.atomic
def start_enrolment(user: User, *, actor) -> TOTPDevice:
    """The TOTP device `user` is enrolling (its key shown as a QR code until a code confirms it), created
    once and kept across reloads of the page. Refused when a device is already confirmed."""
    _require_self_or_system(actor, user)
    if otp_device(user) is not None:
        raise Refused(_("该账号已启用双因素认证；如需更换设备，请联系安全管理员重置"))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    """Replace `user`'s recovery codes by XINYE_OTP_RECOVERY_CODES new ones; returns them in clear, the
    only time they exist outside a hash."""
    RecoveryDevice.objects.filter(user=user).delete()
    device = RecoveryDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = []
    for _i in range(settings.XINYE_OTP_RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, code_hash=make_password(code.replace("-", ""))) for code in codes]
    )
    return codes


@transaction.atomic
def confirm_enrolment(device: TOTPDevice, token: str, *, actor) -> list[str]:
    """Confirm an enrolling device with a current code from the authenticator; returns the user's new
    recovery codes (shown once). A wrong or stale code is refused and nothing changes."""
    user = device.user
    _require_self_or_system(actor, user)
    if device.confirmed:
        raise Refused(_("该设备已启用"))
    token = (token or "").strip()
    if not (token.isdigit() and len(token) == device.digits):
        raise Refused({"otp_token": [_("动态验证码应为 %(n)d 位数字") % {"n": device.digits}]})
    if not device.verify_token(token):
        raise Refused({"otp_token": [_("动态验证码不正确或已过期，请输入验证器上当前显示的验证码")]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    log_event("update", user=user, obj=user, note=f"启用双因素认证（TOTP），生成 {len(codes)} 个恢复码")
    return codes


DEMO_DEVICE_NAME = "演示验证器"  # `xinye otp code` prints the codes of these devices only


@transaction.atomic
def enrol_demo_device(user: User, *, actor) -> TOTPDevice:
    """Enrol `user` at once with a confirmed TOTP device whose codes `xinye otp code USERNAME` prints, for
    the demo and the tests: only the system actor may, never a person. Idempotent."""
    if not is_system(actor):
        raise Refused(_("只有系统（演示数据）可以直接为账号启用双因素认证"))
    device = otp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
        log_event("update", user=user, obj=user, note="启用双因素认证（TOTP，演示数据）")
    return device


@transaction.atomic
def reset_second_factor(user: User, *, actor) -> None:
    """Remove `user`'s authenticator and recovery codes, so the next sign-in enrols anew: only a
    安全管理员 may, never for their own account (等保三员分立), and it is logged."""
    if not is_security_admin(actor):
        raise Refused(_("只有安全管理员可以重置双因素认证"))
    if actor.pk == user.pk:
        raise Refused(_("不能重置自己的双因素认证，请由另一位安全管理员办理"))
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryDevice.objects.filter(user=user).delete()
    log_event(
        "update",
        obj=user,
        note=f"重置双因素认证：{user.get_username()}（由安全管理员 {actor.get_username()}）",
    )

"""State changes for accounts: roles, assignments, tokens. Each is one transaction, is logged, and takes a
required `actor` checked with `require` (the CLI and the demo pass a system actor)."""

import secrets

from django.db import transaction
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.models import ApiToken, Role, RoleAssignment, User
from xinye.accounts.permissions import clear_cache, is_system, require
from xinye.accounts.presets import BUILTIN_ROLES
from xinye.core.errors import Refused

READS = ("authenticate_token",)

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


def authenticate_token(key: str) -> User | None:
    """The active user behind a live token, or None; notes its use at most once a minute."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

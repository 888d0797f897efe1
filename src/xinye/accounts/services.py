"""State changes for accounts: roles, assignments, tokens. Each is one transaction and is logged."""

import secrets

from django.db import transaction
from django.utils import timezone

from xinye.accounts.models import ApiToken, Role, RoleAssignment, User
from xinye.accounts.permissions import clear_cache
from xinye.accounts.presets import BUILTIN_ROLES


def sync_builtin_roles() -> None:
    """Create or refresh the built-in roles from presets.py (run after every migrate)."""
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


@transaction.atomic
def assign_role(user: User, role_code: str, unit, *, industry: str = "") -> RoleAssignment:
    role = Role.objects.get(code=role_code)
    assignment, _ = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit, industry=industry)
    clear_cache(user)
    return assignment


@transaction.atomic
def create_token(user: User, *, name: str = "", expires_at=None) -> tuple[ApiToken, str]:
    """Returns the stored token and the key, which is shown once and never stored."""
    key = "xy_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:11], key_hash=ApiToken.hash_key(key), expires_at=expires_at
    )
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate_token(key: str) -> User | None:
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

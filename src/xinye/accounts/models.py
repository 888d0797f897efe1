"""Users, roles bound to organisation units, and API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.scope import ScopeSpec


class User(AbstractUser):
    """A staff account. Workers on the portal sign in by phone and never get one of these."""

    display_name = models.CharField(_("显示名"), max_length=64, blank=True)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username


class Role(models.Model):
    """A named preset of grants (object type pattern → actions) with a scope mode; see presets.py."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    description = models.CharField(_("说明"), max_length=255, blank=True)
    mode = models.CharField(
        _("范围方式"),
        max_length=16,
        choices=[("tree", _("所在单位及下级")), ("assigned", _("所联系的企业"))],
        default="tree",
    )
    grants = models.JSONField(_("授权"), default=dict)
    builtin = models.BooleanField(_("内置"), default=False, editable=False)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]

    def __str__(self):
        return self.name


class RoleAssignment(models.Model):
    """User U holds role R over unit X's subtree, optionally narrowed to one industry."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(
        Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("限定行业"), max_length=16, choices=Industry.choices, blank=True)
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "industry"], name="role_assignment_unique"
            )
        ]

    def __str__(self):
        suffix = _("（%(industry)s）") % {"industry": self.get_industry_display()} if self.industry else ""
        return f"{self.user} · {self.role} @ {self.unit}{suffix}"


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the key is shown once at creation."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=64, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

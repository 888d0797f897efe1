"""Users, roles bound to organisation units, API tokens, and the recovery codes of the second factor."""

import hashlib
import ipaddress

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

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
    allowed_ips = models.TextField(
        _("允许的来源地址"),
        blank=True,
        help_text=_("每行或以逗号分隔一个 IP 地址或网段（如 10.1.2.3、10.1.0.0/16）；留空则不限来源。"),
    )

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

    def clean(self):
        super().clean()
        try:
            self.networks()
        except ValueError as exc:
            raise ValidationError({"allowed_ips": [str(exc)]}) from None

    def networks(self) -> list:
        """The allow-list as networks; a ValueError with a Chinese message names the first bad entry."""
        out = []
        for entry in self.allowed_ips.replace(",", "\n").replace("，", "\n").split():
            try:
                out.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(
                    _("“%(entry)s”不是有效的 IP 地址或网段（例如 10.1.2.3 或 10.1.0.0/16）")
                    % {"entry": entry}
                ) from None
        return out

    def allows_ip(self, ip: str) -> bool:
        """Whether a request from `ip` may use this token: any address when the allow-list is empty."""
        if not self.allowed_ips.strip():
            return True
        try:
            address = ipaddress.ip_address(ip)
            networks = self.networks()
        except ValueError:
            return False  # no address, or a list that no longer parses: closed, not open
        return any(address in network for network in networks)


class RecoveryDevice(ThrottlingMixin, Device):
    """A staff account's recovery codes (等保 §8.1.4.1 d, the second factor's way back in): a django-otp
    device whose codes are stored hashed with the password hasher, each good once. django-otp's own static
    device keeps its tokens in plain text, which a database reader could use."""

    scope = ScopeSpec(everywhere=True)
    audit_exclude = True  # its enrolment and its reset are logged as one event each (accounts.services)

    class Meta(Device.Meta):
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def verify_token(self, token) -> bool:
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        token = "".join(str(token).split()).replace("-", "").lower()
        for code in self.codes.all():
            if token and check_password(token, code.code_hash):
                code.delete()  # single use
                self.throttle_reset()
                return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self):
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)


class RecoveryCode(models.Model):
    """One unused recovery code of a `RecoveryDevice`, as a password hash; deleted when used."""

    device = models.ForeignKey(RecoveryDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=128)

    scope = ScopeSpec(everywhere=True)
    audit_exclude = True

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def __str__(self):
        return str(_("恢复码"))

"""Instructors (党建指导员) and enterprise liaisons (驻企联络员): the field agents of 工作覆盖."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.fields import EncryptedTextField
from xinye.core.scope import ScopeSpec
from xinye.guidance.choices import AgentKind


class Agent(models.Model):
    """A person dispatched 分级分片 to carry party work into enterprises; takes no pay from them."""

    kind = models.CharField(_("类别"), max_length=16, choices=AgentKind.choices, db_index=True)
    name = models.CharField(_("姓名"), max_length=32)
    phone = EncryptedTextField(_("手机号"), mask="phone")
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="agents"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("负责区域"), on_delete=models.PROTECT, related_name="agents"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agent",
    )
    latitude = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    longitude = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope = ScopeSpec(unit="unit", industry="industry")

    class Meta:
        verbose_name = _("指导员/联络员")
        verbose_name_plural = _("指导员与联络员")
        ordering = ["kind", "name"]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def save(self, *args, **kwargs):
        from xinye.core.crypto import keyed_hash

        self.phone_hash = keyed_hash(self.phone)
        super().save(*args, **kwargs)

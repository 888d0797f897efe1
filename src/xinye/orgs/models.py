"""Regions (GB/T 2260), the organisation tree with its second line, the instructors and liaisons units
dispatch (agents), and the responsibility matrix."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.fields import EncryptedTextField
from xinye.core.scope import ScopeSpec
from xinye.orgs.choices import AgentKind, RegionLevel, ResponsibilityRole, UnitKind


class Region(models.Model):
    """An administrative division by its GB/T 2260 code (or a functional zone such as 150571)."""

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_functional_zone = models.BooleanField(_("功能区（非法定行政区划）"), default=False)

    scope = ScopeSpec(everywhere=True)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return _("%(name)s（%(code)s）") % {"name": self.name, "code": self.code}


class OrgUnitQuerySet(models.QuerySet):
    def subtree(self, unit: "OrgUnit"):
        return self.filter(path__startswith=unit.path)

    def answering_to(self, unit: "OrgUnit"):
        """Offices on the second line: those whose 行业党委 is `unit` (or inside its subtree)."""
        return self.filter(answers_to__path__startswith=unit.path)


class OrgUnit(models.Model):
    """One node of the organisation tree: a committee, office, department, community or party organisation.

    `parent` is the first line (an industry office sits under its county's 两新工委); `answers_to` is the
    second (the same office answers to its industry's 行业党委). Both are first-class and queryable.
    """

    code = models.CharField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=32, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    answers_to = models.ForeignKey(
        "self",
        verbose_name=_("业务指导（行业党委）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guided_units",
        help_text=_("行业党建办同时对本行业的市级行业党委负责（上下联动、横向贯通）"),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="units"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True, db_index=True)
    path = models.CharField(_("树路径"), max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    sort = models.IntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = OrgUnitQuerySet.as_manager()
    scope = ScopeSpec(unit="")

    class Meta:
        verbose_name = _("组织单位")
        verbose_name_plural = _("组织单位")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        expected = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if self.path != expected:
            old = self.path
            self.path = expected
            self.depth = expected.count("/") - 2
            OrgUnit.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
            if old:
                for child in OrgUnit.objects.filter(parent=self):
                    child.save()

    @property
    def is_party_organisation(self) -> bool:
        from xinye.orgs.choices import PARTY_ORG_KINDS

        return self.kind in PARTY_ORG_KINDS

    def ancestors(self):
        ids = [int(p) for p in self.path.strip("/").split("/")[:-1] if p]
        return OrgUnit.objects.filter(pk__in=ids).order_by("depth")


class Agent(models.Model):
    """An instructor (党建指导员) or liaison (驻企联络员): a person a unit dispatches 分级分片 to carry party
    work into enterprises, with an optional login; takes no pay from them.

    It lives here, beside the responsibility matrix that names it; guidance (visits, assessments, the
    assignment rules) points down at it."""

    kind = models.CharField(_("类别"), max_length=16, choices=AgentKind.choices, db_index=True)
    name = models.CharField(_("姓名"), max_length=32)
    phone = EncryptedTextField(_("手机号"), mask="phone")
    phone_hash = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="agents"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("负责区域"), on_delete=models.PROTECT, related_name="agents"
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

    scope = ScopeSpec(unit="unit", industry="industry", own="user")

    class Meta:
        # The table keeps the name it had under guidance (the model moved in issue 12, item 4; a state-only
        # migration, no data moved).
        db_table = "guidance_agent"
        verbose_name = _("指导员/联络员")
        verbose_name_plural = _("指导员与联络员")
        ordering = ["kind", "name"]

    def __str__(self):
        return _("%(name)s（%(kind)s）") % {"name": self.name, "kind": self.get_kind_display()}

    def save(self, *args, **kwargs):
        from xinye.core.crypto import keyed_hash

        self.phone_hash = keyed_hash(self.phone)
        super().save(*args, **kwargs)


class Responsibility(models.Model):
    """ "Unit U (or field agent A) answers for object O in role R" — the responsibility matrix.

    Generic over the answered-for object so the ledger, stations and later objects share one matrix.
    """

    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("对象编号"), db_index=True)
    target = GenericForeignKey("content_type", "object_id")
    role = models.CharField(_("责任角色"), max_length=32, choices=ResponsibilityRole.choices, db_index=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    agent = models.ForeignKey(
        Agent,
        verbose_name=_("责任人（指导员/联络员）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responsibilities",
    )
    since = models.DateField(_("起始日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # A responsibility row is visible wherever its unit is; agents' rows through their home unit.
    scope = ScopeSpec(unit="unit")

    class Meta:
        verbose_name = _("责任关系")
        verbose_name_plural = _("责任关系")
        indexes = [models.Index(fields=["content_type", "object_id", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(agent__isnull=False),
                name="responsibility_has_holder",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "role", "unit", "agent"], name="responsibility_unique"
            ),
        ]

    def __str__(self):
        holder = self.unit or self.agent
        return f"{holder} · {self.get_role_display()}"

    @property
    def holder_name(self) -> str:
        return str(self.unit or self.agent)

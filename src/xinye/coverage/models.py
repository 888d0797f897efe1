"""Coverage aggregates, kept current from the ledger (services.py) so statistics never scan the ledger.

All three tables are derived data: `xinye coverage-refresh` rebuilds them from the ledger at any time.
They are excluded from the change log (the ledger changes that cause them are logged).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.scope import ScopeSpec
from xinye.coverage.choices import CoverageStatus


class CoverageCell(models.Model):
    """One county × industry cell (more exactly: owning office × county × industry) with its counts.

    Enterprise counts by status are over enterprises in the survey scope (纳入摸排范围且在营);
    practitioners and members over every enterprise of the cell; organisations are placed in the cell
    of the (lowest-numbered) enterprise they cover.
    """

    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主管行业党建办"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.CASCADE, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    enterprises_total = models.PositiveIntegerField(_("台账企业数"), default=0)
    enterprises = models.PositiveIntegerField(_("摸排范围内企业数"), default=0)
    independent = models.PositiveIntegerField(_("单独组建"), default=0)
    joint = models.PositiveIntegerField(_("联合组建"), default=0)
    work = models.PositiveIntegerField(_("工作覆盖"), default=0)
    blank = models.PositiveIntegerField(_("空白"), default=0)
    must_form = models.PositiveIntegerField(_("应建未建"), default=0)
    practitioners = models.PositiveIntegerField(_("从业人员"), default=0)
    members_full = models.PositiveIntegerField(_("正式党员"), default=0)
    members_probationary = models.PositiveIntegerField(_("预备党员"), default=0)
    org_party_committee = models.PositiveIntegerField(_("党委"), default=0)
    org_general_branch = models.PositiveIntegerField(_("党总支"), default=0)
    org_branch = models.PositiveIntegerField(_("党支部"), default=0)
    org_joint_branch = models.PositiveIntegerField(_("联合党支部"), default=0)
    org_online_branch = models.PositiveIntegerField(_("网络党支部"), default=0)
    org_party_group = models.PositiveIntegerField(_("党小组"), default=0)
    instructors = models.PositiveIntegerField(_("党建指导员"), default=0)
    liaisons = models.PositiveIntegerField(_("驻企联络员"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry")
    audit_exclude = True

    class Meta:
        verbose_name = _("覆盖统计单元")
        verbose_name_plural = _("覆盖统计单元")
        ordering = ["region_id", "industry", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "region", "industry"], name="coverage_cell_unique")
        ]

    def __str__(self):
        return f"{self.region_id} · {self.get_industry_display()} · {self.unit_id}"


class EnterpriseCoverage(models.Model):
    """One enterprise's coverage status and the counts behind it (one row per ledger enterprise)."""

    enterprise = models.OneToOneField(
        "ledger.Enterprise",
        verbose_name=_("企业"),
        primary_key=True,
        # Not cascaded: when an enterprise is deleted its row stays until the ledger's "enterprises changed"
        # reaches coverage, which removes it and recomputes the cell it was counted in (a cache, no constraint).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="coverage",
    )
    # The enterprise's cell, copied so a moved enterprise's old cell can be recomputed.
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("主管单位"), on_delete=models.CASCADE, related_name="+"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("旗县区"), on_delete=models.CASCADE, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    in_scope = models.BooleanField(_("纳入统计"), default=True, db_index=True)
    status = models.CharField(_("覆盖状态"), max_length=16, choices=CoverageStatus.choices, db_index=True)
    organisation = models.ForeignKey(
        "ledger.PartyOrganisation",
        verbose_name=_("覆盖党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    practitioners = models.PositiveIntegerField(_("从业人员"), default=0)
    members_full = models.PositiveIntegerField(_("正式党员"), default=0)
    members_probationary = models.PositiveIntegerField(_("预备党员"), default=0)
    has_instructor = models.BooleanField(_("有党建指导员"), default=False)
    has_liaison = models.BooleanField(_("有驻企联络员"), default=False)
    must_form = models.BooleanField(_("应建未建"), default=False, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry", enterprise="enterprise")
    audit_exclude = True

    class Meta:
        verbose_name = _("企业覆盖状态")
        verbose_name_plural = _("企业覆盖状态")
        indexes = [models.Index(fields=["unit", "region", "industry"])]

    def __str__(self):
        return f"{self.enterprise_id} · {self.get_status_display()}"


class OrganisationPlacement(models.Model):
    """Where a party organisation is counted: its kind and the cell of the enterprise it covers."""

    # Plain ids, not foreign keys: placements are rebuilt while their organisation or agent is being
    # deleted (signal handlers run mid-delete), and must never hold up or dangle from that delete.
    organisation_id = models.PositiveBigIntegerField(_("党组织编号"), primary_key=True)
    kind = models.CharField(_("组织类型"), max_length=32)
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("orgs.Region", on_delete=models.CASCADE, related_name="+")
    industry = models.CharField(_("行业"), max_length=16, blank=True)

    scope = ScopeSpec(unit="unit", industry="industry")
    audit_exclude = True

    class Meta:
        verbose_name = _("党组织统计归属")
        verbose_name_plural = _("党组织统计归属")
        indexes = [models.Index(fields=["unit", "region", "industry"])]

    def __str__(self):
        return f"{self.organisation_id} · {self.kind}"


class AgentPlacement(models.Model):
    """Where an instructor or liaison is counted: the cell of each enterprise they are assigned to, or —
    while assigned to none — their own unit, county and industry. Counted distinct per person."""

    agent_id = models.PositiveBigIntegerField(_("人员编号"), db_index=True)
    role = models.CharField(_("角色"), max_length=16)  # instructor | liaison
    unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("orgs.Region", on_delete=models.CASCADE, related_name="+")
    industry = models.CharField(_("行业"), max_length=16, blank=True)
    # Placed in more than one cell: the only rows needed to turn per-cell counts into distinct people.
    multi = models.BooleanField(_("跨单元"), default=False, db_index=True)

    scope = ScopeSpec(unit="unit", industry="industry")
    audit_exclude = True

    class Meta:
        verbose_name = _("指导员联络员统计归属")
        verbose_name_plural = _("指导员联络员统计归属")
        constraints = [
            models.UniqueConstraint(
                fields=["agent_id", "role", "unit", "region", "industry"], name="agent_placement_unique"
            )
        ]
        indexes = [models.Index(fields=["unit", "region", "industry"])]

    def __str__(self):
        return f"{self.agent_id} · {self.role}"

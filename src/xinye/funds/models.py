"""Party-building funds (党建经费): an allocation of 建设启动资金 or 党建工作经费 to one organisation for one
year, the money paid out to it (拨付) and what it spent (使用).

Money is `Decimal` yuan to the fen. Posted entries — a disbursement, a spending line — are never changed
or deleted: a mistake is undone by a counter-entry (a negative entry that `reverses` the original), so the
ledger keeps every movement. The balances are sums over the entries (`funds.services.totals`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinye.core.choices import Industry
from xinye.core.fields import DocumentField
from xinye.core.scope import ScopeSpec
from xinye.funds.choices import AllocationStatus, FundKind, Performance, SpendingPurpose

MONEY = {"max_digits": 12, "decimal_places": 2}


class Allocation(models.Model):
    """One fund for one receiving organisation and budget year: applied for (申请), reviewed (审核), paid
    out in one or more disbursements (拨付), spent in lines (使用) and closed at the year's end with its
    balance and a performance grade (年度结余/绩效). Its state changes only through `funds.services`.

    Scoped to the receiving unit: a county sees the funds of its organisations, a secretary its own."""

    kind = models.CharField(_("经费类别"), max_length=16, choices=FundKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="fund_allocations"
    )
    region = models.ForeignKey(
        "orgs.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=16, choices=Industry.choices, blank=True)
    amount = models.DecimalField(_("金额（元）"), **MONEY, help_text=_("申请或批准的金额，精确到分"))
    purpose = models.TextField(_("申请事由"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AllocationStatus.choices,
        default=AllocationStatus.APPLIED,
        db_index=True,
    )
    formation_case = models.ForeignKey(
        "ledger.FormationCase",
        verbose_name=_("组建流程"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fund_allocations",
        help_text=_("组建完成时自动提出的党建工作经费"),
    )
    applied_on = models.DateField(_("申请日期"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    closed_on = models.DateField(_("结算日期"), null=True, blank=True)
    closing_balance = models.DecimalField(_("年度结余（元）"), **MONEY, null=True, blank=True)
    performance = models.CharField(_("绩效评价"), max_length=16, choices=Performance.choices, blank=True)
    performance_note = models.TextField(_("绩效说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope = ScopeSpec(unit="unit", industry="industry")

    class Meta:
        verbose_name = _("党建经费")
        verbose_name_plural = _("党建经费")
        ordering = ["-year", "kind", "unit__path"]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()} · {self.unit}"


class Disbursement(models.Model):
    """Money paid out to an allocation (拨付), or — with a negative amount and `reverses` set — the
    counter-entry that undoes a disbursement. Never changed or deleted once posted."""

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("经费"), on_delete=models.PROTECT, related_name="disbursements"
    )
    date = models.DateField(_("拨付日期"))
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    voucher = models.CharField(_("凭证号"), max_length=64, blank=True)
    note = models.CharField(_("说明"), max_length=255, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销的拨付"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope = ScopeSpec(unit="allocation__unit", industry="allocation__industry")

    class Meta:
        verbose_name = _("经费拨付")
        verbose_name_plural = _("经费拨付")
        ordering = ["date", "pk"]

    def __str__(self):
        label = _("冲销拨付") if self.reverses_id else _("拨付")
        return f"{label} {self.amount} · {self.allocation}"


def receipt_path(instance, filename: str) -> str:
    return f"funds/receipts/{instance.allocation.year}/{filename}"


class Spending(models.Model):
    """One spending line of an allocation (使用): date, purpose from the fixed list, amount and the
    receipt; or, negative with `reverses` set, the counter-entry that undoes a line. Never changed or
    deleted once posted; the lines of an allocation never add up to more than was paid out to it."""

    allocation = models.ForeignKey(
        Allocation, verbose_name=_("经费"), on_delete=models.PROTECT, related_name="spending"
    )
    date = models.DateField(_("支出日期"))
    purpose = models.CharField(_("用途"), max_length=16, choices=SpendingPurpose.choices)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    description = models.CharField(_("摘要"), max_length=255, blank=True)
    receipt = DocumentField(_("票据"), upload_to=receipt_path, blank=True, max_length=255)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲销的支出"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    scope = ScopeSpec(unit="allocation__unit", industry="allocation__industry")

    class Meta:
        verbose_name = _("经费支出")
        verbose_name_plural = _("经费支出")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_purpose_display()} {self.amount}"

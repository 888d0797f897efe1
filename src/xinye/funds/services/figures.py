"""The automatic proposal and the figures behind the funds' pages and API."""

from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from xinye.core.choices import Industry
from xinye.core.errors import Refused
from xinye.funds.choices import (
    ALLOCATED_STATES,
    FundKind,
)
from xinye.funds.models import Allocation, Disbursement, Spending
from xinye.funds.services.applications import apply_for_funds
from xinye.funds.services.common import CENT, ZERO, S, _sum, _today, standard_amount
from xinye.orgs.models import OrgUnit, Region

READS = ("totals", "with_figures", "summary", "balances_by")


# --- the automatic proposal ---


@transaction.atomic
def propose_work_fund(case, *, actor) -> Allocation | None:
    """A formation case reached its last step: propose the new organisation's 党建工作经费 for this year at
    the city's standard amount (rules: standard_amounts), waiting for review. Once per case."""
    org = getattr(case, "organisation", None)
    if org is None or Allocation.objects.filter(formation_case=case).exists():
        return None
    unit = org.unit
    year = (case.state_changed_on or _today()).year
    if (
        Allocation.objects.filter(unit=unit, kind=FundKind.WORK, year=year)
        .exclude(status=S.REJECTED)
        .exists()
    ):
        return None
    return apply_for_funds(
        actor=actor,
        kind=FundKind.WORK,
        unit=unit,
        year=year,
        amount=standard_amount(FundKind.WORK),
        purpose=f"新建党组织“{unit.name}”党建工作经费（组建流程完成时自动提出）",
        formation_case=case,
    )


# --- figures ---

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_figures(queryset):
    """Allocations annotated with `disbursed_total` and `spent_total` (one query, for lists)."""

    def total(model):
        sub = (
            model.objects.filter(allocation=OuterRef("pk"))
            .order_by()
            .values("allocation")
            .annotate(t=Sum("amount"))
            .values("t")
        )
        return Coalesce(Subquery(sub, output_field=_MONEY), Value(ZERO), output_field=_MONEY)

    return queryset.annotate(disbursed_total=total(Disbursement), spent_total=total(Spending))


def totals(allocations) -> dict[str, Decimal]:
    """allocated (approved amounts), disbursed (net of reversals), spent (net) and balance of a queryset of
    allocations."""
    allocated = _sum(allocations.filter(status__in=ALLOCATED_STATES))
    ids = allocations.values("pk")
    disbursed = _sum(Disbursement.objects.filter(allocation__in=ids))
    spent = _sum(Spending.objects.filter(allocation__in=ids))
    return {"allocated": allocated, "disbursed": disbursed, "spent": spent, "balance": disbursed - spent}


def summary(allocations) -> dict:
    """The figures of `allocations` (already scoped and narrowed to a year) and per kind."""
    return {
        **totals(allocations),
        "by_kind": {kind: totals(allocations.filter(kind=kind)) for kind in FundKind.values},
    }


GROUPS = {
    "county": "region_id",
    "industry": "industry",
    "organisation": "unit_id",
    "year": "year",
    "kind": "kind",
}


def balances_by(allocations, by: str) -> list[dict]:
    """The figures of `allocations` grouped by county, industry, organisation, year or kind: rows of
    {key, name, allocated, disbursed, spent, balance}, in the key's order."""
    if by not in GROUPS:
        raise Refused({"by": f"分组：应为 {'、'.join(GROUPS)} 之一"})
    key = GROUPS[by]
    rows: dict = {}

    def add(qs, field, figure):
        for row in qs.order_by().values(field).annotate(t=Sum("amount")):
            entry = rows.setdefault(row[field], dict.fromkeys(("allocated", "disbursed", "spent", "n"), ZERO))
            entry[figure] += row["t"] or ZERO

    ids = allocations.values("pk")
    add(allocations.filter(status__in=ALLOCATED_STATES), key, "allocated")
    add(allocations.exclude(status=S.REJECTED), key, "n")  # keys applied for, with no money yet
    add(Disbursement.objects.filter(allocation__in=ids), f"allocation__{key}", "disbursed")
    add(Spending.objects.filter(allocation__in=ids), f"allocation__{key}", "spent")
    names = _names(by, rows.keys())
    out = []
    for value in sorted(rows, key=lambda v: (v is None, str(v))):
        figures = rows[value]
        out.append(
            {
                "key": "" if value is None else str(value),
                "name": names.get(value, str(value or "")),
                "allocated": figures["allocated"].quantize(CENT),
                "disbursed": figures["disbursed"].quantize(CENT),
                "spent": figures["spent"].quantize(CENT),
                "balance": (figures["disbursed"] - figures["spent"]).quantize(CENT),
            }
        )
    return out


def _names(by: str, keys) -> dict:
    if by == "county":
        return dict(Region.objects.filter(pk__in=list(keys)).values_list("pk", "name"))
    if by == "organisation":
        return dict(OrgUnit.objects.filter(pk__in=list(keys)).values_list("pk", "name"))
    if by == "industry":
        return {k: str(Industry(k).label) if k in Industry.values else "未分行业" for k in keys}
    if by == "kind":
        return {k: str(FundKind(k).label) for k in keys}
    return {k: f"{k} 年" for k in keys}

"""Dues (党费): income declarations, the bands, payments and arrears."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from xinye.accounts.permissions import actor_user, require
from xinye.core.errors import Refused
from xinye.ledger.choices import MembershipHeld
from xinye.ledger.models import PartyMember
from xinye.members.choices import (
    FLAT_BASES,
    DuesBasis,
)
from xinye.members.models import (
    DuesBand,
    DuesPayment,
    IncomeDeclaration,
)
from xinye.members.rules import (
    add_months,
    month_start,
    months_between,
    rule,
)
from xinye.members.services.common import today

READS = (
    "arrears_list",
    "arrears_months",
    "base_from",
    "clean_income",
    "clean_payment",
    "dues_base",
    "dues_for_month",
    "dues_rate",
    "monthly_dues",
    "paid_months",
    "pays_here",
    "previous_quarter",
    "rate_for",
    "unpaid_months",
)

CENT = Decimal("0.01")


def _bands() -> list[DuesBand]:
    bands = list(DuesBand.objects.order_by("lower"))
    if not bands:
        raise Refused("党费比例表未配置")
    return bands


def rate_for(income: Decimal, bands: list[DuesBand]) -> Decimal:
    """The band rate (per cent) for a monthly after-tax income: (lower, upper] per DuesBand rows."""
    income = Decimal(income)
    for band in bands:
        if income > band.lower and (band.upper is None or income <= band.upper):
            return band.rate
    return bands[0].rate  # at or below the lowest bound (e.g. no income)


def dues_rate(income: Decimal) -> Decimal:
    return rate_for(income, _bands())


def previous_quarter(month: datetime.date) -> list[datetime.date]:
    quarter_first = datetime.date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)
    return [add_months(quarter_first, -3 + i) for i in range(3)]


def base_from(declarations: dict, month: datetime.date, who: str = "该党员") -> tuple[str, Decimal | None]:
    """(basis, base income) for a month from {month: (basis, net income)}. Gig workers: the previous
    calendar quarter's average monthly net income (党费规定 on 灵活就业); others: the latest declaration
    on or before the month. A pure function, shared by `monthly_dues` and bulk loaders."""
    month = month_start(month)
    earlier = [m for m in declarations if m <= month]
    if not earlier:
        raise Refused(f"{who} 尚无 {month:%Y-%m} 及以前的收入申报")
    basis, income = declarations[max(earlier)]
    if basis in FLAT_BASES:
        return basis, None
    if basis == DuesBasis.GIG:
        previous = previous_quarter(month)
        incomes = [declarations[m][1] for m in previous if m in declarations]
        if not incomes:
            raise Refused(
                f"{who} 为灵活就业，须申报上季度（{previous[0]:%Y-%m}至{previous[-1]:%Y-%m}）各月纯收入"
            )
        # Months of the quarter without a declaration count as no income (the average is over 3 months).
        return DuesBasis.GIG, (sum(incomes, Decimal("0")) / 3).quantize(CENT, ROUND_HALF_UP)
    return basis, income


def dues_for_month(
    declarations: dict, month: datetime.date, *, joined_on=None, bands, who="该党员"
) -> Decimal:
    """The dues owed for a month, in yuan with 2 places (ROUND_HALF_UP). 预备党员 owe from the month the
    支部大会 admitted them; students, 低保 and unemployed members pay the flat 0.2 元."""
    month = month_start(month)
    if joined_on and month < month_start(joined_on):
        return Decimal("0.00")
    basis, base = base_from(declarations, month, who)
    if basis in FLAT_BASES:
        return Decimal(str(rule("dues_flat_amount"))).quantize(CENT)
    return (base * rate_for(base, bands) / Decimal(100)).quantize(CENT, ROUND_HALF_UP)


def _declarations(member: PartyMember) -> dict:
    return {m: (b, i) for m, b, i in member.income_declarations.values_list("month", "basis", "net_income")}


def dues_base(member: PartyMember, month: datetime.date) -> tuple[str, Decimal | None]:
    return base_from(_declarations(member), month, str(member))


def monthly_dues(member: PartyMember, month: datetime.date) -> Decimal:
    """The dues a member owes for a month (see `dues_for_month`)."""
    return dues_for_month(
        _declarations(member), month, joined_on=member.joined_on, bands=_bands(), who=str(member)
    )


def clean_income(net_income) -> Decimal:
    """A declared monthly net income (Refused when negative)."""
    income = Decimal(net_income)
    if income < 0:
        raise Refused({"net_income": "收入不能为负数"})
    return income


@transaction.atomic
def declare_income(member: PartyMember, month: datetime.date, net_income, *, basis=DuesBasis.WAGE, actor):
    """Declare (or correct) a member's net income for a month, the base of their dues."""
    require(actor, "view", member)
    require(actor, "add", model=IncomeDeclaration, unit=member.unit)
    declaration, _ = IncomeDeclaration.objects.update_or_create(
        member=member,
        month=month_start(month),
        defaults={"net_income": clean_income(net_income), "basis": basis, "unit": member.unit},
    )
    require(actor, "change", declaration)
    return declaration


def paid_months(member: PartyMember) -> set[datetime.date]:
    months = set()
    for payment in member.dues_payments.all():  # uses a prefetch when the caller made one
        months.update(months_between(payment.month_from, payment.month_to))
    return months


def _tracking_start(member: PartyMember) -> datetime.date:
    start = datetime.date.fromisoformat(str(rule("dues_tracking_from")))
    if member.joined_on:
        start = max(start, month_start(member.joined_on))
    return start


def clean_payment(member: PartyMember, month_from: datetime.date, month_to: datetime.date, amount):
    """The checks of a dues payment: months in order, none paid already, at least what is owed (paying
    more is allowed: 自愿多交). Returns (first month, last month, amount); Refused names the field."""
    month_from, month_to = month_start(month_from), month_start(month_to)
    if month_to < month_from:
        raise Refused({"month_to": "截止月份早于起始月份"})
    months = months_between(month_from, month_to)
    already = sorted(paid_months(member) & set(months))
    if already:
        raise Refused({"month_from": "以下月份已交纳：" + "、".join(f"{m:%Y-%m}" for m in already)})
    declarations, bands = _declarations(member), _bands()
    owed = sum(
        (
            dues_for_month(declarations, m, joined_on=member.joined_on, bands=bands, who=str(member))
            for m in months
        ),
        Decimal("0"),
    )
    amount = Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    if amount < owed:
        raise Refused(
            {"amount": f"{month_from:%Y-%m}至{month_to:%Y-%m} 应交 {owed} 元，实交 {amount} 元，不足"}
        )
    return month_from, month_to, amount


@transaction.atomic
def record_payment(
    member: PartyMember,
    month_from: datetime.date,
    month_to: datetime.date,
    amount,
    paid_on: datetime.date,
    *,
    actor,
    note: str = "",
) -> DuesPayment:
    """Record dues paid for month_from..month_to (see `clean_payment`)."""
    require(actor, "view", member)
    require(actor, "add", model=DuesPayment, unit=member.unit)
    month_from, month_to, amount = clean_payment(member, month_from, month_to, amount)
    payment = DuesPayment.objects.create(
        member=member,
        unit=member.unit,
        month_from=month_from,
        month_to=month_to,
        amount=amount,
        paid_on=paid_on,
        note=note,
        recorded_by=actor_user(actor),
    )
    require(actor, "add", payment)
    return payment


def pays_here(member: PartyMember) -> bool:
    return member.membership_held == MembershipHeld.HERE or bool(rule("flowing_members_pay_here"))


def unpaid_months(member: PartyMember, as_of: datetime.date | None = None) -> list[datetime.date]:
    """Months owed and not paid, from when xinye tracks dues (or admission) to the month before as_of."""
    as_of = as_of or today()
    if not pays_here(member):
        return []
    last = add_months(month_start(as_of), -1)
    paid = paid_months(member)
    return [m for m in months_between(_tracking_start(member), last) if m not in paid]


def arrears_months(member: PartyMember, as_of: datetime.date | None = None) -> int:
    """Consecutive unpaid months ending with the month before `as_of` (党章 art. 9: 连续六个月不交纳党费
    is treated as leaving; health checks flag 3 and alarm at 6). 0 for members paying elsewhere."""
    as_of = as_of or today()
    return _consecutive(unpaid_months(member, as_of), as_of)


def _consecutive(unpaid: list[datetime.date], as_of: datetime.date) -> int:
    unpaid = set(unpaid)
    count, month = 0, add_months(month_start(as_of), -1)
    while month in unpaid:
        count += 1
        month = add_months(month, -1)
    return count


def arrears_list(members, as_of: datetime.date | None = None) -> list[dict]:
    """Members (a restricted queryset) with unpaid months, the longest consecutive run first."""
    as_of = as_of or today()
    out = []
    members = members.select_related("practitioner", "unit").prefetch_related("dues_payments")
    for member in members:
        unpaid = unpaid_months(member, as_of)
        if unpaid:
            out.append(
                {
                    "member": member,
                    "unpaid": unpaid,
                    "unpaid_count": len(unpaid),
                    "consecutive": _consecutive(unpaid, as_of),
                }
            )
    out.sort(key=lambda r: (-r["consecutive"], -r["unpaid_count"], r["member"].pk))
    return out

"""Funds rules a city may change (rules.md "Funds"), as settings with the published defaults.

Override with `XINYE_FUNDS_RULES = {...}` in settings, e.g. `{"standard_amounts": {"work": "6000.00"}}`.
"""

from decimal import Decimal

from django.conf import settings

from xinye.orgs.choices import UnitKind

DEFAULTS = {
    # rules.md: 建设启动资金 and 党建工作经费 are fixed sums set by the city each year ("often a few thousand
    # yuan"); the amount proposed for a new branch when its formation completes.
    "standard_amounts": {"startup": "20000.00", "work": "5000.00"},
    # Who may receive each kind (the seed: 行业党委 get 建设启动资金, new branches 党建工作经费; a newly formed
    # industry organisation — a 行业党建办 or an enterprise 党委 — may also get start-up money).
    "recipients": {
        "startup": (UnitKind.INDUSTRY_COMMITTEE, UnitKind.INDUSTRY_OFFICE, UnitKind.PARTY_COMMITTEE),
        "work": (
            UnitKind.PARTY_COMMITTEE,
            UnitKind.GENERAL_BRANCH,
            UnitKind.BRANCH,
            UnitKind.JOINT_BRANCH,
            UnitKind.ONLINE_BRANCH,
        ),
    },
    # Receipts (发票、收据) attached to spending lines.
    "receipt_max_bytes": 10 * 1024 * 1024,
    "receipt_extensions": (".pdf", ".jpg", ".jpeg", ".png", ".ofd"),
}


def rule(name: str):
    overrides = getattr(settings, "XINYE_FUNDS_RULES", {}) or {}
    return overrides.get(name, DEFAULTS[name])


def standard_amount(kind: str) -> Decimal:
    """The city's standard sum for `kind` (yuan, to the fen)."""
    amounts = {**DEFAULTS["standard_amounts"], **(rule("standard_amounts") or {})}
    return Decimal(str(amounts[kind])).quantize(Decimal("0.01"))


def recipient_kinds(kind: str) -> tuple:
    return tuple(rule("recipients").get(kind, ()))

"""Shared API pieces: scoped lookups (404 outside scope), action checks, Chinese errors."""

from decimal import Decimal
from typing import Annotated

from django.http import Http404
from ninja import Schema
from ninja.errors import HttpError
from pydantic import Field

from xinye.accounts.permissions import has_action, restrict

# Bounded integers for the inputs a date is computed from: date(107951, 1, 1) or a timedelta of a billion days
# would raise inside the service; the bound answers a Chinese 422 naming the field instead.
Year = Annotated[int, Field(ge=1900, le=2100, description="年份，1900–2100")]
Days = Annotated[int, Field(ge=0, le=36500, description="天数，0–36500")]
Months = Annotated[int, Field(ge=0, le=1200, description="月数，0–1200")]


class Ref(Schema):
    """An object named in another object's answer (its enterprise, its secretary …): its id and name."""

    id: int
    name: str


class UnitRef(Ref):
    """An organisation unit named in another object's answer (its owner, its handler …)."""


def decimal_of(model, field: str):
    """A Decimal input bounded as `model.field` stores it: its max_digits and decimal_places, and not negative.
    Without it SQLite stores 1e-30 or 40 digits as sent, and every later read of the list fails."""
    column = model._meta.get_field(field)
    return Annotated[
        Decimal,
        Field(ge=0, max_digits=column.max_digits, decimal_places=column.decimal_places, allow_inf_nan=False),
    ]


def scoped(request, queryset, action: str = "view"):
    return restrict(queryset, request.user, action)


def get_scoped(request, queryset, action: str = "view", **lookup):
    """One object in scope for `action`, or 404 — out of scope looks exactly like absent."""
    obj = scoped(request, queryset, action).filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def require(request, action: str, model) -> None:
    if not has_action(request.user, action, model):
        raise HttpError(403, "无权执行此操作")

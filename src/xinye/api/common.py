"""Shared API pieces: scoped lookups (404 outside scope), action checks, Chinese errors."""

from typing import Annotated

from django.http import Http404
from ninja.errors import HttpError
from pydantic import Field

from xinye.accounts.permissions import has_action, restrict

# Bounded integers for the inputs a date is computed from: date(107951, 1, 1) or a timedelta of a billion days
# would raise inside the service; the bound answers a Chinese 422 naming the field instead.
Year = Annotated[int, Field(ge=1900, le=2100, description="年份，1900–2100")]
Days = Annotated[int, Field(ge=0, le=36500, description="天数，0–36500")]
Months = Annotated[int, Field(ge=0, le=1200, description="月数，0–1200")]


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

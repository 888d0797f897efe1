"""Shared API pieces: scoped lookups (404 outside scope), action checks, Chinese errors."""

from django.http import Http404
from ninja.errors import HttpError

from xinye.accounts.permissions import has_action, restrict


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

"""Console list search without the term in the URL (issue 18 item 8: personal data never in URLs).

A search for an ID number, a phone or a name used to land in the address (`?q=150502…`), and from there in
the browser's history, the proxies' and the server's access logs and the next request's Referer. Now the
search box of every console list POSTs (with its CSRF token) to `/admin/search/` — the term, the list's path
and the list's other parameters. That view keeps the term in the session under a short random token (the
last `KEEP` searches per session, the oldest dropped) and answers 303 to the list with `?qt=<token>` and
the other parameters. The list's ChangeList reads the term back from the session before it builds its
queryset, so filters, ordering, pagination, the 导出 Excel button and the links back from a change form
carry `qt` and never the term; the search box still shows it. A token the session does not hold (expired,
signed out, another person's) is dropped with 「搜索已失效，请重新搜索」 and the list is shown unfiltered.

A plain `?q=` still works (bookmarks, tests, tools that build URLs), ID numbers and phones included; the
console's own form never produces one. The keyed-hash search by number (`ledger.search`) is unchanged: it
receives the term exactly as before.
"""

from __future__ import annotations

import functools
import secrets

from django.contrib import messages
from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, QueryDict
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from xinye.core.logs import redact

TOKEN_VAR = "qt"
SESSION_KEY = "xinye_list_searches"
KEEP = 10  # searches remembered per session: enough for a few tabs and the way back, not a history
MAX_LENGTH = 200


def remember(request, term: str) -> str:
    """Keep `term` in the session and return its new token (the oldest beyond `KEEP` are dropped)."""
    searches = dict(request.session.get(SESSION_KEY) or {})
    token = secrets.token_urlsafe(9)
    searches[token] = term
    request.session[SESSION_KEY] = dict(list(searches.items())[-KEEP:])
    return token


def recall(request, token: str) -> str | None:
    """The term this session searched under `token`, or None (unknown, expired, another session's)."""
    if not token:
        return None
    term = (request.session.get(SESSION_KEY) or {}).get(token)
    return term if isinstance(term, str) else None


def _list_query(params: QueryDict, **extra) -> str:
    """The list's parameters without a search or a page (a new search starts at page 1), plus `extra`."""
    query = params.copy()
    for name in (SEARCH_VAR, TOKEN_VAR, PAGE_VAR):
        query.pop(name, None)
    for name, value in extra.items():
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


def _changelist_path(path: str) -> str | None:
    """`path` when it is one of this console's list pages, else None (never a redirect elsewhere)."""
    if not path.startswith("/") or "?" in path or "#" in path:
        return None
    if not url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace != "admin" or not (match.url_name or "").endswith("_changelist"):
        return None
    return path


def search_view(request):
    """POST /admin/search/ (`admin:list_search`): term `q`, list path `list`, the list's other parameters
    `params` (a query string). Answers 303 to the list with `qt`; an empty term clears the search."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    path = _changelist_path(request.POST.get("list", ""))
    if path is None:
        messages.error(request, _("搜索失败：列表地址无效，请从列表页重新搜索。"))
        return HttpResponseRedirect("/admin/", status=303)
    params = QueryDict(request.POST.get("params", ""), mutable=True)
    term = request.POST.get(SEARCH_VAR, "").strip()
    if len(term) > MAX_LENGTH:
        messages.error(request, _("搜索内容过长：最多 %(n)s 个字，请缩短后重新搜索。") % {"n": MAX_LENGTH})
        return HttpResponseRedirect(path + _list_query(params), status=303)
    extra = {TOKEN_VAR: remember(request, term)} if term else {}
    return HttpResponseRedirect(path + _list_query(params, **extra), status=303)


def expired_redirect(request):
    """For a list request whose `qt` the session does not hold: the warning, and a 303 to the same list
    without it (so that no link of the page carries the dead token on); None when the token is good."""
    if not token_expired(request):
        return None
    messages.warning(request, _("搜索已失效，请重新搜索"))
    return HttpResponseRedirect(request.path + _list_query(request.GET), status=303)


def token_expired(request) -> bool:
    """The request carries a `qt` this session does not hold."""
    token = request.GET.get(TOKEN_VAR)
    return token is not None and recall(request, token) is None


def logged_query(request) -> str:
    """The list's parameters as the change log records an export's conditions: the search term in place of
    its token, ID and mobile numbers in it masked (as every log line masks them)."""
    query = request.GET.copy()
    term = term_of(request)
    query.pop(TOKEN_VAR, None)
    if term:
        query[SEARCH_VAR] = term
    if query.get(SEARCH_VAR):
        query[SEARCH_VAR] = redact(query[SEARCH_VAR])
    return query.urlencode()


def term_of(request) -> str | None:
    """The list's search term from its token, or None when the request has no token."""
    token = request.GET.get(TOKEN_VAR)
    return None if token is None else recall(request, token) or ""


@functools.cache
def private_changelist(base: type) -> type:
    """`base` (Django's or unfold's ChangeList) reading its search term from the session's token."""

    class PrivateSearchChangeList(base):
        private_search = True  # the search form template POSTs to admin:list_search

        def __init__(self, request, *args, **kwargs):
            self._token_term = term_of(request)
            self.list_path = request.path
            super().__init__(request, *args, **kwargs)

        def get_queryset(self, request, exclude_parameters=None):
            if self._token_term is not None:
                self.query = self._token_term
            return super().get_queryset(request, exclude_parameters)

        def get_filters_params(self, params=None):
            params = super().get_filters_params(params)
            params.pop(TOKEN_VAR, None)  # the token is not a field lookup
            return params

        @property
        def search_params(self) -> str:
            """The list's other parameters, for the search form (a new search replaces the old one)."""
            query = QueryDict(mutable=True)
            for name, values in self.filter_params.items():
                query.setlist(name, values)
            return _list_query(query).lstrip("?")

    PrivateSearchChangeList.__name__ = PrivateSearchChangeList.__qualname__ = f"Private{base.__name__}"
    return PrivateSearchChangeList


class PrivateSearchMixin:
    """ModelAdmin mixin: the list's search goes through the session (see the module). The console's site
    puts it on every ModelAdmin registered with it, third-party ones included."""

    def get_changelist(self, request, **kwargs):
        return private_changelist(super().get_changelist(request, **kwargs))

    def changelist_view(self, request, extra_context=None):
        return expired_redirect(request) or super().changelist_view(request, extra_context)

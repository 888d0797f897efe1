"""Search by a full ID number or mobile number: the one keyed-hash lookup the ledger's API and console share.

ID numbers and phones are stored encrypted; an exact number is found through its keyed hash. Because a
masked number (`150502********1234`, `138****5678`) and a search together would let anyone try the hidden
digits one by one, every such search is
- answered only within the searcher's scope (the caller passes a `restrict()`-ed queryset),
- logged (change log, 查看敏感信息, with the masked number and the number of hits), and
- rate-limited per user: `XINYE_SENSITIVE_SEARCH_LIMIT = (searches, seconds)` (default 30 per 10 minutes),
  counted from those log entries, so every app server sees the same count. Over the limit it is Refused.
A term made only of digits (or an ID's X, or the mask's *) that is not a whole number is never looked up:
partial digits are not searched, in clear or hashed.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.utils import timezone

from xinye.accounts.permissions import actor_user, is_system
from xinye.core.crypto import keyed_hash
from xinye.core.errors import Refused
from xinye.core.masking import mask
from xinye.core.validators import normalise

ID_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_RE = re.compile(r"^1\d{10}$")
NUMBERISH_RE = re.compile(r"^[\d*X\s-]+$")
LOG_MARK = "检索："
DEFAULT_LIMIT = (30, 600)


def classify(term: str) -> tuple[str, str] | None:
    """('id_number' | 'phone' | 'partial', the normalised term) for a number-like term, else None (a name)."""
    term = normalise(term or "").upper().replace(" ", "").replace("-", "")
    if ID_RE.match(term):
        return "id_number", term
    if PHONE_RE.match(term):
        return "phone", term
    if term and NUMBERISH_RE.match(term):
        return "partial", term
    return None


def limit() -> tuple[int, int]:
    count, seconds = getattr(settings, "XINYE_SENSITIVE_SEARCH_LIMIT", DEFAULT_LIMIT)
    return int(count), int(seconds)


def check_rate(actor) -> None:
    """Refuse when `actor` has made the allowed number of number searches within the window."""
    if is_system(actor):
        return
    from xinye.audit.models import ChangeLog

    count, seconds = limit()
    since = timezone.now() - datetime.timedelta(seconds=seconds)
    made = ChangeLog.objects.filter(
        user=actor_user(actor), action="view_sensitive", note__contains=LOG_MARK, time__gte=since
    ).count()
    if made >= count:
        minutes = max(1, seconds // 60)
        raise Refused(f"按身份证号或手机号查询过于频繁：每 {minutes} 分钟最多 {count} 次，请稍后再试")


def _log(actor, model, kind: str, term: str, hits: int) -> None:
    from xinye.audit.services import log_event

    label = "公民身份号码" if kind == "id_number" else "手机号"
    user = actor_user(actor)
    # one row, written whole: a row of the change log is never updated after it is chained
    log_event(
        "view_sensitive", user=user, note=f"{hits} 条；{LOG_MARK}按{label} {mask(kind, term)}", model=model
    )


def by_number(queryset, term: str, *, actor, id_field: str | None, phone_field: str | None):
    """The rows of `queryset` (already restricted to the actor's scope) matching a full ID number or phone
    `term`, or None when `term` is not number-like (the caller then searches names). A partial number gives
    no rows. Logged and rate-limited (see the module docstring); Refused over the limit."""
    found = classify(term)
    if found is None:
        return None
    kind, number = found
    if kind == "partial":
        # Digits that are not a whole number are never a lookup. Rows holding an ID number give nothing (no
        # name holds digits); an enterprise's name or credit code may, and the caller searches those.
        return queryset.none() if id_field else None
    field = id_field if kind == "id_number" else phone_field
    if field is None:  # e.g. 18 digits on enterprises: a credit code, searched by the caller
        return None
    check_rate(actor)
    rows = queryset.filter(**{field: keyed_hash(number)})
    _log(actor, queryset.model, kind, number, rows.count())
    return rows


# --- names ---

# A term matching more enterprises than this is searched through the join instead of a list of their ids.
ENTERPRISE_IDS_LIMIT = 500


def practitioner_text(term: str):
    """The condition 'the practitioner's name, or their enterprise's name, contains `term`' (the console's
    list search and its pickers), written so PostgreSQL can answer it from the two names' character indexes
    (core.textsearch): the enterprises are looked up first, and a handful of them becomes a list of ids
    beside the name's own index — an OR across the join would read every practitioner to rule one out."""
    from django.db.models import Q

    from xinye.ledger.models import Enterprise

    match = Q(name__has_text=term)
    ids = list(
        Enterprise.objects.filter(name__has_text=term)
        .order_by()
        .values_list("pk", flat=True)[: ENTERPRISE_IDS_LIMIT + 1]
    )
    if not ids:
        return match
    if len(ids) > ENTERPRISE_IDS_LIMIT:
        return match | Q(enterprise__name__has_text=term)
    return match | Q(enterprise_id__in=ids)

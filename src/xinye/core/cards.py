"""A 工作台 card's figure, kept per viewer until a write changes what it counts (issue 17).

Some worklist figures are one aggregate over every (agent, enterprise) pair of the scope: at province scale
(116,667 responsibilities, 73,870 agents, 100,000 enterprises) the 季度走访逾期 card is 0.3 s of the city's
home page even as one query. The home page is opened far more often than visits are recorded, so the
figure is kept in the cache:

- per viewer and per day: the key holds the user and a digest of their grants (a new role is a new key), the
  date (a new quarter, a visit falling due) and the card's **generation**;
- the generation changes on every save or delete of the models the card counts (`watch`), so the next view
  after recording a visit is computed afresh — on every app server when the cache is shared (Redis, as in
  production);
- and a kept figure lives at most `XINYE_CARD_SECONDS` (default 60): the bound on a figure that a per-process
  cache (the embedded default) or a write the card does not watch could leave behind.

With the cache down (`core.cache.RedisCache` answers nothing) every view computes the figure, as before.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone


def _generation_key(name: str) -> str:
    return f"xinye:card-generation:{name}"


def generation(name: str) -> str:
    value = cache.get(_generation_key(name))
    if value is None:
        value = uuid.uuid4().hex
        cache.set(_generation_key(name), value, None)
    return value


def invalidate(name: str) -> None:
    cache.set(_generation_key(name), uuid.uuid4().hex, None)


_WATCHED: set[str] = set()


def forget_all() -> None:
    """Drop every kept figure (a write that bypassed the model signals, a test's rolled-back data)."""
    for name in _WATCHED:
        invalidate(name)


def watch(name: str, *models, deletes_only=()) -> None:
    """Invalidate card `name` on every save or delete of `models`, and on deletes of `deletes_only`."""
    _WATCHED.add(name)
    for model in (*models, *deletes_only):
        uid = f"xinye-card-{name}-{model._meta.label_lower}"
        receiver = _receiver(name)
        if model in models:
            post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid + "-delete")


def _receiver(name):
    def changed(sender, **kwargs):
        # now, and again once the write is committed: a view computed between the two (it read the rows
        # before the commit) must not keep its figure under the new generation
        invalidate(name)
        transaction.on_commit(lambda: invalidate(name))

    return changed


def figure(name: str, viewer: str, compute):
    """`compute()` for `viewer` (`accounts.permissions.scope_signature(user)`: the user and their grants),
    kept as described above. The value must be picklable."""
    seconds = int(getattr(settings, "XINYE_CARD_SECONDS", 60))
    if seconds <= 0:
        return compute()
    key = f"xinye:card:{name}:{generation(name)}:{timezone.localdate():%Y%m%d}:{viewer}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value

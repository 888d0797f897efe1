"""The stored (agent, enterprise) pairs behind the 季度走访逾期 card (`guidance.models.VisitPair`).

Each pair of the responsibility matrix (an agent answering for an enterprise) is one row holding the latest
assignment date, the date of the agent's last visit to the enterprise and whether the agent is active. Kept
current from the model signals (connected in GuidanceConfig.ready):

- a responsibility saved or deleted (an enterprise's agent assigned, moved, ended) → its pair, and the pair
  it held before a change;
- a visit saved or deleted → its pair (and the one before an edit moved it);
- an agent saved → its rows' `agent_active`;
- an enterprise or an agent deleted → their rows go with them (foreign keys).

A derived cache, like coverage's aggregates: no actor, not in the change log. Writes that bypass the
signals (the demo's bulk-created visits, raw SQL) must be followed by `rebuild()`; the migration that created
the table filled it.

`due_counts` is the card's figure from these rows. It equals `quotas.overdue_counts`' live aggregate when one
visit a quarter is the rule (rules.md; tests/guidance/test_visit_pairs.py compares them): with no visit dated
after today (a visit cannot be), a pair is pending when its last visit is before the quarter began, and
overdue when it is also before the previous quarter began and the pair was assigned before this quarter.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count, Max, Q

BATCH = 5000


def _enterprise_ct():
    from xinye.guidance.services.assignment import _enterprise_ct

    return _enterprise_ct()


def _pair_filter(pairs, enterprise_field: str = "object_id") -> Q:
    """These (agent id, enterprise id) pairs: on a responsibility (`object_id`) or a VisitPair."""
    q = Q()
    for agent_id, enterprise_id in pairs:
        q |= Q(agent_id=agent_id, **{enterprise_field: enterprise_id})
    return q


def _rows(pair_q: Q | None = None) -> list:
    """The VisitPair rows that the responsibilities (those matching `pair_q`; all when None), the visits and
    the agents make: one per (agent, enterprise) pair whose enterprise still exists (a deleted enterprise's
    leftover responsibilities make none)."""
    from xinye.guidance.models import Visit, VisitPair
    from xinye.ledger.models import Enterprise
    from xinye.orgs.models import Agent, Responsibility

    since = {
        (row["agent_id"], row["object_id"]): row["since"]
        for row in Responsibility.objects.filter(
            pair_q or Q(),
            content_type=_enterprise_ct(),
            agent__isnull=False,
            object_id__in=Enterprise.objects.values("pk"),
        )
        .order_by()
        .values("agent_id", "object_id")
        .annotate(since=Max("since"))
    }
    visits, agents = Visit.objects.filter(enterprise__isnull=False), Agent.objects.all()
    if pair_q is not None:  # a few pairs: their agents' and enterprises' rows only
        ids = {a for a, _e in since}
        visits = visits.filter(agent_id__in=ids, enterprise_id__in={e for _a, e in since})
        agents = agents.filter(pk__in=ids)
    last = {
        (row["agent_id"], row["enterprise_id"]): row["last"]
        for row in visits.order_by().values("agent_id", "enterprise_id").annotate(last=Max("date"))
    }
    active = dict(agents.values_list("pk", "is_active"))
    return [
        VisitPair(agent_id=a, enterprise_id=e, since=s, last_visit=last.get((a, e)), agent_active=active[a])
        for (a, e), s in since.items()
        if a in active
    ]


def refresh(pairs: Iterable[tuple[int | None, int | None]]) -> None:
    """Recompute the rows of these (agent id, enterprise id) pairs from the responsibilities, the visits and
    the agents: written when the pair is assigned, deleted when it no longer is. In the writer's transaction
    (a signal), or in one of its own."""
    from django.db import transaction

    from xinye.guidance.models import VisitPair
    from xinye.orgs.models import Responsibility

    pairs = {(a, e) for a, e in pairs if a and e}
    if not pairs:
        return
    pair_q = _pair_filter(pairs)
    with transaction.atomic():
        # Two writers of one pair (two visits recorded at once) take turns here: each reads the visits after
        # the other has committed, so the later write never stores an older last visit (PostgreSQL row locks;
        # SQLite already runs one writer at a time).
        list(
            Responsibility.objects.select_for_update()
            .filter(pair_q, content_type=_enterprise_ct())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = _rows(pair_q)
        gone = pairs - {(r.agent_id, r.enterprise_id) for r in rows}
        if gone:
            VisitPair.objects.filter(_pair_filter(gone, "enterprise_id")).delete()
        _write(rows)


def _write(rows: list) -> None:
    from xinye.guidance.models import VisitPair

    for start in range(0, len(rows), BATCH):
        VisitPair.objects.bulk_create(
            rows[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["agent", "enterprise"],
            update_fields=["since", "last_visit", "agent_active"],
        )


def set_agent_active(agent_id: int, active: bool) -> None:
    from xinye.guidance.models import VisitPair

    VisitPair.objects.filter(agent_id=agent_id).exclude(agent_active=active).update(agent_active=active)


def rebuild() -> int:
    """Every pair again from the responsibilities, the visits and the agents (after writes that bypassed the
    signals). Returns the number of pairs."""
    from django.db import transaction

    from xinye.guidance.models import VisitPair

    with transaction.atomic():
        VisitPair.objects.all().delete()
        rows = _rows()
        _write(rows)
    return len(rows)


def due_counts(rows, q_start: datetime.date, prev_start: datetime.date) -> tuple[int, int]:
    """(overdue, pending) over these VisitPair rows, today, for the quarter starting `q_start` (one visit a
    quarter): pending — no visit since the quarter began; overdue — pending, no visit in the previous quarter
    either, and assigned before this quarter. Only for today: a past date may have later visits stored."""
    pending = Q(last_visit__isnull=True) | Q(last_visit__lt=q_start)
    overdue = (
        pending
        & (Q(last_visit__isnull=True) | Q(last_visit__lt=prev_start))
        & (Q(since__isnull=True) | Q(since__lt=q_start))
    )
    totals = rows.aggregate(pending=Count("pk", filter=pending), overdue=Count("pk", filter=overdue))
    return totals["overdue"], totals["pending"]


# --- the signals (connected in GuidanceConfig.ready) ---


def _responsibility_pair(instance):
    if instance.agent_id and instance.content_type_id == _enterprise_ct().pk:
        return instance.agent_id, instance.object_id
    return None


def responsibility_saving(sender, instance, raw=False, **kwargs):
    instance._guidance_old_pair = None
    if not raw and instance.pk is not None and not instance._state.adding:
        old = sender.objects.filter(pk=instance.pk).values("agent_id", "content_type_id", "object_id").first()
        if old and old["agent_id"] and old["content_type_id"] == _enterprise_ct().pk:
            instance._guidance_old_pair = (old["agent_id"], old["object_id"])


def responsibility_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(
            [p for p in (_responsibility_pair(instance), getattr(instance, "_guidance_old_pair", None)) if p]
        )


def visit_saving(sender, instance, raw=False, **kwargs):
    instance._guidance_old_pair = None
    if not raw and instance.pk is not None and not instance._state.adding:
        instance._guidance_old_pair = (
            sender.objects.filter(pk=instance.pk).values_list("agent_id", "enterprise_id").first()
        )


def visit_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pairs = [(instance.agent_id, instance.enterprise_id)]
    if getattr(instance, "_guidance_old_pair", None):
        pairs.append(instance._guidance_old_pair)
    refresh(pairs)


def agent_changed(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        set_agent_active(instance.pk, instance.is_active)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    from xinye.guidance.models import Visit
    from xinye.orgs.models import Agent, Responsibility

    uid = "xinye_guidance_pairs_"
    pre_save.connect(responsibility_saving, sender=Responsibility, dispatch_uid=uid + "r_pre")
    post_save.connect(responsibility_changed, sender=Responsibility, dispatch_uid=uid + "r_save")
    post_delete.connect(responsibility_changed, sender=Responsibility, dispatch_uid=uid + "r_del")
    pre_save.connect(visit_saving, sender=Visit, dispatch_uid=uid + "v_pre")
    post_save.connect(visit_changed, sender=Visit, dispatch_uid=uid + "v_save")
    post_delete.connect(visit_changed, sender=Visit, dispatch_uid=uid + "v_del")
    post_save.connect(agent_changed, sender=Agent, dispatch_uid=uid + "a_save")

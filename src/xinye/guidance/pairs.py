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
    from django.contrib.contenttypes.models import ContentType

    from xinye.ledger.models import Enterprise

    return ContentType.objects.get_for_model(Enterprise)


def refresh(pairs: Iterable[tuple[int | None, int | None]]) -> None:
    """Recompute the rows of these (agent id, enterprise id) pairs from the responsibilities, the visits and
    the agents: written when the pair is assigned, deleted when it no longer is. In the writer's transaction
    (a signal), or in one of its own."""
    from django.db import transaction

    pairs = {(a, e) for a, e in pairs if a and e}
    if pairs:
        with transaction.atomic():
            _refresh(pairs)


def _refresh(pairs: set[tuple[int, int]]) -> None:
    from xinye.guidance.models import Visit, VisitPair
    from xinye.ledger.models import Enterprise
    from xinye.orgs.models import Agent, Responsibility

    agents = {a for a, _e in pairs}
    enterprises = {e for _a, e in pairs}
    pair_q = Q()
    for agent_id, enterprise_id in pairs:
        pair_q |= Q(agent_id=agent_id, object_id=enterprise_id)
    # Two writers of one pair (two visits recorded at once) take turns here: each reads the visits after the
    # other has committed, so the later write never stores an older last visit (PostgreSQL row locks; SQLite
    # already runs one writer at a time).
    list(
        Responsibility.objects.select_for_update()
        .filter(pair_q, content_type=_enterprise_ct())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    since = {}
    for row in (
        Responsibility.objects.filter(
            content_type=_enterprise_ct(), agent_id__in=agents, object_id__in=enterprises
        )
        .order_by()
        .values("agent_id", "object_id")
        .annotate(since=Max("since"))
    ):
        if (row["agent_id"], row["object_id"]) in pairs:
            since[(row["agent_id"], row["object_id"])] = row["since"]
    existing = set(Enterprise.objects.filter(pk__in=enterprises).values_list("pk", flat=True))
    assigned = {p for p in since if p[1] in existing}  # a deleted enterprise's leftover rows: no pair
    last = {
        (row["agent_id"], row["enterprise_id"]): row["last"]
        for row in Visit.objects.filter(agent_id__in=agents, enterprise_id__in=enterprises)
        .order_by()
        .values("agent_id", "enterprise_id")
        .annotate(last=Max("date"))
    }
    active = dict(Agent.objects.filter(pk__in=agents).values_list("pk", "is_active"))
    gone = Q()
    for agent_id, enterprise_id in pairs - assigned:
        gone |= Q(agent_id=agent_id, enterprise_id=enterprise_id)
    if gone:
        VisitPair.objects.filter(gone).delete()
    _write(
        VisitPair(
            agent_id=a,
            enterprise_id=e,
            since=since[(a, e)],
            last_visit=last.get((a, e)),
            agent_active=active[a],
        )
        for a, e in assigned
        if a in active
    )


def _write(rows) -> None:
    from xinye.guidance.models import VisitPair

    rows = list(rows)
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

    from xinye.guidance.models import Visit, VisitPair
    from xinye.ledger.models import Enterprise
    from xinye.orgs.models import Agent, Responsibility

    with transaction.atomic():
        VisitPair.objects.all().delete()
        since = {
            (row["agent_id"], row["object_id"]): row["since"]
            for row in Responsibility.objects.filter(
                content_type=_enterprise_ct(),
                agent__isnull=False,
                object_id__in=Enterprise.objects.values("pk"),
            )
            .order_by()
            .values("agent_id", "object_id")
            .annotate(since=Max("since"))
        }
        last = {
            (row["agent_id"], row["enterprise_id"]): row["last"]
            for row in Visit.objects.filter(enterprise__isnull=False)
            .order_by()
            .values("agent_id", "enterprise_id")
            .annotate(last=Max("date"))
        }
        active = dict(Agent.objects.values_list("pk", "is_active"))
        _write(
            VisitPair(
                agent_id=a, enterprise_id=e, since=s, last_visit=last.get((a, e)), agent_active=active[a]
            )
            for (a, e), s in since.items()
        )
    return len(since)


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

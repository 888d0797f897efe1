"""The figures of the enterprise services, over querysets already restricted to the reader's scope: needs
by kind, status and on time; policy reach; financing and cover totals by county."""

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from xinye.appeals.choices import OPEN_TASK_STATES
from xinye.orgs.models import Region
from xinye.support.choices import COVER_KINDS, LOAN_KINDS, MatchStatus, NeedKind, NeedStatus, ReachKind

READS = ("need_statistics", "policy_reach", "finance_totals")

ZERO = Decimal("0.00")


def need_statistics(needs, tasks, *, now=None) -> dict:
    """{"total", "by_kind": {kind: n}, "by_status": {status: n}, "closed", "on_time", "on_time_rate" (per cent
    of closed needs finished by their deadline, one decimal, None with none closed), "overdue" (open needs past
    their deadline), "overdue_tasks", "resolved"}. Every kind and status appears, with 0 when none."""
    now = now or timezone.now()
    by_kind = dict.fromkeys(NeedKind.values, 0)
    by_status = dict.fromkeys(NeedStatus.values, 0)
    for row in needs.values("kind", "status").annotate(n=Count("pk")).order_by():
        by_kind[row["kind"]] += row["n"]
        by_status[row["status"]] += row["n"]
    closed = needs.filter(status=NeedStatus.CLOSED)
    figures = closed.aggregate(
        closed=Count("pk"),
        on_time=Count("pk", filter=Q(due_at__isnull=True) | Q(closed_at__lte=F("due_at"))),
        resolved=Count("pk", filter=Q(resolved=True)),
    )
    rate = (
        (Decimal(figures["on_time"]) * 100 / figures["closed"]).quantize(Decimal("0.1"))
        if figures["closed"]
        else None
    )
    return {
        "total": sum(by_kind.values()),
        "by_kind": by_kind,
        "by_status": by_status,
        "closed": figures["closed"],
        "on_time": figures["on_time"],
        "on_time_rate": rate,
        "resolved": figures["resolved"],
        "overdue": needs.filter(
            status__in=(NeedStatus.SUBMITTED, NeedStatus.DISPATCHED), due_at__lt=now
        ).count(),
        "overdue_tasks": tasks.filter(status__in=OPEN_TASK_STATES, due_at__lt=now).count(),
    }


def policy_reach(policies, reach) -> list[dict]:
    """Per policy in `policies`: how many enterprises (of `reach`, the records in scope) were told of it and
    took it up, and the benefit taken up. Policies nobody was told of are listed with zeros."""
    counts = {
        row["policy_id"]: row
        for row in reach.values("policy_id")
        .annotate(
            told=Count("pk", filter=Q(kind=ReachKind.TOLD)),
            taken_up=Count("pk", filter=Q(kind=ReachKind.TAKEN_UP)),
            benefit=Sum("benefit", filter=Q(kind=ReachKind.TAKEN_UP)),
        )
        .order_by()
    }
    out = []
    for policy in policies.order_by("-effective_from", "title"):
        row = counts.get(policy.pk, {})
        out.append(
            {
                "policy_id": policy.pk,
                "title": policy.title,
                "told": row.get("told", 0),
                "taken_up": row.get("taken_up", 0),
                "benefit": str((row.get("benefit") or ZERO).quantize(Decimal("0.01"))),
            }
        )
    return out


def finance_totals(matches) -> dict:
    """Concluded matches' totals, overall and by county: financing (loans: amount, enterprises) and cover
    (insurance: sum insured, enterprises, workers covered); amounts as yuan strings to the fen. Counties
    with no concluded match are left out."""
    rows = (
        matches.filter(status=MatchStatus.CONCLUDED)
        .values("region_id", "kind")
        .annotate(
            amount=Sum("amount"),
            enterprises=Count("enterprise", distinct=True),
            workers=Sum("workers_covered"),
            n=Count("pk"),
        )
        .order_by()
    )
    names = dict(Region.objects.values_list("pk", "name"))

    def empty():
        return {
            "financing": {"amount": ZERO, "enterprises": set(), "matches": 0},
            "cover": {"amount": ZERO, "enterprises": set(), "workers": 0, "matches": 0},
        }

    by_county: dict[str, dict] = {}
    # distinct enterprises need the ids, not per-row counts, to be added up across kinds
    ids = matches.filter(status=MatchStatus.CONCLUDED).values_list("region_id", "kind", "enterprise_id")
    total = empty()
    for region_id, kind, enterprise_id in ids:
        side = "financing" if kind in LOAN_KINDS else "cover" if kind in COVER_KINDS else None
        if side:
            for target in (by_county.setdefault(region_id, empty()), total):
                target[side]["enterprises"].add(enterprise_id)
    for row in rows:
        side = "financing" if row["kind"] in LOAN_KINDS else "cover" if row["kind"] in COVER_KINDS else None
        if side is None:
            continue
        for target in (by_county.setdefault(row["region_id"], empty()), total):
            target[side]["amount"] += row["amount"] or ZERO
            target[side]["matches"] += row["n"]
            if side == "cover":
                target[side]["workers"] += row["workers"] or 0

    def out(figures):
        return {
            side: {
                **{k: v for k, v in values.items() if k != "enterprises"},
                "amount": str(values["amount"].quantize(Decimal("0.01"))),
                "enterprises": len(values["enterprises"]),
            }
            for side, values in figures.items()
        }

    return {
        **out(total),
        "by_county": [
            {"county": code, "county_name": names.get(code, code), **out(figures)}
            for code, figures in sorted(by_county.items())
        ],
    }

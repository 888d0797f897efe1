"""The distinction facts (亮点) a 闪光点 needs: a small registry, name → a function returning the ids that
have the distinction over a window. Apps built later add theirs with `register` (e.g. honours' model workers,
pairing's active pairings); this module implements volunteer hours, members developed, a model worker from
the 最美 campaigns (honours) and an active pairing (结对共建).

A fact returns enterprise ids (`of="enterprise"`) or party-organisation ids (`of="organisation"`); an
organisation has a distinction when it or any enterprise it covers has it, an enterprise when it or its
organisation has it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Sum

from xinye.grading.rules import rule
from xinye.honours.models import Exemplar
from xinye.members.models import DevelopmentRecord
from xinye.pairing.services import active_pairing_ids
from xinye.volunteers.models import VolunteerHours


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    of: str  # "enterprise" | "organisation"
    holders: Callable[[datetime.date, datetime.date], set[int]]


FACTS: dict[str, Fact] = {}


def register(name: str, label: str, *, of: str = "enterprise"):
    """Decorator: `@register("model_worker", "有劳动模范", of="enterprise") def f(since, until) -> set[int]`."""
    if of not in ("enterprise", "organisation"):
        raise ValueError(of)

    def wrap(fn):
        FACTS[name] = Fact(name, label, of, fn)
        return fn

    return wrap


def label(name: str) -> str:
    fact = FACTS.get(name)
    return fact.label if fact else name


@register("volunteer_hours", "志愿服务时长达标", of="enterprise")
def volunteer_hours(since: datetime.date, until: datetime.date) -> set[int]:
    """Enterprises whose workers gave ≥ `volunteer_hours_min` confirmed volunteer hours in the window."""
    rows = (
        VolunteerHours.objects.filter(
            recorded_at__date__gte=since,
            recorded_at__date__lte=until,
            profile__worker__practitioner__enterprise__isnull=False,
        )
        .values("profile__worker__practitioner__enterprise_id")
        .annotate(total=Sum("hours"))
        .filter(total__gte=rule("volunteer_hours_min"))
        .order_by()
    )
    return {r["profile__worker__practitioner__enterprise_id"] for r in rows}


@register("members_developed", "发展了新党员", of="enterprise")
def members_developed(since: datetime.date, until: datetime.date) -> set[int]:
    """Enterprises where ≥ `members_developed_min` practitioners became 预备党员 (细则 step 17) in the window."""
    rows = (
        DevelopmentRecord.objects.filter(step__number=17, date__gte=since, date__lte=until)
        .values("case__practitioner__enterprise_id")
        .annotate(n=Count("case_id", distinct=True))
        .filter(n__gte=int(rule("members_developed_min")))
        .order_by()
    )
    return {r["case__practitioner__enterprise_id"] for r in rows if r["case__practitioner__enterprise_id"]}


@register("model_worker", "有先进典型（最美评选）", of="enterprise")
def model_worker(since: datetime.date, until: datetime.date) -> set[int]:
    """Enterprises whose practitioner entered the library of models (先进典型) through a campaign of the
    window's years (honours)."""
    rows = Exemplar.objects.filter(
        year__gte=since.year, year__lte=until.year, nominee__practitioner__enterprise__isnull=False
    ).values_list("nominee__practitioner__enterprise_id", flat=True)
    return set(rows)


@register("active_pairing", "结对共建在期", of="enterprise")
def active_pairing(since: datetime.date, until: datetime.date) -> set[int]:
    """Enterprises in a pairing (结对共建) active at the window's end, directly or through their organisation
    (pairing.services.active_pairing_ids)."""
    return set(active_pairing_ids(on=until).enterprise_ids)

"""Alerts and figures of the three teams over what the viewer may see: organisations without a 书记, terms
ending within 90 days (and, apart, terms already over while the person still serves), 交叉任职率 (rules.md: organisations
where the 书记 or a 委员 holds a senior/middle management post ÷ organisations), 专兼比, the age and education
structure, training completion — for the whole scope or by county or industry — and the tick that reminds
about ending terms once."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q

from xinye.accounts.permissions import restrict
from xinye.core.choices import Industry
from xinye.ledger.choices import Education
from xinye.ledger.models import PartyOrganisation
from xinye.orgs.models import Region
from xinye.teams import rules
from xinye.teams.choices import Post
from xinye.teams.models import PartyWorker, TermReminder
from xinye.teams.services.roster import current, today
from xinye.teams.services.training import completion

READS = (
    "scoped_organisations",
    "organisations_without_secretary",
    "terms_ending",
    "age_band",
    "team_figures",
    "stats",
    "alerts",
    "structure",
)


def scoped_organisations(user, region: str | None = None, industry: str | None = None):
    """The party organisations the user may see (party groups are not organisations with a 书记)."""
    qs = restrict(PartyOrganisation.objects.all(), user, "view").exclude(unit__kind="party_group")
    if region:
        qs = qs.filter(region_id=region)
    if industry:
        qs = qs.filter(industry=industry)
    return qs


def organisations_without_secretary(orgs):
    """The organisations among `orgs` where nobody serves as 书记 (alert: fill within 3 months, rules.md)."""
    serving = current().filter(organisation=OuterRef("pk"), post=Post.SECRETARY)
    return orgs.annotate(has_secretary=Exists(serving)).filter(has_secretary=False)


def terms_ending(workers, on: datetime.date | None = None, days: int | None = None, *, overdue: bool = False):
    """Serving 书记 whose term ends within `days` (default 90) from `on`; with `overdue`, also those whose term
    has ended while they still serve (换届 not held: the ledger's election list shows the same)."""
    on = on or today()
    days = rules.rule("term_notice_days") if days is None else days
    qs = current(workers).filter(
        post=Post.SECRETARY, term_ends_on__isnull=False, term_ends_on__lte=on + datetime.timedelta(days=days)
    )
    if not overdue:
        qs = qs.filter(term_ends_on__gte=on)
    return qs.order_by("term_ends_on", "pk")


def age_band(age: int | None) -> str:
    """The age structure's bands: 35岁及以下, 36–45岁, 46–55岁, 56岁及以上."""
    if age is None:
        return "未知"
    a, b, c = rules.rule("age_bands")
    if age < a:
        return f"{a - 1}岁及以下"
    if age < b:
        return f"{a}–{b - 1}岁"
    if age < c:
        return f"{b}–{c - 1}岁"
    return f"{c}岁及以上"


def _age(worker: PartyWorker, on: datetime.date) -> int | None:
    if worker.member_id and worker.member.practitioner.birth_date:
        born = worker.member.practitioner.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if worker.birth_year:
        return on.year - worker.birth_year
    return None


def _education(worker: PartyWorker) -> str:
    code = worker.member.practitioner.education if worker.member_id else worker.education
    return str(Education(code).label) if code in Education.values else "未知"


@dataclass
class Figures:
    """The figures of one group of organisations (the whole scope, a county or an industry)."""

    key: str = ""
    name: str = ""
    organisations: int = 0
    secretaries: int = 0
    committee_members: int = 0
    party_workers: int = 0
    organisations_without_secretary: int = 0
    terms_ending_90d: int = 0
    terms_overdue: int = 0
    cross_appointed_organisations: int = 0
    full_time: int = 0
    part_time: int = 0
    dispatched: int = 0
    internal: int = 0
    trained: int = 0
    training_counted: int = 0
    ages: Counter = field(default_factory=Counter)
    educations: Counter = field(default_factory=Counter)

    @property
    def cross_appointment_rate(self) -> float:
        return (
            round(self.cross_appointed_organisations / self.organisations, 4) if self.organisations else 0.0
        )

    @property
    def training_completion_rate(self) -> float:
        return round(self.trained / self.training_counted, 4) if self.training_counted else 0.0

    @property
    def full_part_ratio(self) -> str:
        """专兼比 as people say it: 专职:兼职."""
        return f"{self.full_time}:{self.part_time}"

    def as_dict(self) -> dict:
        return {
            "secretaries": self.secretaries,
            "committee_members": self.committee_members,
            "party_workers": self.party_workers,
            "organisations_without_secretary": self.organisations_without_secretary,
            "terms_ending_90d": self.terms_ending_90d,
            "terms_overdue": self.terms_overdue,
            "cross_appointment_rate": self.cross_appointment_rate,
            "full_time": self.full_time,
            "part_time": self.part_time,
            "training_completion_rate": self.training_completion_rate,
            "organisations": self.organisations,
            "cross_appointed_organisations": self.cross_appointed_organisations,
            "dispatched": self.dispatched,
            "internal": self.internal,
            "age_structure": dict(sorted(self.ages.items())),
            "education_structure": dict(sorted(self.educations.items())),
        }


def team_figures(orgs, *, on: datetime.date | None = None, group_by: str | None = None) -> dict[str, Figures]:
    """The figures of `orgs` (a queryset of organisations) on `on`: one Figures under "" or, with `group_by`
    "county"/"industry", one per county or industry. People counted are those serving on `on`; 专兼比, age,
    education and training are over people (a person in two posts of one organisation counts once there)."""
    on = on or today()
    orgs = list(orgs.values("pk", "region_id", "industry"))
    key_of = {
        o["pk"]: (
            o["region_id"] if group_by == "county" else o["industry"] or "" if group_by == "industry" else ""
        )
        for o in orgs
    }
    groups: dict[str, Figures] = defaultdict(Figures)
    for key in key_of.values():
        groups[key].organisations += 1
    workers = list(
        current()
        .filter(organisation_id__in=key_of, since__lte=on)
        .select_related("member__practitioner")
        .order_by("pk")
    )
    notice = on + datetime.timedelta(days=rules.rule("term_notice_days"))
    with_secretary, cross = set(), set()
    people: dict[tuple, PartyWorker] = {}
    for w in workers:
        g = groups[key_of[w.organisation_id]]
        if w.post == Post.SECRETARY:
            g.secretaries += 1
            with_secretary.add(w.organisation_id)
            if w.term_ends_on is not None and on <= w.term_ends_on <= notice:
                g.terms_ending_90d += 1
            elif w.term_ends_on is not None and w.term_ends_on < on:
                g.terms_overdue += 1
        elif w.post == Post.COMMITTEE_MEMBER:
            g.committee_members += 1
        else:
            g.party_workers += 1
        if w.management_level and w.post in (Post.SECRETARY, Post.COMMITTEE_MEMBER):
            cross.add(w.organisation_id)
        person = (w.organisation_id, ("m", w.member_id) if w.member_id else ("n", w.name))
        if person not in people or w.full_time:
            people[person] = w
    for org_id, key in key_of.items():
        g = groups[key]
        g.organisations_without_secretary += org_id not in with_secretary
        g.cross_appointed_organisations += org_id in cross
    for row in completion(people.values(), on.year):
        w = row.worker
        g = groups[key_of[w.organisation_id]]
        if w.full_time:
            g.full_time += 1
        else:
            g.part_time += 1
        if w.source == "dispatched":
            g.dispatched += 1
        else:
            g.internal += 1
        g.ages[age_band(_age(w, on))] += 1
        g.educations[_education(w)] += 1
        if row.done is not None:
            g.training_counted += 1
            g.trained += row.done
    names = (
        dict(Region.objects.filter(code__in=groups).values_list("code", "name"))
        if group_by == "county"
        else {k: str(v) for k, v in Industry.choices}
    )
    for key, g in groups.items():
        g.key = key
        g.name = names.get(key, key or "—") if group_by else "合计"
    return dict(groups)


def stats(
    user, region: str | None = None, industry: str | None = None, on: datetime.date | None = None
) -> dict:
    """The contract of GET /api/v1/stats/party-workers over the user's scope (see Figures.as_dict)."""
    return team_figures(scoped_organisations(user, region, industry), on=on).get("", Figures()).as_dict()


def alerts(user, on: datetime.date | None = None) -> dict:
    """The console home card's three figures over the user's scope — organisations without a 书记, 书记 terms
    ending within the notice period, 交叉任职率 — equal to `stats`'s, in two aggregate queries instead of
    every organisation and person in Python (issue 17: 1.2 s at 17,000 organisations)."""
    on = on or today()
    orgs = scoped_organisations(user)
    serving = current().filter(organisation=OuterRef("pk"), since__lte=on)
    figures = (
        orgs.order_by()
        .annotate(
            has_secretary=Exists(serving.filter(post=Post.SECRETARY)),
            is_cross=Exists(
                serving.filter(post__in=(Post.SECRETARY, Post.COMMITTEE_MEMBER)).exclude(management_level="")
            ),
        )
        .aggregate(
            organisations=Count("pk"),
            without=Count("pk", filter=Q(has_secretary=False)),
            crossed=Count("pk", filter=Q(is_cross=True)),
        )
    )
    notice = on + datetime.timedelta(days=rules.rule("term_notice_days"))
    ending = (
        current()
        .filter(
            organisation__in=orgs.values("pk"),
            since__lte=on,
            post=Post.SECRETARY,
            term_ends_on__gte=on,
            term_ends_on__lte=notice,
        )
        .order_by()
        .count()
    )
    total, cross = figures["organisations"], figures["crossed"]
    return {
        "organisations": total,
        "organisations_without_secretary": figures["without"],
        "terms_ending_90d": ending,
        "cross_appointed_organisations": cross,
        "cross_appointment_rate": round(cross / total, 4) if total else 0.0,
    }


def structure(
    user, by: str, region: str | None = None, industry: str | None = None, on=None
) -> list[Figures]:
    """The figures by county or by industry, in code order."""
    groups = team_figures(scoped_organisations(user, region, industry), on=on, group_by=by)
    return [groups[k] for k in sorted(groups)]


# --- the tick ---


@dataclass
class TickResult:
    reminded: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.reminded

    @property
    def summary(self) -> str:
        return f"书记任期届满提醒 {self.reminded} 条"


def tick(*, actor, now=None) -> TickResult:
    """`xinye tick`: one reminder per serving 书记 whose term ends within the notice period (or is over),
    kept as a TermReminder of their organisation — running it twice reminds once."""
    on = (now.date() if isinstance(now, datetime.datetime) else now) or today()
    result = TickResult()
    for worker in terms_ending(PartyWorker.objects.all(), on, overdue=True).select_related(
        "organisation__unit"
    ):
        left = (worker.term_ends_on - on).days
        when = f"还有 {left} 天" if left >= 0 else f"已超期 {-left} 天"
        message = (
            f"{worker.organisation.unit.name} 书记 {worker.name} 任期 {worker.term_ends_on:%Y-%m-%d} 届满（{when}），"
            "请做好换届或调整准备"
        )
        reminder = TermReminder(worker=worker, term_ends_on=worker.term_ends_on, message=message[:255])
        reminder.place_in(worker.organisation)
        try:
            with transaction.atomic():
                reminder.save()
        except IntegrityError:
            continue  # reminded already for this term
        result.reminded += 1
        result.details.append(message)
    return result

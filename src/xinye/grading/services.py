"""Grading (空白点 → 实心点 → 闪光点): the rule table's write door, the live counts (one grouped query over
the coverage cache joined to each organisation's standing), the explanation of one grade, the 闪光点 list,
and the monthly history (`snapshot`, `backfill`, run by `tick`).

Live counts read `coverage.EnterpriseCoverage` (in the survey scope) and `coverage.OrganisationPlacement`
(党小组 excluded), the same rows `/stats/overview` sums, so the three grades always add up to its totals.
The health score is orglife's (`orglife.services.assess_all`), kept per organisation in
`OrganisationStanding` by `refresh` so that counting never reruns it.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, CharField, Count, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import has_action, is_system, restrict
from xinye.core.errors import OutOfScope, Refused
from xinye.coverage.models import EnterpriseCoverage, OrganisationPlacement
from xinye.coverage.services import by_enterprise, check_filters, region_q, visible_cells
from xinye.grading import engine, facts
from xinye.grading.choices import CoverageNeed, Grade, Subject
from xinye.grading.models import GradeRule, GradeSnapshot, OrganisationStanding
from xinye.grading.rules import rule
from xinye.guidance.models import Visit
from xinye.ledger.models import Enterprise, PartyOrganisation
from xinye.ledger.services import OWN_KINDS
from xinye.orglife.services import assess_all
from xinye.orgs.models import Responsibility

READS = (
    "table",
    "clean_rule",
    "counts",
    "count_rows",
    "enterprise_grade",
    "shining",
    "history",
    "month_start",
)

GRADES = (Grade.BLANK, Grade.SOLID, Grade.SHINING)
PARTY_GROUP = "party_group"


def month_start(d: datetime.date) -> datetime.date:
    return d.replace(day=1)


def _month_end(m: datetime.date) -> datetime.date:
    nxt = (m.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


# --- the rule table ---


def table() -> dict:
    """(subject, grade) → engine.Row, from the GradeRule rows over the defaults."""
    out = dict(engine.DEFAULT_TABLE)
    for r in GradeRule.objects.all():
        out[(r.subject, r.grade)] = engine.Row(r.coverage, r.min_score, r.min_distinctions)
    return out


def clean_rule(*, subject: str, grade: str, coverage: str, min_score: int, min_distinctions: int) -> None:
    """A rule row's own checks: scores 0–100, and 闪光 never easier than 实心 for the same subject."""
    if grade not in (Grade.SOLID, Grade.SHINING):
        raise Refused({"grade": "等次只能是实心点或闪光点（其余为空白点）"})
    if coverage not in CoverageNeed.values:
        raise Refused({"coverage": f"覆盖要求无效：{coverage}"})
    if min_score is None or not 0 <= min_score <= 100:
        raise Refused({"min_score": "健康分应在 0–100 之间"})
    other = table()[(subject, Grade.SOLID if grade == Grade.SHINING else Grade.SHINING)]
    solid_score, shine_score = (
        (other.min_score, min_score) if grade == Grade.SHINING else (min_score, other.min_score)
    )
    if shine_score < solid_score:
        raise Refused({"min_score": f"闪光点的健康分要求（{shine_score}）不能低于实心点（{solid_score}）"})


@transaction.atomic
def save_rule(row: GradeRule, *, actor) -> GradeRule:
    """Change a row of the rule table (the city only: a city-wide type); grades follow at once."""
    clean_rule(
        subject=row.subject,
        grade=row.grade,
        coverage=row.coverage,
        min_score=row.min_score,
        min_distinctions=row.min_distinctions,
    )
    return writes.save(row, actor=actor)


# --- the live counts ---

_S = "organisation__grading_standing__"


def _enterprise_q(row: engine.Row) -> Q:
    organised = [s for s in row.statuses() if s != "work"]
    q = Q(
        status__in=organised,
        **{f"{_S}score__gte": row.min_score, f"{_S}distinction_count__gte": row.min_distinctions},
    )
    if "work" in row.statuses() and row.min_distinctions == 0:
        q |= Q(status="work")  # no organisation to score: work coverage meets the row by itself
    return q


def _enterprise_grades(qs, tbl):
    return qs.annotate(
        grade=Case(
            When(_enterprise_q(tbl[(Subject.ENTERPRISE, Grade.SHINING)]), then=Value(Grade.SHINING.value)),
            When(_enterprise_q(tbl[(Subject.ENTERPRISE, Grade.SOLID)]), then=Value(Grade.SOLID.value)),
            default=Value(Grade.BLANK.value),
            output_field=CharField(),
        )
    )


def _org_grades(qs, tbl):
    standing = OrganisationStanding.objects.filter(organisation_id=OuterRef("organisation_id"))
    qs = qs.annotate(
        score=Subquery(standing.values("score")[:1], output_field=IntegerField()),
        dcount=Subquery(standing.values("distinction_count")[:1], output_field=IntegerField()),
    )

    def q(row):
        return Q(score__gte=row.min_score, dcount__gte=row.min_distinctions)

    return qs.annotate(
        grade=Case(
            When(q(tbl[(Subject.ORGANISATION, Grade.SHINING)]), then=Value(Grade.SHINING.value)),
            When(q(tbl[(Subject.ORGANISATION, Grade.SOLID)]), then=Value(Grade.SOLID.value)),
            default=Value(Grade.BLANK.value),
            output_field=CharField(),
        )
    )


def _visible(user, region=None, industry=None):
    ents = restrict(EnterpriseCoverage.objects.filter(in_scope=True), user, "view").filter(region_q(region))
    orgs = restrict(OrganisationPlacement.objects.exclude(kind=PARTY_GROUP), user, "view").filter(
        region_q(region)
    )
    if industry:
        ents, orgs = ents.filter(industry=industry), orgs.filter(industry=industry)
    return ents, orgs


def _zero() -> dict:
    return dict.fromkeys(GRADES, 0)


def _grade_of(row: engine.Row, score, dcount) -> bool:
    return score is not None and score >= row.min_score and dcount >= row.min_distinctions


def _tallies(user, key: str | None, region=None, industry=None) -> tuple[dict, dict]:
    """(enterprise tallies, organisation tallies), each {group key (None without grouping): {grade: n}}.

    Blank and work-covered enterprises are counted from the coverage cells (the figures /stats/overview
    sums); organised ones are grouped by their organisation and graded by its standing; organisations are
    graded one by one from a dict of standings — a few thousand rows where the naive way grades 100,000."""
    tbl = table()
    e_shine, e_solid = tbl[(Subject.ENTERPRISE, Grade.SHINING)], tbl[(Subject.ENTERPRISE, Grade.SOLID)]
    o_shine, o_solid = tbl[(Subject.ORGANISATION, Grade.SHINING)], tbl[(Subject.ORGANISATION, Grade.SOLID)]
    standing = {
        pk: (score, n)
        for pk, score, n in OrganisationStanding.objects.values_list(
            "organisation_id", "score", "distinction_count"
        )
    }
    ents_out: dict = {}
    orgs_out: dict = {}
    ents, orgs = _visible(user, region, industry)
    group = (key,) if key else ()
    if by_enterprise(user):
        unorganised = (
            ents.exclude(status__in=engine.ORGANISED).values(*group, "status").annotate(n=Count("pk"))
        )
    else:
        cells = (
            visible_cells(user, region, industry)
            .values(*group)
            .annotate(blank=Sum("blank"), work=Sum("work"))
        )
        unorganised = [
            {**({key: c[key]} if key else {}), "status": status, "n": c[status] or 0}
            for c in cells.order_by()
            for status in ("blank", "work")
        ]
    # Work coverage meets a row by itself when the row asks no distinction of it (engine._meets).
    work_grade = Grade.BLANK
    for grade, row in ((Grade.SHINING, e_shine), (Grade.SOLID, e_solid)):
        if "work" in row.statuses() and row.min_distinctions == 0:
            work_grade = grade
            break
    for r in unorganised if isinstance(unorganised, list) else unorganised.order_by():
        bucket = ents_out.setdefault(r[key] if key else None, _zero())
        bucket[work_grade if r["status"] == "work" else Grade.BLANK] += r["n"]
    organised = (
        ents.filter(status__in=engine.ORGANISED).values(*group, "organisation_id").annotate(n=Count("pk"))
    )
    for r in organised.order_by():
        score, dcount = standing.get(r["organisation_id"], (None, 0))
        grade = (
            Grade.SHINING
            if _grade_of(e_shine, score, dcount)
            else Grade.SOLID
            if _grade_of(e_solid, score, dcount)
            else Grade.BLANK
        )
        ents_out.setdefault(r[key] if key else None, _zero())[grade] += r["n"]
    for r in orgs.values_list("organisation_id", *group).order_by():
        score, dcount = standing.get(r[0], (None, 0))
        grade = (
            Grade.SHINING
            if _grade_of(o_shine, score, dcount)
            else Grade.SOLID
            if _grade_of(o_solid, score, dcount)
            else Grade.BLANK
        )
        orgs_out.setdefault(r[1] if key else None, _zero())[grade] += 1
    return ents_out, orgs_out


def counts(user, region: str | None = None, industry: str | None = None) -> dict:
    """{"blank", "solid", "shining"} over the enterprises in view and "organisations" with the same keys;
    the sums are /stats/overview's `enterprises` and `party_organisations.total`."""
    check_filters(region, industry)
    e, o = _tallies(user, None, region, industry)
    e, o = e.get(None, _zero()), o.get(None, _zero())
    return {**{str(g): e[g] for g in GRADES}, "organisations": {str(g): o[g] for g in GRADES}}


def count_rows(user, by: str, region: str | None = None, industry: str | None = None) -> list[dict]:
    """The same counts per county (`by="county"`) or per industry (`by="industry"`)."""
    key = {"county": "region_id", "industry": "industry"}.get(by)
    if key is None:
        raise Refused({"by": "分组：只能是 county 或 industry"})
    check_filters(region, industry)
    e, o = _tallies(user, key, region, industry)
    return [
        {
            "key": k,
            **{str(g): e.get(k, _zero())[g] for g in GRADES},
            "organisations": {str(g): o.get(k, _zero())[g] for g in GRADES},
        }
        for k in sorted(set(e) | set(o), key=str)
        if sum(e.get(k, _zero()).values()) or sum(o.get(k, _zero()).values())
    ]


def _standing_words(standing: OrganisationStanding | None) -> tuple[int | None, list[str]]:
    if standing is None:
        return None, []
    return standing.score, [facts.label(n) for n in standing.distinctions]


def enterprise_grade(user, enterprise_id: int) -> dict:
    """One enterprise's grade and why, in words (404 outside the user's scope)."""
    ec = (
        restrict(EnterpriseCoverage.objects.select_related("enterprise", "organisation__unit"), user, "view")
        .filter(pk=enterprise_id)
        .first()
    )
    if ec is None:
        raise OutOfScope()
    standing = OrganisationStanding.objects.filter(organisation_id=ec.organisation_id).first()
    score, labels = _standing_words(standing)
    if ec.status == "work":
        score, labels = None, []
    grade, words = engine.grade_enterprise(ec.status, score, labels, table())
    return {"id": ec.pk, "name": ec.enterprise.name, "grade": grade, "explanation": words}


def shining(user, region: str | None = None, industry: str | None = None) -> list[dict]:
    """The 闪光点 to promote: shining organisations (with the enterprises they cover) and shining enterprises,
    each with its explanation."""
    tbl = table()
    ents, orgs = _visible(user, region, industry)
    out = []
    org_ids = list(
        _org_grades(orgs, tbl).filter(grade=Grade.SHINING).values_list("organisation_id", flat=True)
    )
    standings = {
        s.organisation_id: s for s in OrganisationStanding.objects.filter(organisation_id__in=org_ids)
    }
    for org in PartyOrganisation.objects.filter(pk__in=org_ids).select_related("unit", "region"):
        score, labels = _standing_words(standings.get(org.pk))
        out.append(
            {
                "subject": Subject.ORGANISATION.value,
                "id": org.pk,
                "name": org.unit.name,
                "region": org.region_id,
                "industry": org.industry,
                "explanation": engine.grade_organisation(score, labels, tbl)[1],
            }
        )
    rows = _enterprise_grades(ents, tbl).filter(grade=Grade.SHINING).select_related("enterprise")
    for ec in rows:
        score, labels = _standing_words(standings.get(ec.organisation_id))
        out.append(
            {
                "subject": Subject.ENTERPRISE.value,
                "id": ec.pk,
                "name": ec.enterprise.name,
                "region": ec.region_id,
                "industry": ec.industry,
                "explanation": engine.grade_enterprise(ec.status, score, labels, tbl)[1],
            }
        )
    return out


# --- standings (health scores and distinctions) ---


def _distinctions(as_of: datetime.date) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Enterprise id → fact names, organisation id → fact names, each lifted across coverage."""
    since = as_of - datetime.timedelta(days=int(rule("fact_window_days")))
    by_ent: dict[int, set[str]] = {}
    by_org: dict[int, set[str]] = {}
    for fact in facts.FACTS.values():
        target = by_ent if fact.of == "enterprise" else by_org
        for pk in fact.holders(since, as_of):
            target.setdefault(pk, set()).add(fact.name)
    through = PartyOrganisation.enterprises.through
    for org_id, ent_id in through.objects.values_list("partyorganisation_id", "enterprise_id"):
        if ent_id in by_ent:
            by_org.setdefault(org_id, set()).update(by_ent[ent_id])
    return by_ent, by_org


def _assess(as_of: datetime.date, organisations=None) -> dict[int, tuple[int, bool, str, list[str]]]:
    """organisation id → (score, normal, period, distinctions) as of `as_of`."""
    orgs = organisations if organisations is not None else PartyOrganisation.objects.all()
    unit_to_org = dict(orgs.values_list("unit_id", "pk"))
    _by_ent, by_org = _distinctions(as_of)
    out = {}
    for h in assess_all(orgs, None, as_of, dues=False):
        org_id = unit_to_org[h.org_id]
        out[org_id] = (h.score, h.normal, h.period.label, sorted(by_org.get(org_id, ())))
    return out


@dataclass
class RefreshResult:
    assessed: int = 0
    snapshots: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.snapshots

    @property
    def summary(self) -> str:
        return f"评定党组织 {self.assessed} 个，写入等次记录 {self.snapshots} 条"


def _require_system_or_city(actor) -> None:
    # Standings and snapshots span the whole city: the system (tick, demo, CLI) or a holder of the
    # city-wide rule table's change grant.
    if actor is None:
        raise OutOfScope()
    if not is_system(actor):
        if not has_action(actor, "change", GradeRule):
            raise OutOfScope()


@transaction.atomic
def refresh(*, actor, as_of: datetime.date | None = None) -> int:
    """Reassess every organisation's health score and distinctions into `OrganisationStanding`."""
    _require_system_or_city(actor)
    as_of = as_of or timezone.localdate()
    assessed = _assess(as_of)
    OrganisationStanding.objects.exclude(organisation_id__in=assessed).delete()
    existing = {s.organisation_id: s for s in OrganisationStanding.objects.all()}
    new, changed = [], []
    for org_id, (score, normal, period, names) in assessed.items():
        s = existing.get(org_id) or OrganisationStanding(organisation_id=org_id)
        s.score, s.normal, s.period, s.distinctions = score, normal, period, names
        s.distinction_count, s.assessed_on = len(names), as_of
        (changed if org_id in existing else new).append(s)
    OrganisationStanding.objects.bulk_create(new, batch_size=2000)
    OrganisationStanding.objects.bulk_update(
        changed,
        ["score", "normal", "period", "distinctions", "distinction_count", "assessed_on"],
        batch_size=2000,
    )
    return len(assessed)


# --- history ---


def _status_as_of(as_of: datetime.date) -> tuple[dict[int, str], dict[int, int]]:
    """Each enterprise's coverage on `as_of`, rebuilt from dates: an organisation covers it from its founding
    (or its record's creation), an instructor or liaison from their assignment or first visit, whichever is
    earlier. → (status, organisation id)."""
    status: dict[int, str] = {}
    org_of: dict[int, int] = {}
    through = PartyOrganisation.enterprises.through
    rows = through.objects.select_related("partyorganisation__unit").values_list(
        "enterprise_id",
        "partyorganisation_id",
        "partyorganisation__unit__kind",
        "partyorganisation__founded_on",
        "partyorganisation__created_at",
    )
    for ent_id, org_id, kind, founded, created in rows.order_by("partyorganisation_id"):
        since = founded or timezone.localdate(created)
        if since > as_of or kind == PARTY_GROUP:
            continue
        s = "independent" if kind in OWN_KINDS else "joint"
        if status.get(ent_id) != "independent":
            status[ent_id], org_of[ent_id] = s, org_id
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    assigned = Responsibility.objects.filter(
        content_type__model="enterprise", created_at__lt=end, agent__is_active=True
    ).values_list("object_id", flat=True)
    # An instructor's or liaison's visit shows they were carrying party work in before their assignment was
    # recorded here (the ledger was filled after the 摸排): work coverage counts from the earlier of the two.
    visited = Visit.objects.filter(date__lte=as_of, enterprise__isnull=False).values_list(
        "enterprise_id", flat=True
    )
    for ent_id in [*assigned, *visited.distinct()]:
        status.setdefault(int(ent_id), "work")
    return status, org_of


@transaction.atomic
def snapshot(month: datetime.date, *, actor, as_of: datetime.date | None = None) -> int:
    """Write the grades of `month` (replacing that month's rows): every enterprise in the survey scope and
    every organisation, graded as of the month's end (or today, for the running month)."""
    _require_system_or_city(actor)
    month = month_start(month)
    today = timezone.localdate()
    as_of = as_of or min(_month_end(month), today)
    if month > today:
        raise Refused({"month": "不能为未来的月份评定"})
    tbl = table()
    end = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time()))
    orgs = PartyOrganisation.objects.exclude(unit__kind=PARTY_GROUP).filter(
        Q(founded_on__lte=as_of) | Q(founded_on__isnull=True, created_at__lt=end)
    )
    assessed = _assess(as_of, orgs)
    status, org_of = _status_as_of(as_of)
    rows = []
    for org in orgs.select_related("unit"):
        score, _normal, _period, names = assessed.get(org.pk, (None, False, "", []))
        grade, words = engine.grade_organisation(score, [facts.label(n) for n in names], tbl)
        rows.append(
            GradeSnapshot(
                month=month,
                subject=Subject.ORGANISATION,
                organisation_id=org.pk,
                name=org.unit.name[:128],
                unit_id=org.unit_id,
                region_id=org.region_id,
                industry=org.industry,
                grade=grade,
                reason=words,
            )
        )
    # The survey ledger is the population (its rows date from the import, not from the enterprise).
    ents = Enterprise.objects.filter(in_survey_scope=True, is_active=True)
    for ent in ents.only("pk", "name", "unit_id", "region_id", "industry"):
        s = status.get(ent.pk, "blank")
        score, names = None, []
        if s in engine.ORGANISED and org_of.get(ent.pk) in assessed:
            score, _n, _p, names = assessed[org_of[ent.pk]]
        grade, words = engine.grade_enterprise(s, score, [facts.label(n) for n in names], tbl)
        rows.append(
            GradeSnapshot(
                month=month,
                subject=Subject.ENTERPRISE,
                enterprise_id=ent.pk,
                name=ent.name[:128],
                unit_id=ent.unit_id,
                region_id=ent.region_id,
                industry=ent.industry,
                grade=grade,
                reason=words,
            )
        )
    GradeSnapshot.objects.filter(month=month).delete()
    GradeSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def backfill(months: list[datetime.date], *, actor) -> int:
    """Snapshot each of `months` (the demo's months, or after the rule table changed)."""
    return sum(snapshot(m, actor=actor) for m in months)


def history(user, months: int = 12, region: str | None = None, industry: str | None = None) -> list[dict]:
    """Per month (oldest first): the counts of each grade among enterprises and organisations in view, and
    how many enterprises moved up from the month before."""
    qs = restrict(GradeSnapshot.objects.all(), user, "view")
    if region:
        qs = qs.filter(region_id=region)
    if industry:
        qs = qs.filter(industry=industry)
    recent = list(qs.order_by("-month").values_list("month", flat=True).distinct()[:months])
    if not recent:
        return []
    rows = qs.filter(month__in=recent).values("month", "subject", "grade").annotate(n=Count("pk")).order_by()
    out: dict = {}
    for r in rows:
        m = out.setdefault(
            r["month"],
            {Subject.ENTERPRISE: dict.fromkeys(GRADES, 0), Subject.ORGANISATION: dict.fromkeys(GRADES, 0)},
        )
        m[r["subject"]][r["grade"]] = r["n"]
    return [
        {
            "month": f"{m:%Y-%m}",
            **{str(g): out[m][Subject.ENTERPRISE][g] for g in GRADES},
            "organisations": {str(g): out[m][Subject.ORGANISATION][g] for g in GRADES},
        }
        for m in sorted(out)
    ]


def tick(*, actor, now=None) -> RefreshResult:
    """`xinye tick`: once a day, reassess the standings and (re)write this month's grades. Idempotent: a
    second run the same day does nothing."""
    if not is_system(actor):
        raise OutOfScope()
    today = timezone.localdate(now) if now else timezone.localdate()
    result = RefreshResult()
    fresh = (
        OrganisationStanding.objects.filter(assessed_on=today).exists()
        or not PartyOrganisation.objects.exists()
    )
    has_month = GradeSnapshot.objects.filter(month=month_start(today)).exists()
    if fresh and has_month:
        return result
    result.assessed = refresh(actor=actor, as_of=today)
    result.snapshots = snapshot(month_start(today), actor=actor, as_of=today)
    result.details.append(f"{today:%Y-%m} 等次已更新：{result.summary}")
    return result

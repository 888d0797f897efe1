"""The reports' one write door (the daily snapshots) and the exports, logged.

- `take_snapshot(day, *, actor)`: the key figures of every cell for one day (idempotent: a day is
  written once; a later call for the same day replaces it). `tick` calls it once a day for yesterday
  and today.
- `backfill(since, until, *, actor)`: the days before snapshots began, from history where the data
  allows: enterprises and practitioners by their creation, members by joining, organisations by founding,
  and the day's visits, check-ins and appeals; coverage statuses and agents keep no history (left empty).
- `export_statistics` / `export_briefing`: write a file for a scope and period and log the export
  (the change log's "export", as the ledger's exports are).
- `create_display_link(name=…, unit=…, *, actor)` / `revoke_display_link(link, *, actor)`: the wall screen's
  revocable links for an office TV (created and revoked in the console, both in the change log);
  `display_link(key)` finds a live one.
Reading the snapshots for a scope (trends, changes) is `reports.trends`.
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from xinye.accounts.permissions import actor_user, has_action, is_system, require
from xinye.appeals.models import Appeal
from xinye.audit.services import log_sensitive_access
from xinye.core.errors import OutOfScope, Refused
from xinye.coverage.models import CoverageCell
from xinye.guidance.models import Visit
from xinye.ledger.models import Enterprise, PartyMember, PartyOrganisation, Practitioner
from xinye.orgs.models import OrgUnit
from xinye.reports.briefing import write_briefing
from xinye.reports.context import SCOPE_KINDS, Period, Scope
from xinye.reports.models import DailySnapshot, DisplayLink
from xinye.reports.workbook import write_workbook
from xinye.stations.models import StationCheckIn

READS = ("display_link", "clean_display_link")

# The stock figures a back-fill can rebuild (an organisation without a founding date is not counted).
BACKFILLED = ("enterprises", "practitioners", "party_members", "organisations")
ORG_SUMS = (
    "org_party_committee",
    "org_general_branch",
    "org_branch",
    "org_joint_branch",
    "org_online_branch",
)


def _require_system(actor) -> None:
    """Snapshots are the system's figures for every unit: only the system writes them."""
    if actor is None or not is_system(actor):
        raise OutOfScope()


def _county_rows() -> dict[str, int]:
    """region code → the county's 两新工委 (the owner of figures that belong to no industry)."""
    return dict(
        OrgUnit.objects.filter(kind="work_committee", region__parent__isnull=False).values_list(
            "region_id", "pk"
        )
    )


def _cell_units() -> dict[tuple[str, str], int]:
    return {
        (c.region_id, c.industry): c.unit_id for c in CoverageCell.objects.only("unit", "region", "industry")
    }


def _local_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), tz)
    return start, start + datetime.timedelta(days=1)


def _flows(days: tuple[datetime.date, datetime.date], cells, counties) -> dict[tuple, dict]:
    """Visits, check-ins and appeals per (day, unit, region, industry) over [first, last]."""
    first, last = days
    out: dict[tuple, dict] = defaultdict(dict)
    visits = (
        Visit.objects.filter(date__range=days)
        .values("date", "region_id", "industry")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for v in visits:
        unit = cells.get((v["region_id"], v["industry"])) or counties.get(v["region_id"])
        if unit:
            key = (
                v["date"],
                unit,
                v["region_id"],
                v["industry"] if (v["region_id"], v["industry"]) in cells else "",
            )
            out[key]["visits"] = out[key].get("visits", 0) + v["n"]
    checkins = (
        StationCheckIn.objects.filter(day__range=days)
        .values("day", "station__region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for c in checkins:
        unit = counties.get(c["station__region_id"])
        if unit:
            out[(c["day"], unit, c["station__region_id"], "")]["checkins"] = c["n"]
    start, _end = _local_bounds(first)
    _start, end = _local_bounds(last)
    appeals = (
        Appeal.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
        .annotate(d=TruncDate("submitted_at", tzinfo=timezone.get_default_timezone()))
        .values("d", "region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for a in appeals:
        unit = counties.get(a["region_id"])
        if unit:
            out[(a["d"], unit, a["region_id"], "")]["appeals"] = a["n"]
    return out


def _write(rows: dict[tuple, dict], source: str) -> int:
    days = {k[0] for k in rows}
    DailySnapshot.objects.filter(day__in=days).delete()
    DailySnapshot.objects.bulk_create(
        [
            DailySnapshot(day=d, unit_id=u, region_id=r, industry=i, source=source, **values)
            for (d, u, r, i), values in rows.items()
        ],
        batch_size=2000,
    )
    return len(rows)


@transaction.atomic
def take_snapshot(day: datetime.date, *, actor) -> int:
    """Write the day's snapshot from the live figures (the coverage cells and the day's activity);
    returns the number of rows. Replaces any earlier snapshot of that day."""
    _require_system(actor)
    cells, counties = _cell_units(), _county_rows()
    rows: dict[tuple, dict] = {}
    for c in CoverageCell.objects.all():
        rows[(day, c.unit_id, c.region_id, c.industry)] = {
            "enterprises": c.enterprises,
            "practitioners": c.practitioners,
            "party_members": c.members_full + c.members_probationary,
            "organisations": sum(getattr(c, f) for f in ORG_SUMS),
            "independent": c.independent,
            "joint": c.joint,
            "work": c.work,
            "blank": c.blank,
            "instructors": c.instructors,
            "liaisons": c.liaisons,
        }
    for region, unit in counties.items():
        rows.setdefault((day, unit, region, ""), {})
    for key, values in _flows((day, day), cells, counties).items():
        rows.setdefault(key, {}).update(values)
    return _write(rows, "tick")


def _cumulative(qs, date_expr, days: list[datetime.date], cells, field_name, out) -> None:
    """Count rows of `qs` by cell and by their date, and add the running totals for each of `days`."""
    by_cell: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for r in qs.annotate(d=date_expr).values("d", "region_id", "industry").annotate(n=Count("pk")).order_by():
        unit = cells.get((r["region_id"], r["industry"]))
        if unit and r["d"] is not None:
            by_cell[(unit, r["region_id"], r["industry"])][r["d"]] += r["n"]
    for cell, per_day in by_cell.items():
        dated = sorted(per_day.items())
        total, i = 0, 0
        for day in days:
            while i < len(dated) and dated[i][0] <= day:
                total += dated[i][1]
                i += 1
            out[(day, *cell)][field_name] = total


@transaction.atomic
def backfill(since: datetime.date, until: datetime.date, *, actor, replace: bool = False) -> int:
    """Snapshots for the days [since, until] that have none (all of them with `replace`), rebuilt from
    what the ledger and the activity records remember. Returns the number of days written."""
    _require_system(actor)
    if since > until:
        raise Refused({"since": "回填起始日期晚于截止日期"})
    have = set()
    if not replace:
        have = set(DailySnapshot.objects.filter(day__range=(since, until)).values_list("day", flat=True))
    days = [
        since + datetime.timedelta(days=n)
        for n in range((until - since).days + 1)
        if since + datetime.timedelta(days=n) not in have
    ]
    if not days:
        return 0
    wanted = set(days)
    cells, counties = _cell_units(), _county_rows()
    rows: dict[tuple, dict] = defaultdict(dict)
    for day in days:
        for (region, industry), unit in cells.items():
            # what history allows is known, zero until its rows appear
            rows.setdefault((day, unit, region, industry), dict.fromkeys(BACKFILLED, 0))
        for region, unit in counties.items():
            rows.setdefault((day, unit, region, ""), {})
    tz = timezone.get_default_timezone()
    in_survey = Enterprise.objects.filter(in_survey_scope=True, is_active=True)
    _cumulative(in_survey, TruncDate("created_at", tzinfo=tz), days, cells, "enterprises", rows)
    _cumulative(
        Practitioner.objects.all(),
        TruncDate("created_at", tzinfo=tz),
        days,
        cells,
        "practitioners",
        rows,
    )
    _cumulative(
        PartyMember.objects.all(),
        TruncDate("created_at", tzinfo=tz),
        days,
        cells,
        "party_members",
        rows,
    )
    _cumulative(
        PartyOrganisation.objects.exclude(unit__kind="party_group"),
        F("founded_on"),
        days,
        cells,
        "organisations",
        rows,
    )
    for key, values in _flows((days[0], days[-1]), cells, counties).items():
        if key[0] in wanted:
            rows[key].update(values)
    _write({k: v for k, v in rows.items() if k[0] in wanted}, "backfill")
    return len(days)


@dataclass
class SnapshotTickResult:
    days: int = 0
    rows: int = 0
    details: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.days

    @property
    def summary(self) -> str:
        return f"统计快照：写入 {self.days} 天，{self.rows} 行"


def tick(*, actor, now=None) -> SnapshotTickResult:
    """`xinye tick`: today's snapshot once a day (a rerun the same day refreshes nothing), and yesterday's
    final figures on the first run of a new day."""
    _require_system(actor)
    today = timezone.localdate(now) if now else timezone.localdate()
    result = SnapshotTickResult()
    for day in (today - datetime.timedelta(days=1), today):
        latest = DailySnapshot.objects.filter(day=day).order_by("-created_at").values("created_at").first()
        if day < today and latest and timezone.localdate(latest["created_at"]) > day:
            continue  # yesterday already closed after its end
        if day == today and latest:
            continue  # once a day
        if day < today and not CoverageCell.objects.exists():
            continue
        if day < today and not latest and not DailySnapshot.objects.filter(day__lt=day).exists():
            continue  # snapshots begin the day the tick first runs; earlier days are back-filled
        rows = take_snapshot(day, actor=actor)
        result.days += 1
        result.rows += rows
        result.details.append(f"统计快照 {day:%Y-%m-%d}：{rows} 行")
    return result


# --- exports ---


def _check_export(actor) -> None:
    if not (is_system(actor) or has_action(actor, "export", DailySnapshot)):
        raise OutOfScope()


def export_statistics(target, scope: Scope, period: Period, *, actor, tables=None) -> int:
    """Write the statistics workbook and log the export; returns the number of sheets. `tables`: the sheets
    already built (the background job builds them one by one, reporting its progress)."""
    _check_export(actor)
    sheets = write_workbook(target, scope, period, tables=tables)
    log_sensitive_access(
        "export",
        model=DailySnapshot,
        count=sheets,
        reason=f"统计报表 {period.label} {scope.name}（{sheets} 张表）",
    )
    return sheets


def export_briefing(target, scope: Scope, period: Period, *, actor, tables=None) -> None:
    """Write the Word briefing and log the export (`tables`: as for `export_statistics`)."""
    _check_export(actor)
    write_briefing(target, scope, period, tables=tables)
    log_sensitive_access("export", model=DailySnapshot, reason=f"工作简报 {period.label} {scope.name}")


# --- the wall screen's display links ---


def clean_display_link(name: str, unit) -> None:
    """A display link needs a name and a unit one may report for (a Refused naming the field)."""
    errors = {}
    if not (name or "").strip():
        errors["name"] = "名称：请填写，如“市委组织部三楼会议室大屏”"
    if unit is None:
        errors["unit"] = "展示范围：请选择一个单位"
    elif unit.kind not in SCOPE_KINDS:
        errors["unit"] = (
            f"展示范围：{unit.name} 不是可汇总统计的单位（应为组织部、两新工委、行业党委或行业党建办）"
        )
    if errors:
        raise Refused(errors)


@transaction.atomic
def create_display_link(*, name: str, unit, actor) -> tuple[DisplayLink, str]:
    """A new display link showing `unit`'s scope on the wall screen: the saved link and its key, which is
    shown this once (only its hash is kept). The actor must be allowed to add links in `unit`."""
    clean_display_link(name, unit)
    require(actor, "add", model=DisplayLink, unit=unit)
    key = secrets.token_urlsafe(24)
    link = DisplayLink(
        name=name.strip(),
        unit=unit,
        prefix=key[:8],
        key_hash=DisplayLink.hash_key(key),
        created_by=actor_user(actor),
    )
    link.save()
    require(actor, "add", link)
    return link, key


@transaction.atomic
def revoke_display_link(link: DisplayLink, *, actor) -> DisplayLink:
    """Revoke a display link (idempotent): its address answers 404 from the next refresh on."""
    require(actor, "change", link)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


def display_link(key: str) -> DisplayLink | None:
    """The live (not revoked) display link with this key, or None."""
    if not key or len(key) > 64:
        return None
    return (
        DisplayLink.objects.select_related("unit")
        .filter(key_hash=DisplayLink.hash_key(key), revoked_at__isnull=True)
        .first()
    )

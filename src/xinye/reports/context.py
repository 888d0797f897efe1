"""What a report is about: the period (one month) and the scope (whose figures), resolved once.

The scope is always a *viewer* that `restrict` understands, so every figure in a report comes from the same
read door as the console and the API: the requesting user themselves, or — for `--scope UNIT_CODE` — a
stand-in that sees exactly that unit's subtree (and the offices answering to it), with no more object
types than the requester holds. A requester may only name a unit they may see.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from xinye.accounts.permissions import (
    PARTY_ORG_KINDS,
    Grant,
    grants_for,
    in_scope,
    is_system,
    restrict,
)
from xinye.core.errors import Refused
from xinye.orgs.models import OrgUnit

READS = ("parse_period", "resolve_scope", "scope_viewer", "scope_units")

# Units one may report for: the tree's offices, not party organisations or communities.
SCOPE_KINDS = ("org_department", "work_committee", "industry_committee", "industry_office")


@dataclass(frozen=True)
class Period:
    """One calendar month. `as_of` is the month's last day, or today while the month is still running (flows
    are counted up to it); `made` is the day the report is made. Stock figures (enterprises, members,
    coverage …) are the live ones, so they are stated as of `made`, whatever the period."""

    start: datetime.date
    end: datetime.date
    as_of: datetime.date
    made: datetime.date

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def title(self) -> str:
        return f"{self.start.year}年{self.start.month}月"

    def previous(self) -> Period:
        return parse_period(f"{(self.start - datetime.timedelta(days=1)):%Y-%m}", today=self.made)

    def year_ago(self) -> Period:
        return parse_period(f"{self.start.year - 1}-{self.start.month:02d}", today=self.made)

    def aware_bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end + 1 day) as aware datetimes in the project's time zone (Asia/Shanghai)."""
        tz = timezone.get_default_timezone()
        return (
            timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min), tz),
            timezone.make_aware(
                datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min), tz
            ),
        )


def _today() -> datetime.date:
    return timezone.localdate()


def parse_period(text: str | None, *, today: datetime.date | None = None) -> Period:
    """'2026-11' → November 2026. Empty means the current month; a month after the current one, or any
    other text, is refused with a Chinese message naming the field."""
    today = today or _today()
    text = (text or "").strip() or f"{today:%Y-%m}"
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
        raise Refused({"period": f"统计期“{text}”无效，应写作 YYYY-MM，如 2026-11"})
    start = datetime.date(int(m.group(1)), int(m.group(2)), 1)
    if start > today:
        raise Refused({"period": f"统计期 {text} 尚未开始（今天是 {today:%Y-%m-%d}）"})
    end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    return Period(start, end, min(end, today), today)


@dataclass(frozen=True)
class Scope:
    """Whose figures: `viewer` is what restrict() is asked with; `unit` names the scope (None: the whole
    city, for the system); `name` is how the report states it."""

    viewer: object
    unit: OrgUnit | None
    name: str


def _outermost(paths) -> tuple[str, ...]:
    paths = sorted(set(paths))
    return tuple(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


def scope_viewer(unit: OrgUnit, patterns: dict):
    """A stand-in user that sees `unit`'s subtree and the offices answering to it, for `patterns` — an
    unsaved user (id −1: it owns no row) carrying one resolved grant, as a role held in `unit` would."""
    viewer = get_user_model()(id=-1, username=f"report:{unit.code}", is_active=True)
    second = OrgUnit.objects.answering_to(unit).values_list("path", flat=True)
    viewer._xinye_grants = [
        Grant(
            "report_scope",
            "tree",
            unit.pk,
            _outermost([unit.path, *second]),
            "",
            patterns,
            unit.kind in PARTY_ORG_KINDS,
            unit.parent_id is None,
        )
    ]
    return viewer


def _patterns_of(actor) -> dict:
    """The object types `actor` may read, as one pattern dict (a system actor: every business type)."""
    if is_system(actor):
        return {"*": ["view", "export"]}
    merged: dict = {}
    for grant in grants_for(actor):
        if grant.mode != "tree":
            continue  # an instructor's assigned enterprises do not extend to a unit's subtree
        for pattern, actions in grant.patterns.items():
            merged[pattern] = sorted(set(merged.get(pattern, [])) | set(actions))
    return merged


def scope_units(actor):
    """The units `actor` may report for (the choices of the console's scope picker)."""
    qs = OrgUnit.objects.filter(kind__in=SCOPE_KINDS, is_active=True)
    if not is_system(actor):
        qs = restrict(qs, actor, "view")
    return qs.order_by("path")


def _root_unit() -> OrgUnit | None:
    return OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()


def resolve_scope(actor, code: str | None = None) -> Scope:
    """The scope for `actor`: their own (no code), or the unit with `code`, which they must be able to see.
    An unknown code — or one outside the actor's scope, which must not reveal that it exists — is refused."""
    code = (code or "").strip()
    if not code:
        if is_system(actor):
            # The figures' services read through grants; the system reads as the root of the tree does.
            root = _root_unit()
            return Scope(scope_viewer(root, _patterns_of(actor)), root, "全市")
        first = next((g for g in grants_for(actor) if g.mode == "tree"), None)
        unit = OrgUnit.objects.filter(pk=first.unit_id).first() if first else None
        if unit is not None and unit.parent_id is None:
            return Scope(actor, unit, "全市")
        return Scope(actor, unit, unit.name if unit else str(actor))
    unit = OrgUnit.objects.filter(code=code, kind__in=SCOPE_KINDS).first()
    if unit is None or not (is_system(actor) or in_scope(actor, "view", unit)):
        raise Refused({"scope": f"范围：未知的单位编码 {code}（或不在您的管辖范围内）"})
    name = "全市" if unit.parent_id is None else unit.name
    return Scope(scope_viewer(unit, _patterns_of(actor)), unit, name)

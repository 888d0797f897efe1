"""Where an appeal belongs and who handles it (routing), and who may read its personal content."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from xinye.accounts.permissions import (
    in_scope,
    restrict,
)
from xinye.appeals import rules
from xinye.appeals.choices import (
    TaskStatus,
)
from xinye.appeals.models import Appeal
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit, Responsibility

# Read-only helpers and pure rule functions: no actor (the signature test checks every other function).
READS = (
    "community_of_region",
    "county_work_committee",
    "serves",
    "fixed_unit",
    "home_unit",
    "route",
    "resolve_targets",
    "disclosure",
    "filer_contact",
)


# --- routing: where an appeal belongs and who handles it ---
#
# Routing reads the org tree that county admins write to, so it must not be steerable by whoever creates
# units (leak 7 of the spine issue: a community labelled with another county's region, created under one's
# own street, captured that county's appeals). A unit counts for a region only when it is *anchored* there:
# its own region is that region and every unit above it lies in that region or in one containing it — a
# real 科尔沁左翼中旗 community hangs from that county's street and 两新工委, a planted one from 科尔沁区's.


def _region_and_ancestors(region) -> set[str]:
    codes, current, seen = set(), region, 0
    while current is not None and seen < 8:
        codes.add(current.pk)
        current = current.parent if current.parent_id else None
        seen += 1
    return codes


def _anchored(units: list[OrgUnit], region) -> list[OrgUnit]:
    """`units` (of `region`, in order) whose whole ancestry lies in `region` or a region containing it."""
    if not units:
        return []
    allowed = _region_and_ancestors(region)
    above = {int(p) for u in units for p in u.path.strip("/").split("/")[:-1] if p}
    regions = dict(OrgUnit.objects.filter(pk__in=above).values_list("pk", "region_id"))
    out = []
    for unit in units:
        chain = [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]
        if unit.region_id == region.pk and all(regions.get(pk) in allowed for pk in chain):
            out.append(unit)
    return out


def community_of_region(region) -> OrgUnit | None:
    """The community an appeal of `region` goes to when nothing more specific is known: the first (by tree
    position, so deterministic) active community anchored in that region, or None."""
    if region is None:
        return None
    candidates = list(
        OrgUnit.objects.filter(kind=UnitKind.COMMUNITY, region=region, is_active=True).order_by("path")[:50]
    )
    anchored = _anchored(candidates, region)
    return anchored[0] if anchored else None


def county_work_committee(region) -> OrgUnit | None:
    """The 两新工委 anchored in `region` (the county's), else the topmost one (the city's)."""
    qs = OrgUnit.objects.filter(kind=UnitKind.WORK_COMMITTEE, is_active=True).order_by("depth", "path")
    if region is not None:
        anchored = _anchored(list(qs.filter(region=region)[:20]), region)
        if anchored:
            return anchored[0]
    return qs.first()


def serves(unit: OrgUnit, region) -> bool:
    """Whether a unit named by code in a routing rule may take work of `region`: it lies in that region or
    one containing it (a city department serves every county, a county's unit only its own), anchored there
    (its ancestry in its own region or above). So a rule naming a code that does not exist yet cannot be
    claimed for another county by whoever creates a unit with that code. `region` None: anchored only."""
    if unit.region_id is None:
        return False
    if region is not None and unit.region_id not in _region_and_ancestors(region):
        return False
    return bool(_anchored([unit], unit.region))


def fixed_unit(code: str, region) -> OrgUnit | None:
    """The active unit with `code` if it `serves` `region`, else None (the rule's next option applies)."""
    unit = OrgUnit.objects.filter(code=code, is_active=True).select_related("region").first()
    return unit if unit is not None and serves(unit, region) else None


def _responsible_unit(enterprise, role: str) -> OrgUnit | None:
    if enterprise is None:
        return None
    row = (
        Responsibility.objects.filter(
            content_type=ContentType.objects.get_for_model(type(enterprise)),
            object_id=enterprise.pk,
            role=role,
            unit__isnull=False,
        )
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    return row.unit if row else None


def home_unit(*, worker=None, region=None, enterprise=None) -> OrgUnit | None:
    """Where an appeal belongs (属地): the worker's community, else the enterprise's 兜底 community (the
    responsibility matrix), else the region's anchored community, else the county 两新工委."""
    if worker is not None and worker.unit_id:
        return worker.unit
    unit = _responsible_unit(enterprise, "community")
    if unit is not None:
        return unit
    region = (
        region
        or (worker.region if worker is not None else None)
        or (enterprise.region if enterprise else None)
    )
    return community_of_region(region) or county_work_committee(region)


def _resolve_target(target: str, case) -> OrgUnit | None:
    for option in target.split("|"):
        option = option.strip()
        unit = None
        if option == "community":
            unit = case.unit if case.unit.kind == UnitKind.COMMUNITY else community_of_region(case.region)
        elif option == "county_wc":
            unit = county_work_committee(case.region)
        elif option.startswith("role:"):
            unit = _responsible_unit(case.enterprise, option[5:])
        elif option.startswith("unit:"):
            unit = fixed_unit(option[5:], case.region)
        if unit is not None:
            return unit
    return None


def resolve_targets(targets: list[str], case) -> list[OrgUnit]:
    """The units a routing rule's targets name for `case` — anything with `unit`, `region` and `enterprise`
    (an appeal, an enterprise's need): one per target that resolves, without repeats, possibly none."""
    units = []
    for target in targets:
        unit = _resolve_target(target, case)
        if unit is not None and unit not in units:
            units.append(unit)
    return units


def route(appeal: Appeal) -> list[OrgUnit]:
    """Default 派单 targets from the category, the worker's county and the responsibility matrix
    (rules.DEFAULT_ROUTING). Never empty: falls back to the appeal's own unit."""
    return resolve_targets(rules.routing(appeal.category), appeal) or [appeal.unit]


# --- who may read an appeal's personal content ---


@dataclass(frozen=True)
class Disclosure:
    """What of an appeal's personal content (its text, answers, notes, the filer's contact) a user may read.

    `full`: view_sensitive over the appeal itself (its 属地 unit's tree). `task_ids`: the live tasks of the
    appeal the user handles with view_sensitive over them — a handling unit sees what it needs for the
    work (the text, the filer's name and phone for 回访, the appeal's answer, its own tasks' answers and
    notes), never another unit's answer. Everyone else sees lengths only."""

    full: bool = False
    task_ids: frozenset = frozenset()

    @property
    def any(self) -> bool:
        return self.full or bool(self.task_ids)

    @property
    def by_task(self) -> bool:
        """Shown only because the user handles a task (the reveal to log as such)."""
        return not self.full and bool(self.task_ids)

    def task(self, task_id) -> bool:
        return self.full or task_id in self.task_ids

    def event(self, event) -> bool:
        return self.full or (
            bool(self.task_ids) and (event.task_id is None or event.task_id in self.task_ids)
        )


def disclosure(user, appeal: Appeal) -> Disclosure:
    """The user's Disclosure for `appeal` (two small queries; none for the system)."""
    if in_scope(user, "view_sensitive", appeal):
        return Disclosure(full=True)
    live = appeal.tasks.exclude(status=TaskStatus.RETURNED)
    ids = frozenset(restrict(live, user, "view_sensitive").values_list("pk", flat=True))
    return Disclosure(task_ids=ids)


def filer_contact(appeal: Appeal) -> tuple[str, str]:
    """(name, phone) of whoever to call back for 回访: the worker, else the staff member who filed it."""
    if appeal.worker_id:
        worker = appeal.worker
        return worker.name or "（未留姓名）", worker.phone or ""
    if appeal.created_by_id:
        user = appeal.created_by
        return f"{getattr(user, 'display_name', '') or user.get_username()}（录入人）", ""
    return "（走访收集，无提出人）", ""

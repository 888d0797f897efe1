"""The importer of each kind of sheet — how its rows are prepared, planned (`plan`) and written (`write`) —
and `run_import`, the one entry point of the CLI, the console and the API."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from xinye.core.crypto import keyed_hash
from xinye.ledger import rules, services
from xinye.ledger.imports import plan, write
from xinye.ledger.imports.check import CellError, PeopleContext, ScopeTable, people_batches
from xinye.ledger.imports.helper import worker_batches
from xinye.ledger.imports.normalise import cell_text
from xinye.ledger.imports.pipeline import Importer, acting_as
from xinye.ledger.imports.report import ImportResult
from xinye.ledger.imports.specs import SPECS, get_spec, header_names
from xinye.ledger.imports.write import announce_changed

# People sheets at least this large are checked and encrypted in a helper process while this one writes; below
# it, starting the helper costs more than it saves. `run_import(parallel=...)` overrides it.
PARALLEL_MIN_BYTES = 2 << 20


class PractitionerImporter(Importer):
    """Practitioners (从业人员) keyed by the ID's keyed hash; 政治面貌 预备/正式党员 keeps a PartyMember row.

    The rows are checked, deduplicated in the file and encrypted by `check.people_batches` — in a helper
    process for large files — and looked up in the ledger and written here, a batch at a time."""

    spec = SPECS["practitioners"]
    members = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.touched_enterprises: set[int] = set()
        self._member_units: dict[int, int] | None = None

    def use_helper(self, path) -> bool:
        import multiprocessing

        if multiprocessing.current_process().daemon:  # e.g. a task worker's pool: it may not start processes
            return False
        if self.parallel is not None:
            return self.parallel
        return (os.cpu_count() or 1) > 1 and Path(str(path)).stat().st_size >= PARALLEL_MIN_BYTES

    def people_context(self, colmap: dict[int, str]) -> PeopleContext:
        _, by_uscc, by_name = self.enterprises()
        return PeopleContext(
            rules=self.rules,
            names=header_names(self.spec),
            colmap=colmap,
            today=self.today,
            members=self.members,
            min_join_age=rules.rule("min_join_age"),
            by_uscc=by_uscc,
            by_name=by_name,
            scope=self,
            write=self.write,
            now=connection.ops.adapt_datetimefield_value(timezone.now()),
            dates_as_text=connection.vendor == "sqlite",
        )

    def scope_table(self) -> ScopeTable:
        """The scope decisions a helper process needs, for every enterprise in the ledger."""
        by_id, _, _ = self.enterprises()
        pairs = {(e.unit_id, e.industry) for e in by_id.values()}
        counties = {e.region_id for e in by_id.values()}
        return ScopeTable({p: self.allowed(*p) for p in pairs}, {c: self.region_name(c) for c in counties})

    def _run(self, path, result: ImportResult, *, write: bool) -> Iterator[int]:
        if not self.use_helper(path):
            yield from super()._run(path, result, write=write)
            return
        self.result = result
        self.write = write
        ctx = self.people_context({})
        ctx.scope = self.scope_table()
        ctx.field_key = settings.FIELD_KEY
        batches = worker_batches(path, ctx, result.stats)
        try:
            header_index, colmap, _ = next(batches)
            if self._header_ok(header_index, colmap):
                yield from self._consume(batches)
        finally:
            batches.close()

    def _process(self, numbered_rows, colmap: dict[int, str]) -> Iterator[int]:
        yield from self._consume(people_batches(numbered_rows, self.people_context(colmap)))

    def _consume(self, batches) -> Iterator[int]:
        """Report each batch's errors, look its rows up in the ledger and (while there is no error) write them."""
        result = self.result
        every = self.progress_every
        reported = 0
        for total, errors, people, warnings in batches:
            result.rows_total = total
            for number, key, value, reason in errors:
                self.error(result, number, key, value, reason)
            for number, key, value, reason, name in warnings:
                self.warn(result, number, key, value, reason, name)
            if people:
                plan = self.classify(people)
                if self.write and not result.error_count:
                    self.apply(plan)
            while reported + every <= total:
                reported += every
                yield self._progress(reported)
        self.no_rows_check()
        if result.rows_total % every:
            yield self._progress(result.rows_total)

    def member_unit(self, enterprise_id: int, office_id: int) -> int:
        """Where a member of the enterprise belongs (`services.member_unit_ids`), else its office."""
        if self._member_units is None:
            self._member_units = services.member_unit_ids()
        return self._member_units.get(enterprise_id, office_id)

    def classify(self, items: list):
        return plan.people(self, items)

    def apply(self, plan_) -> None:
        write.people(self, plan_)

    def after_commit(self) -> None:
        announce_changed(self.touched_enterprises)


class MemberImporter(PractitionerImporter):
    """Party members (党员): the practitioner (created if new) and the party details in one row."""

    spec = SPECS["members"]
    members = True


class EnterpriseImporter(Importer):
    """Enterprises keyed by the credit code (or, without one, by name within the county)."""

    spec = SPECS["enterprises"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.touched: set[int] = set()
        self._offices = None

    def office(self, region_id: str, industry: str):
        """`services.office_for`, from its table loaded once per import."""
        if self._offices is None:
            self._offices = services.office_table()
            for u in self._offices.values():
                self.units[u.pk] = u
        return self._offices.get((region_id, industry))

    def prepare(self, number, values, raw):
        region = values["region"]
        key = values.get("uscc") or ("name", values["name"], region.pk)
        if self._dup(key, number, "uscc" if values.get("uscc") else "name", raw):
            return None
        for key, reason in services.coordinate_errors(
            values.get("latitude"), values.get("longitude")
        ).items():
            raise CellError(key, reason)
        fields = {k: v for k, v in values.items() if k != "region"}
        fields["region_id"] = region.pk
        if "contact_phone" in fields:
            fields["contact_phone_hash"] = keyed_hash(fields["contact_phone"])
        return {"row": number, "raw": raw, "key": key, "fields": fields}

    def classify(self, items: list):
        return plan.enterprises(self, items)

    def apply(self, plan_) -> None:
        write.enterprises(self, plan_)

    def after_commit(self) -> None:
        announce_changed(self.touched)


# --- party organisations ---


class OrganisationImporter(Importer):
    """Party organisations keyed by name; created through the ledger service (an OrgUnit each), few rows."""

    spec = SPECS["organisations"]

    def prepare(self, number, values, raw):
        if values["kind"] not in services.ORG_KINDS:
            raise CellError("kind", "应为党委、党总支、党支部、联合党支部或网络（虚拟）党支部")
        if self._dup(values["name"], number, "name", raw):
            return None
        refs = [p for p in re.split(r"[、,，;；\n]+", cell_text(raw.get("enterprises"))) if p.strip()]
        ents = []
        for ref in refs:
            ent = self.resolve_enterprise("enterprises", ref.strip())
            if not self.allowed(ent.unit_id, ent.industry):
                raise CellError("enterprises", f"企业“{ent.name}”不在您的导入范围内（整行拒绝导入）")
            ents.append(ent)
        if not ents:
            raise CellError("enterprises", "必填项为空")
        return {"row": number, "raw": raw, "values": values, "ents": ents}

    def classify(self, items: list):
        return plan.organisations(self, items)

    def apply(self, plan_) -> None:
        write.organisations(self, plan_)


IMPORTERS: dict[str, type[Importer]] = {
    "enterprises": EnterpriseImporter,
    "practitioners": PractitionerImporter,
    "members": MemberImporter,
    "organisations": OrganisationImporter,
}


def run_import(
    kind: str,
    path,
    *,
    actor,
    commit: bool = False,
    file_name: str = "",
    unit=None,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 10_000,
    parallel: bool | None = None,
) -> ImportResult:
    """Validate (and with `commit`, write all or nothing) one survey sheet. Raises ImportUsageError when
    the file cannot be read at all; row problems are in the result's errors. `parallel`: see Importer."""
    get_spec(kind)
    importer = IMPORTERS[kind](actor, progress=progress, progress_every=progress_every, parallel=parallel)
    with acting_as(actor, "import"):
        return importer.run(path, file_name=file_name, commit=commit, unit=unit)

"""The run of one import (`Importer`): the file checked, its rows read, parsed and checked batch by batch,
planned and — with commit, while no row has an error — written, all rows or none in one transaction; progress
reported as it goes. The kinds (`kinds.py`) say how a row is prepared, planned and written."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from xinye.accounts.permissions import actor_user, is_system, unit_in_scope
from xinye.core.context import actor_context, current_actor
from xinye.core.uploads import UploadRefused, check_sheet
from xinye.ledger.imports.check import (
    BATCH,
    ENTERPRISE_REF_FIELDS,
    CellError,
    EnterpriseRef,
    resolve_enterprise,
)
from xinye.ledger.imports.normalise import RowParser, cell_text, is_blank
from xinye.ledger.imports.normalise import lookup_key as _key
from xinye.ledger.imports.read import (
    HEADER_SCAN_ROWS,
    SUPPORTED_SUFFIXES,
    ImportUsageError,
    data_rows,
    file_sha256,
    missing_columns,
    read_header,
    read_rows,
)
from xinye.ledger.imports.report import (
    MAX_KEPT_ERRORS,
    MAX_KEPT_WARNINGS,
    MAX_STORED_WARNINGS,
    ImportResult,
    RowError,
    shown_value,
)
from xinye.ledger.imports.specs import Spec, header_names, spec_rules
from xinye.ledger.models import ChoiceAlias, Enterprise, ImportBatch
from xinye.orgs.models import OrgUnit, Region


class _Rollback(Exception):
    pass


# --- the pipeline ---


class Importer:
    """Validates (and with `commit`, writes) one file of one kind for one actor: a staff user, whose import
    scope limits the rows, or `system_actor(...)` when the system imports (the CLI without --actor)."""

    spec: Spec

    def __init__(
        self,
        actor,
        *,
        progress: Callable[[int], None] | None = None,
        progress_every: int = 10_000,
        parallel: bool | None = None,
    ):
        """`parallel`: check people sheets in a helper process (True), in this one (False), or by file size
        (None, see PARALLEL_MIN_BYTES)."""
        self.actor = actor
        self.progress = progress
        self.progress_every = progress_every
        self._scope_cache: dict = {}
        self.units: dict = {}
        self._regions = None
        self._ents = None
        self.today = timezone.localdate()
        self.rules = spec_rules(self.spec, city_aliases())
        self.parser = RowParser(self.rules, self.today, hooks={"region": self.parse_region})
        self.parallel = parallel

    # scope
    def allowed(self, unit_id, industry: str, model=None) -> bool:
        if is_system(self.actor):
            return True
        model = model or self.spec.model
        key = (model, unit_id, industry)
        if key not in self._scope_cache:
            self._scope_cache[key] = unit_in_scope(self.actor, "import", model, self.unit(unit_id), industry)
        return self._scope_cache[key]

    def unit(self, unit_id):
        if unit_id not in self.units:
            self.units[unit_id] = OrgUnit.objects.filter(pk=unit_id).first()
        return self.units[unit_id]

    def regions(self) -> dict[str, object]:
        if self._regions is None:
            self._regions = {}
            for r in Region.objects.all():
                self._regions[_key(r.code)] = r
                self._regions.setdefault(_key(r.name), r)
        return self._regions

    def region_name(self, code) -> str:
        r = self.regions().get(_key(code))
        return r.name if r else str(code)

    # enterprise references
    def enterprises(self):
        if self._ents is None:
            by_id, by_uscc, by_name = {}, {}, {}
            for row in map(EnterpriseRef._make, Enterprise.objects.values_list(*ENTERPRISE_REF_FIELDS)):
                by_id[row.id] = row
                if row.uscc:
                    by_uscc[row.uscc] = row
                by_name.setdefault(row.name.strip(), []).append(row)
            self._ents = (by_id, by_uscc, by_name)
        return self._ents

    def resolve_enterprise(self, key: str, value, uscc_value=None):
        """The enterprise a row names, by credit code or exact name."""
        _, by_uscc, by_name = self.enterprises()
        return resolve_enterprise(by_uscc, by_name, key, value, uscc_value)

    # cells
    def parse_region(self, raw):
        region = self.regions().get(_key(cell_text(raw)))
        if region is None:
            raise ValueError("不是本市的旗县区名称或区划代码")
        return region

    def parse_row(self, cells: list, colmap: dict[int, str]) -> tuple[dict, dict, list[tuple[str, str]]]:
        """(parsed values by key, raw values by key, [(key, reason)]); the row's doubts in `parser.doubts`."""
        return self.parser.parse_row(cells, colmap)

    # the run
    def run(self, path, *, file_name: str = "", commit: bool = False, unit=None) -> ImportResult:
        for _ in self.run_iter(path, file_name=file_name, commit=commit, unit=unit):
            pass
        return self.result

    def run_iter(self, path, *, file_name: str = "", commit: bool = False, unit=None) -> Iterator[int]:
        """Like run(), yielding the number of rows processed every `progress_every` rows (for pages that
        show progress while the import runs); the result is in `self.result` at the end."""
        path = Path(str(path))
        result = self.result = ImportResult(self.spec.kind, file_name or path.name)
        if not path.exists():
            raise ImportUsageError(f"文件不存在：{path}")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise ImportUsageError(
                f"不支持的文件类型“{path.suffix or '无扩展名'}”，请上传 .xlsx 或 .csv 文件"
            )
        try:  # before any reader opens it: size, type by content, zip bomb, XML entities, the row limit
            check_sheet(path, kind=self.spec.kind, name=file_name or path.name)
        except UploadRefused as exc:
            raise ImportUsageError("；".join(exc.messages)) from None
        result.file_hash = file_sha256(path)
        already = (
            ImportBatch.objects.filter(kind=self.spec.kind, file_hash=result.file_hash, committed=True)
            .select_related("user")
            .order_by("created_at")
            .first()
        )
        if already is not None:
            result.already = already
            result.rows_total = result.unchanged = already.rows_total
            return
        if not commit:
            yield from self._run(path, result, write=False)
            return
        try:
            with transaction.atomic():
                yield from self._run(path, result, write=True)
                if result.error_count:
                    raise _Rollback
                self.after_commit()
                result.batch = ImportBatch.objects.create(
                    kind=self.spec.kind,
                    file_name=result.file_name[:255],
                    file_hash=result.file_hash,
                    unit=unit or self.default_unit(),
                    user=actor_user(self.actor),
                    rows_total=result.rows_total,
                    rows_created=result.created,
                    rows_updated=result.updated,
                    rows_unchanged=result.unchanged,
                    warning_count=result.warning_count,
                    warnings=[w.as_dict() for w in result.warnings[:MAX_STORED_WARNINGS]],
                    committed=True,
                )
                result.committed = True
        except _Rollback:
            result.committed = False

    def default_unit(self):
        if not is_system(self.actor):
            ra = self.actor.role_assignments.select_related("unit").order_by("pk").first()
            if ra is not None:
                return ra.unit
        return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()

    def _run(self, path, result: ImportResult, *, write: bool) -> Iterator[int]:
        self.seen: dict = {}
        self.result = result
        self.write = write
        rows = read_rows(path)
        try:
            head, header_index, colmap = read_header(rows, header_names(self.spec))
            if not self._header_ok(header_index, colmap):
                return
            yield from self._process(data_rows(itertools.chain(head, rows), header_index), colmap)
        finally:
            rows.close()

    def _header_ok(self, header_index: int, colmap: dict[int, str]) -> bool:
        self.result.header_row = header_index + 1
        missing = missing_columns(spec_rules(self.spec), colmap)
        if header_index >= 0 and not missing:
            return True
        headers = "、".join(self.spec.column(k).header for k in missing)
        reason = f"找不到表头或缺少必填列：{headers}（前 {HEADER_SCAN_ROWS} 行中未找到包含这些列名的表头行）"
        self.error(self.result, max(header_index + 1, 1), "", "", reason)
        return False

    def _progress(self, done: int) -> int:
        if self.progress:
            self.progress(done)
        return done

    def _process(self, numbered_rows, colmap: dict[int, str]) -> Iterator[int]:
        result = self.result
        chunk: list = []
        for number, cells in numbered_rows:
            if all(is_blank(c) for c in cells):
                continue
            result.rows_total += 1
            values, raw, errs = self.parse_row(cells, colmap)
            chunk.append((number, values, raw, errs, self.parser.doubts))
            if len(chunk) >= BATCH:
                self._chunk(chunk)
                chunk = []
            if result.rows_total % self.progress_every == 0:
                yield self._progress(result.rows_total)
        if chunk:
            self._chunk(chunk)
        self.no_rows_check()
        if result.rows_total % self.progress_every:
            yield self._progress(result.rows_total)

    def no_rows_check(self) -> None:
        """A sheet with a header and no row (or rows of blanks only) is an error, not "validation passed"."""
        if self.result.rows_total == 0:
            self.error(
                self.result,
                self.result.header_row,
                "",
                "",
                f"表格中没有数据行（表头在第 {self.result.header_row} 行，其下没有填写任何内容）",
            )

    def warn(self, result: ImportResult, row: int, key: str, value, reason: str, name="") -> None:
        """A doubt: the row is written as the parser kept it, and the import lists why."""
        col = next((c for c in self.spec.columns if c.key == key), None)
        result.warning_count += 1
        if len(result.warnings) < MAX_KEPT_WARNINGS:
            shown = shown_value(col, value)
            result.warnings.append(
                RowError(row, col.header if col else "", shown, reason, cell_text(name)[:60])
            )

    def error(self, result: ImportResult, row: int, key: str, value, reason: str) -> None:
        col = next((c for c in self.spec.columns if c.key == key), None)
        result.error_count += 1
        if len(result.errors) < MAX_KEPT_ERRORS:
            result.errors.append(RowError(row, col.header if col else "", shown_value(col, value), reason))

    def _chunk(self, chunk: list) -> None:
        """Resolve, dedupe, classify (and write) one batch of rows."""
        good = []
        for number, values, raw, errs, doubts in chunk:
            if not errs:
                for key, reason in doubts:
                    self.warn(self.result, number, key, raw.get(key), reason, raw.get("name"))
                try:
                    item = self.prepare(number, values, raw)
                except CellError as exc:
                    errs = [(exc.key, exc.reason)]
                else:
                    if item is not None:
                        good.append(item)
            for key, reason in errs:
                self.error(self.result, number, key, raw.get(key), reason)
        if not good:
            return
        plan = self.classify(good)
        if self.write and not self.result.error_count:
            self.apply(plan)

    def _dup(self, key, number: int, col: str, raw) -> bool:
        first = self.seen.get(key)
        if first is not None:
            self.error(self.result, number, col, raw.get(col), f"与第 {first} 行重复")
            return True
        self.seen[key] = number
        return False

    # per kind
    def prepare(self, number: int, values: dict, raw: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    def classify(self, items: list):  # pragma: no cover - abstract
        raise NotImplementedError

    def apply(self, plan) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def after_commit(self) -> None:
        pass


def city_aliases() -> dict[str, dict[str, str]]:
    """The city's own words for the choices (导入词语对照, `ChoiceAlias`): {column key: {alias: value}}."""
    out: dict[str, dict[str, str]] = {}
    for column, alias, value in ChoiceAlias.objects.values_list("column", "alias", "value"):
        out.setdefault(column, {})[alias] = value
    return out


def acting_as(actor, source: str):
    """The change log's actor: the request's or command's when set, else `actor` (called directly)."""
    current = current_actor()
    if current.user is not None or current.label:
        return contextlib.nullcontext()
    if is_system(actor):
        return actor_context(None, source=source, label=actor.label)
    return actor_context(actor, source=source)

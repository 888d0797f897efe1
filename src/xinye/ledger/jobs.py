"""A large survey sheet checked or written as a background job (issue 18 item 11).

The console's import wizard (`views_io`) keeps small files in the request, as before; a file above
XINYE_IMPORT_ASYNC_BYTES is handed to `xinye worker`: the same `Importer` runs there — all rows or none, in
one transaction — reporting rows done of the file's rows. The wizard's own record of the upload (a small
JSON file, `state_file`) receives the result exactly as the streamed run writes it, so the wizard's result
page, its error report and its 确认写入 work unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.urls import reverse

from xinye.accounts.permissions import has_action
from xinye.core.errors import OutOfScope, Refused
from xinye.jobs.services import Outcome
from xinye.ledger.imports.kinds import IMPORTERS
from xinye.ledger.imports.pipeline import acting_as
from xinye.ledger.imports.read import ImportUsageError
from xinye.ledger.imports.specs import SPECS

KIND = "ledger.import"


def estimate_rows(path) -> int | None:
    """The file's rows (title and header rows included: an upper bound), cheaply, for the progress bar."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".csv":
            with open(path, "rb") as fh:
                return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) or None
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).total_height or None
    except Exception:  # noqa: BLE001 — only an estimate: the import itself reports what it cannot read
        return None


def run_import(job, *, actor, progress) -> Outcome:
    """Check (or, with `commit`, write) the uploaded sheet named by the job, as its starter."""
    params = job.params
    state_file = Path(params["state_file"])
    state = json.loads(state_file.read_text("utf-8"))
    kind = state["kind"]
    if state["user_id"] != getattr(actor, "pk", None) or not has_action(actor, "import", SPECS[kind].model):
        raise OutOfScope()
    commit = bool(params.get("commit"))
    if commit and state.get("result", {}).get("error") != 0:
        raise Refused("请先预检，预检无误后才能写入")
    total = estimate_rows(state["path"])
    step = "写入" if commit else "预检"
    progress(0, total, step)
    importer = IMPORTERS[kind](actor, progress_every=max(500, (total or 0) // 100))
    try:
        with acting_as(actor, "import"):
            for done in importer.run_iter(state["path"], file_name=state["file_name"], commit=commit):
                progress(done, max(total or 0, done) or None, step)
        result = importer.result
        res, header_row = result.as_dict(max_errors=10_000), result.header_row
    except ImportUsageError as exc:
        res, header_row = {"usage_error": str(exc)}, state.get("header_row", 1)
    # read again: the wizard may have noted something meanwhile (the job it started)
    state = json.loads(state_file.read_text("utf-8"))
    state.update(result=res, header_row=header_row)
    state_file.write_text(json.dumps(state, ensure_ascii=False), "utf-8")
    summary = res.get("usage_error") or res.get("summary", "")
    return Outcome(url=reverse("ledger_io:result", args=[params["token"]]), summary=summary)

"""Console wizard for the survey sheets: upload → preview (with progress) → confirm → commit → result,
plus template downloads and exports. The import itself is `ledger.imports` pipeline (`run_import`).
A file above XINYE_IMPORT_ASYNC_BYTES is previewed and committed by `xinye worker` instead of in the request
(`ledger.jobs`): the run opens the job's page in 我的任务, which leads back to the result page when done.

A job is a saved upload plus a small JSON file (kind, owner, result) in a private directory outside MEDIA,
named by a random token; only its owner may see or commit it.
"""

import json
import tempfile
import uuid
from html import escape
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinye.accounts.permissions import has_action, restrict
from xinye.core.errors import Refused
from xinye.core.uploads import UploadRefused, check_sheet
from xinye.jobs import services as jobs
from xinye.jobs.choices import FINISHED
from xinye.ledger.api_io import XLSX, check_upload
from xinye.ledger.exporters import check_export, export_ledger, write_template
from xinye.ledger.imports.kinds import IMPORTERS
from xinye.ledger.imports.pipeline import acting_as
from xinye.ledger.imports.read import ImportUsageError
from xinye.ledger.imports.report import ImportResult, RowError, error_report
from xinye.ledger.imports.specs import SPECS
from xinye.ledger.models import ImportBatch

PROGRESS_EVERY = 5000
SHOWN_ERRORS = 100


def job_dir() -> Path:
    return Path(getattr(settings, "XINYE_IMPORT_DIR", "") or Path(tempfile.gettempdir()) / "xinye-imports")


def _context(request, title: str) -> dict:
    return {**admin.site.each_context(request), "title": title}


# imports.specs.SPECS labels, marked for the catalogue (imports/specs.py keeps its Chinese for the sheets themselves)
LEDGER_LABELS = (
    gettext_noop("新业态企业"),
    gettext_noop("从业人员"),
    gettext_noop("党员"),
    gettext_noop("党组织"),
)


def _label(kind: str) -> str:
    """The ledger's name in the active language (imports.specs.SPECS labels are Chinese msgids)."""
    return _(SPECS[kind].label)


def _kinds(request, action: str) -> list[tuple[str, str]]:
    return [(k, _label(k)) for k, s in SPECS.items() if has_action(request.user, action, s.model)]


def index(request):
    """Choose a ledger, upload a sheet; download templates; export; the latest imports in scope."""
    importable, exportable = _kinds(request, "import"), _kinds(request, "export")
    if not importable and not exportable:
        raise Http404
    sensitive = [
        (k, lbl) for k, lbl in exportable if has_action(request.user, "view_sensitive", SPECS[k].model)
    ]
    batches = list(restrict(ImportBatch.objects.select_related("user", "unit"), request.user, "view")[:20])
    for b in batches:
        b.kind_label = _label(b.kind) if b.kind in SPECS else b.kind
    context = _context(request, _("台账导入导出"))
    context.update(
        {
            "importable": importable,
            "exportable": exportable,
            "sensitive": sensitive,
            "max_mb": settings.XINYE_IMPORT_MAX_BYTES // 1048576,
            "batches": batches,
        }
    )
    return TemplateResponse(request, "ledger/io_index.html", context)


# --- jobs ---


def _job_path(token: str) -> Path:
    if not token.isalnum():
        raise Http404
    return job_dir() / f"{token}.json"


def _load_job(request, token: str) -> dict:
    path = _job_path(token)
    if not path.exists():
        raise Http404
    job = json.loads(path.read_text("utf-8"))
    if job["user_id"] != request.user.pk:
        raise Http404
    return job


def _save_job(token: str, job: dict) -> None:
    _job_path(token).write_text(json.dumps(job, ensure_ascii=False), "utf-8")


@require_POST
def upload(request):
    kind = request.POST.get("kind", "")
    if kind not in SPECS or not has_action(request.user, "import", SPECS[kind].model):
        raise Http404
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("请选择要导入的文件"))
        return redirect("ledger_io:index")
    try:
        suffix = check_upload(uploaded.name, uploaded.size)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("ledger_io:index")
    directory = job_dir()
    directory.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    path = directory / f"{token}{suffix}"
    with open(path, "wb") as fh:
        for chunk in uploaded.chunks():
            fh.write(chunk)
    if path.stat().st_size > settings.XINYE_IMPORT_ASYNC_BYTES:
        # a file for the worker is checked here, before it is queued (a bomb is refused at once, not later
        # in 我的任务); a smaller one is checked by the importer as it runs in the request
        try:
            check_sheet(path, kind=kind, name=uploaded.name)
        except UploadRefused as exc:
            path.unlink(missing_ok=True)
            messages.error(request, str(exc))
            return redirect("ledger_io:index")
    _save_job(
        token, {"kind": kind, "file_name": uploaded.name, "path": str(path), "user_id": request.user.pk}
    )
    return redirect("ledger_io:run", token=token)


_PAGE_HEAD = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2rem;color:#1f2937}}progress{{width:24rem}}p{{margin:.2rem 0}}</style>
</head><body><h1>{title}</h1><p>{file_label}{name}</p><!--{pad}-->
"""


def _in_background(request, token: str, job: dict, commit: bool):
    """A large file: the preview or the commit as a background job (one at a time per phase), then its page."""
    phase = "commit" if commit else "check"
    known = job.get("jobs", {}).get(phase)
    earlier = jobs.mine(request.user).filter(token=known).first() if known else None
    # a job under way, or a finished preview, is shown again; a failed one (or a new commit) starts afresh
    if earlier is not None and (earlier.state not in FINISHED or (not commit and earlier.state == "done")):
        return redirect("jobs:detail", token=known)
    title = (_("%(ledger)s台账写入") if commit else _("%(ledger)s台账预检")) % {"ledger": _label(job["kind"])}
    background = jobs.start(
        "ledger.import",
        actor=request.user,
        title=f"{title}：{job['file_name']}",
        params={"token": token, "state_file": str(_job_path(token)), "commit": commit},
        unit_label=_("行"),
    )
    job.setdefault("jobs", {})[phase] = background.token.hex
    _save_job(token, job)
    return redirect("jobs:detail", token=background.token.hex)


def run(request, token: str):
    """Runs the preview (GET) or the commit (POST from the preview page) and streams progress lines; at the
    end the browser moves on to the result page. A large file runs in the background instead."""
    job = _load_job(request, token)
    kind = job["kind"]
    spec = SPECS[kind]
    commit = request.method == "POST"
    if not has_action(request.user, "import", spec.model):
        raise Http404
    if commit and not job.get("result", {}).get("error") == 0:
        raise PermissionDenied(_("请先预检，预检无误后才能写入"))
    if Path(job["path"]).stat().st_size > settings.XINYE_IMPORT_ASYNC_BYTES:
        return _in_background(request, token, job, commit)
    importer = IMPORTERS[kind](request.user, progress_every=PROGRESS_EVERY)
    user = request.user
    result_url = reverse("ledger_io:result", args=[token])
    title = (_("%(ledger)s台账写入") if commit else _("%(ledger)s台账预检")) % {"ledger": _label(kind)}
    # the generator runs after the view has returned: its words are translated here, in the request's language
    head = _PAGE_HEAD.format(
        lang=get_language() or "zh-hans",
        title=title,
        file_label=_("文件："),
        name=escape(job["file_name"]),
        pad=" " * 1024,
    )
    progress_line = _("已处理 %(count)s 行…")
    done_line = _("完成。")
    see_result = _("查看结果")

    def stream():
        yield head
        try:
            with acting_as(user, "import"):
                for done in importer.run_iter(job["path"], file_name=job["file_name"], commit=commit):
                    yield f"<p>{progress_line % {'count': done}}</p>\n"
            result = importer.result
            job["result"] = result.as_dict(max_errors=10_000)
            job["header_row"] = result.header_row
        except ImportUsageError as exc:
            job["result"] = {"usage_error": str(exc)}
        _save_job(token, job)
        yield (
            f'<p>{done_line}<a href="{result_url}" data-go="{escape(result_url)}">{see_result}</a></p>'
            f'<script src="{escape(static("console/behaviours.js"))}"></script></body></html>'
        )

    response = StreamingHttpResponse(stream(), content_type="text/html; charset=utf-8")
    response["X-Accel-Buffering"] = "no"  # let nginx pass progress lines through
    response["Cache-Control"] = "no-store"
    return response


def result(request, token: str):
    job = _load_job(request, token)
    res = job.get("result")
    if res is None:
        return redirect("ledger_io:run", token=token)
    context = _context(request, _("%(ledger)s台账导入结果") % {"ledger": _label(job["kind"])})
    context.update(
        {
            "job": job,
            "token": token,
            "res": res,
            "label": _label(job["kind"]),
            "errors": res.get("errors", [])[:SHOWN_ERRORS],
            "more_errors": max(0, res.get("error", 0) - SHOWN_ERRORS),
            "warnings": res.get("warnings", [])[:SHOWN_ERRORS],
            "more_warnings": max(0, res.get("warning", 0) - SHOWN_ERRORS),
            "can_commit": res.get("error") == 0
            and not res.get("committed")
            and not res.get("already_imported")
            and (res.get("create", 0) + res.get("update", 0)) > 0,
        }
    )
    return TemplateResponse(request, "ledger/io_result.html", context)


def report(request, token: str):
    """The error report: the original rows with an added 错误说明 column."""
    job = _load_job(request, token)
    res = job.get("result") or {}
    result = ImportResult(job["kind"], job["file_name"], header_row=job.get("header_row", 1))
    result.errors = [RowError(e["row"], e["column"], e["value"], e["reason"]) for e in res.get("errors", [])]
    result.warnings = [
        RowError(w["row"], w["column"], w["value"], w["reason"]) for w in res.get("warnings", [])
    ]
    fh = tempfile.TemporaryFile()
    error_report(job["kind"], job["path"], result, fh)
    fh.seek(0)
    name = Path(job["file_name"]).stem
    return FileResponse(
        fh, as_attachment=True, filename=_("%(name)s-错误报告.xlsx") % {"name": name}, content_type=XLSX
    )


def template(request, kind: str):
    if kind not in SPECS or not has_action(request.user, "view", SPECS[kind].model):
        raise Http404
    fh = tempfile.TemporaryFile()
    write_template(kind, fh)
    fh.seek(0)
    return FileResponse(
        fh,
        as_attachment=True,
        filename=_("%(ledger)s台账模板.xlsx") % {"ledger": _label(kind)},
        content_type=XLSX,
    )


def export(request, kind: str):
    """GET: masked export. POST with `unmasked` and `reason`: unmasked export (view_sensitive), logged."""
    if kind not in SPECS or not has_action(request.user, "export", SPECS[kind].model):
        raise Http404
    unmasked = request.method == "POST" and bool(request.POST.get("unmasked"))
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    try:
        check_export(request.user, kind, unmasked=unmasked, reason=reason)
    except Refused as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("ledger_io:index")
    fh = tempfile.TemporaryFile()
    export_ledger(kind, fh, actor=request.user, unmasked=unmasked, reason=reason)
    fh.seek(0)
    name = (_("%(ledger)s台账（不脱敏）.xlsx") if unmasked else _("%(ledger)s台账.xlsx")) % {
        "ledger": _label(kind)
    }
    return FileResponse(fh, as_attachment=True, filename=name, content_type=XLSX)

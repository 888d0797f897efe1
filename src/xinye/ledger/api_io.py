"""Import and export of the survey ledgers over the API (the same pipeline as the console and the CLI).

POST /imports/{kind}   multipart `file` (+ `commit`): preview or result with counts and errors in Chinese.
GET  /exports/{kind}   the ledger in the template layout (xlsx), masked unless `unmasked=true&reason=...`.
GET  /templates/{kind} the empty template.
"""

import tempfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from xinye.api.common import require
from xinye.ledger.exporters import check_export, export_ledger, write_template
from xinye.ledger.imports.kinds import run_import
from xinye.ledger.imports.read import SUPPORTED_SUFFIXES, ImportUsageError
from xinye.ledger.imports.specs import SPECS

router = Router()
TAG = "怎么建 · 台账导入导出"

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _spec(kind: str):
    if kind not in SPECS:
        raise HttpError(404, f"未知的台账类型“{kind}”，可选：{'、'.join(SPECS)}")
    return SPECS[kind]


def check_upload(name: str, size: int) -> str:
    """The suffix of an acceptable upload, or a Chinese ValueError (extension, size limit)."""
    suffix = Path(name or "").suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError("只接受 .xlsx、.xls 或 .csv 文件")
    limit = settings.XINYE_IMPORT_MAX_BYTES
    if size > limit:
        raise ValueError(f"文件过大（{size / 1048576:.1f} MB），上限为 {limit / 1048576:.0f} MB")
    return suffix


@router.post(
    "/imports/{kind}", response={200: dict, 422: dict}, summary="导入摸排台账（预检或写入，全部或全不）"
)
def import_sheet(request, kind: str, file: File[UploadedFile], commit: Form[bool] = False):
    spec = _spec(kind)
    require(request, "import", spec.model)
    try:
        suffix = check_upload(file.name, file.size)
    except ValueError as exc:
        raise HttpError(413 if "过大" in str(exc) else 400, str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="xinye-import-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with open(path, "wb") as fh:
            for chunk in file.chunks():
                fh.write(chunk)
        try:
            result = run_import(kind, path, actor=request.user, commit=commit, file_name=file.name)
        except ImportUsageError as exc:
            raise HttpError(400, str(exc)) from None
    payload = result.as_dict()
    return Status(422 if result.error_count else 200, payload)


def _xlsx_response(fh, filename: str) -> FileResponse:
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=filename, content_type=XLSX)


@router.get("/exports/{kind}", summary="导出摸排台账（与导入模板同格式；默认脱敏）")
def export_sheet(request, kind: str, unmasked: bool = False, reason: str = ""):
    spec = _spec(kind)
    require(request, "export", spec.model)
    check_export(request.user, kind, unmasked=unmasked, reason=reason)
    fh = tempfile.TemporaryFile()
    export_ledger(kind, fh, actor=request.user, unmasked=unmasked, reason=reason)
    return _xlsx_response(fh, f"{spec.label}台账{'（不脱敏）' if unmasked else ''}.xlsx")


@router.get("/templates/{kind}", summary="下载摸排台账导入模板")
def template_sheet(request, kind: str):
    spec = _spec(kind)
    require(request, "view", spec.model)
    fh = tempfile.TemporaryFile()
    write_template(kind, fh)
    return _xlsx_response(fh, f"{spec.label}台账模板.xlsx")

"""Every upload is checked here before anything parses or stores it (issue 18 items 8 and 10): by extension,
by its first bytes (never the name alone) and by size; spreadsheets also by their unpacked size, their
entry count, XML entity declarations and a row limit per kind of sheet; photos are decoded, re-encoded and
stored without their EXIF (a phone's photo carries the GPS position of the worker who took it).

A refusal is `UploadRefused` (a `Refused`, so forms show it beside the field and the API answers 422) with
a Chinese message naming the file and the reason. The limits are settings with documented defaults
(docs/operations.md, "Uploads"); the functions also take them as arguments, so the import's helper process
and the tests can pass their own.
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
import zlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext

from xinye.core.errors import Refused

MB = 1024 * 1024

# the defaults of the settings of the same name (docs/operations.md)
PHOTO_MAX_BYTES = 5 * MB  # XINYE_UPLOAD_MAX_BYTES
DOCUMENT_MAX_BYTES = 20 * MB  # XINYE_DOCUMENT_MAX_BYTES
IMAGE_MAX_PIXELS = 40_000_000  # XINYE_IMAGE_MAX_PIXELS: a 40-megapixel photo; a pixel bomb is refused
IMPORT_MAX_BYTES = 50 * MB  # XINYE_IMPORT_MAX_BYTES
IMPORT_MAX_UNPACKED_BYTES = 512 * MB  # XINYE_IMPORT_MAX_UNPACKED_BYTES: all entries of an xlsx, unpacked
IMPORT_MAX_ZIP_ENTRIES = 1000  # XINYE_IMPORT_MAX_ZIP_ENTRIES
IMPORT_MAX_ROWS = {  # XINYE_IMPORT_MAX_ROWS, rows per kind of sheet ("default" for any other)
    "enterprises": 100_000,
    "practitioners": 1_000_000,
    "members": 200_000,
    "organisations": 50_000,
    "study": 200_000,
    "default": 200_000,
}

MAX_PHOTOS = 6  # photos in one upload (a visit's 走访留痕); the portal's appeals allow fewer (appeals.rules)

PHOTO_EXTENSIONS = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "webp": "webp"}
DOCUMENT_EXTENSIONS = {
    **PHOTO_EXTENSIONS,
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "doc": "doc",
    "xls": "xls",
    "ofd": "ofd",  # the national e-invoice format (a zip)
}
SHEET_EXTENSIONS = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "xls", "csv": "csv"}

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Office formats (.doc, .xls)


class UploadRefused(Refused):
    """An upload failed a check; the message names the file and the reason, in Chinese."""


class CleanFile(ContentFile):
    """A photo `clean_image` made: checked, re-encoded without metadata, under a random name. A checked field
    (core.fields) stores it as it is instead of checking it a second time; only `clean_image` makes one."""


def setting(name: str, default):
    return getattr(settings, name, default)


def sniff(head: bytes) -> str | None:
    """The kind of a file by its first bytes: jpg, png, webp, pdf, zip, ole — or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    return None


# what the first bytes of each extension must be
_MAGIC_OF = {
    "jpg": "jpg",
    "png": "png",
    "webp": "webp",
    "pdf": "pdf",
    "docx": "zip",
    "xlsx": "zip",
    "ofd": "zip",
    "doc": "ole",
    "xls": "ole",
}


def stored_name(ext: str) -> str:
    """A stored file's name: random, so it says nothing about its record or its person (a name like
    张三身份证.jpg would put personal data in every URL of the file) and cannot be guessed."""
    return f"{secrets.token_urlsafe(18)}.{ext}"


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        pos = file.tell()
        file.seek(0, 2)
        size = file.tell()
        file.seek(pos)
    return size


def _head(file, n: int = 16) -> bytes:
    file.seek(0)
    head = file.read(n)
    file.seek(0)
    return head


def _label(file, default: str) -> str:
    name = Path(str(getattr(file, "name", "") or "")).name
    return f"“{name}”" if name else default


def _suffix(file) -> str:
    return Path(str(getattr(file, "name", "") or "")).suffix.lower().lstrip(".")


def _check_size(file, label: str, max_bytes: int) -> None:
    size = _size(file)
    if size == 0:
        raise UploadRefused(f"文件{label}是空文件")
    if size > max_bytes:
        raise UploadRefused(f"文件{label}超过 {max_bytes / MB:g} MB 的上限，请压缩后再上传")


# --- photos -------------------------------------------------------------------------------------------------


def check_image(file, *, max_bytes: int | None = None, label: str = "照片") -> str:
    """Check one photo: a JPEG, PNG or WebP image (by extension when the name has one, by its bytes, and by
    decoding it) of at most XINYE_UPLOAD_MAX_BYTES and XINYE_IMAGE_MAX_PIXELS. Returns the extension."""
    from PIL import Image, UnidentifiedImageError

    max_bytes = max_bytes or setting("XINYE_UPLOAD_MAX_BYTES", PHOTO_MAX_BYTES)
    shown = _label(file, "")
    _check_size(file, shown or label, max_bytes)
    suffix = _suffix(file)
    kind = sniff(_head(file))
    if kind not in ("jpg", "png", "webp"):
        raise UploadRefused(f"{label}{shown}不是 JPEG、PNG 或 WebP 格式的图片")
    if suffix and suffix not in PHOTO_EXTENSIONS:  # a phone may call a PNG .jpg; never .html or .svg
        raise UploadRefused(f"{label}{shown}的扩展名“.{suffix}”不是图片的扩展名（.jpg、.png、.webp）")
    max_pixels = setting("XINYE_IMAGE_MAX_PIXELS", IMAGE_MAX_PIXELS)
    try:
        with Image.open(file) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise UploadRefused(f"{label}{shown}像素过多（{width}×{height}），上限为 {max_pixels:,} 像素")
            image.verify()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadRefused(f"{label}{shown}已损坏，无法读取") from exc
    finally:
        file.seek(0)
    return kind


def clean_image(file, *, max_bytes: int | None = None, label: str = "照片") -> ContentFile:
    """The photo checked (`check_image`), turned upright and re-encoded in its own format without any
    metadata: no EXIF (GPS position, camera, time), no XMP, no comments. A new file under a random name."""
    from PIL import Image, ImageOps

    kind = check_image(file, max_bytes=max_bytes, label=label)
    shown = _label(file, "")
    try:
        with Image.open(file) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "jpg":
                upright = upright.convert("RGB")
                upright.save(out, "JPEG", quality=88, optimize=True)
            elif kind == "png":
                if upright.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                    upright = upright.convert("RGBA")
                upright.save(out, "PNG", optimize=True)
            else:
                upright.save(out, "WEBP", quality=88)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadRefused(f"{label}{shown}已损坏，无法读取") from exc
    finally:
        file.seek(0)
    return CleanFile(out.getvalue(), name=stored_name(kind))


PHOTO_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def clean_photos(files, *, limit: int = MAX_PHOTOS, label: str = "照片") -> list[CleanFile]:
    """The photos of one upload, all checked and cleaned (`clean_image`) before the caller writes anything,
    so one bad photo stores none: at most `limit` of them (empty entries of a form are skipped). Give the
    results to a PhotoField's `save()`; `content_type` tells a result's MIME type."""
    files = [f for f in (files or ()) if f]
    if len(files) > limit:
        message = gettext("最多上传 %(limit)s 张照片（本次选择了 %(count)s 张）")
        raise UploadRefused(message % {"limit": limit, "count": len(files)})
    return [clean_image(f, label=label) for f in files]


def content_type(cleaned: ContentFile) -> str:
    """The MIME type of a cleaned photo, from the extension `clean_image` named it with."""
    return PHOTO_CONTENT_TYPES[Path(cleaned.name).suffix.lstrip(".")]


# --- documents (receipts, evidence, approvals) --------------------------------------------------------------


def check_document(file, *, max_bytes: int | None = None, label: str = "文件") -> str:
    """Check an attached document: an allowed extension (PDF, OFD, Word, Excel or a photo) whose first bytes
    are that kind of file, of at most XINYE_DOCUMENT_MAX_BYTES. Returns the extension."""
    max_bytes = max_bytes or setting("XINYE_DOCUMENT_MAX_BYTES", DOCUMENT_MAX_BYTES)
    shown = _label(file, "")
    _check_size(file, shown or label, max_bytes)
    suffix = _suffix(file)
    kind = sniff(_head(file))
    if kind in ("jpg", "png", "webp") and not suffix:
        return kind
    ext = DOCUMENT_EXTENSIONS.get(suffix)
    if ext is None:
        allowed = "、".join(sorted({e.upper() for e in DOCUMENT_EXTENSIONS.values()}))
        raise UploadRefused(f"{label}{shown}的类型“.{suffix or '无扩展名'}”不受支持，可上传 {allowed}")
    if ext in ("jpg", "png", "webp") and kind in ("jpg", "png", "webp"):
        return check_image(file, label=label)  # a PNG called .jpg is still a photo (re-encoded as what it is)
    if _MAGIC_OF[ext] != kind:
        raise UploadRefused(f"{label}{shown}的内容不是扩展名所示的 {ext.upper()} 文件")
    return ext


def clean_document(file, *, max_bytes: int | None = None, label: str = "文件") -> ContentFile:
    """The document checked; a photo is re-encoded without its EXIF, anything else stored as it is. Staff
    name their documents (批复, 票据) and see that name in the console, so it is kept, with the extension of
    what the file really is; the file is served only through its record's scope (console.views.media)."""
    ext = check_document(file, max_bytes=max_bytes, label=label)
    stem = Path(str(getattr(file, "name", "") or "")).stem[:80] or "file"
    if ext in ("jpg", "png", "webp"):
        cleaned = clean_image(file, label=label)
        cleaned.name = f"{stem}.{Path(cleaned.name).suffix.lstrip('.')}"
        return cleaned
    file.seek(0)
    data = file.read()
    file.seek(0)
    return ContentFile(data, name=f"{stem}.{ext}")


# --- spreadsheets for imports -------------------------------------------------------------------------------


def row_limit(kind: str) -> int:
    table = {**IMPORT_MAX_ROWS, **(setting("XINYE_IMPORT_MAX_ROWS", None) or {})}
    return int(table.get(kind, table["default"]))


_DOCTYPE = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CHUNK = 1 << 20


def check_sheet(
    path,
    *,
    kind: str = "default",
    max_bytes: int | None = None,
    max_unpacked: int | None = None,
    max_entries: int | None = None,
    max_rows: int | None = None,
    name: str = "",
) -> None:
    """Check a spreadsheet file before any reader opens it: .xlsx/.xlsm/.xls/.csv whose first bytes are that
    kind of file, at most XINYE_IMPORT_MAX_BYTES; an xlsx's entries (XINYE_IMPORT_MAX_ZIP_ENTRIES) and their
    total unpacked size (XINYE_IMPORT_MAX_UNPACKED_BYTES, so a zip bomb is refused from its directory, and
    again while unpacking if the directory lies), no XML entity declarations, and at most the kind's row
    limit (XINYE_IMPORT_MAX_ROWS) on any sheet — counted as a stream that stops at the limit, so a sheet of
    millions of rows is refused after reading only as many as the limit. Memory stays at a few MB."""
    path = Path(str(path))
    shown = f"“{name or path.name}”"
    max_bytes = max_bytes or setting("XINYE_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES)
    max_rows = max_rows or row_limit(kind)
    ext = SHEET_EXTENSIONS.get(path.suffix.lower().lstrip("."))
    if ext is None:
        raise UploadRefused(
            f"文件{shown}的类型“{path.suffix or '无扩展名'}”不受支持，请上传 .xlsx 或 .csv 文件"
        )
    size = path.stat().st_size
    if size == 0:
        raise UploadRefused(f"文件{shown}是空文件")
    if size > max_bytes:
        raise UploadRefused(f"文件{shown}过大（{size / MB:.1f} MB），上限为 {max_bytes / MB:g} MB")
    with open(path, "rb") as fh:
        head = fh.read(8)
    kind_found = sniff(head)
    if ext == "csv":
        if kind_found is not None:
            raise UploadRefused(f"文件{shown}的内容不是 CSV 文本（扩展名与内容不符）")
        _check_csv(path, shown, max_rows)
        return
    if ext == "xls":
        if kind_found != "ole":
            raise UploadRefused(f"文件{shown}的内容不是 .xls 格式（扩展名与内容不符）")
        return  # calamine reads .xls with its own size checks; there is no zip to bomb
    if kind_found != "zip":
        raise UploadRefused(f"文件{shown}的内容不是 .xlsx 格式（扩展名与内容不符），文件可能已损坏")
    _check_xlsx(
        path,
        shown,
        max_unpacked=max_unpacked or setting("XINYE_IMPORT_MAX_UNPACKED_BYTES", IMPORT_MAX_UNPACKED_BYTES),
        max_entries=max_entries or setting("XINYE_IMPORT_MAX_ZIP_ENTRIES", IMPORT_MAX_ZIP_ENTRIES),
        max_rows=max_rows,
    )


def _too_many_rows(shown: str, max_rows: int) -> UploadRefused:
    return UploadRefused(
        f"文件{shown}超过每次导入 {max_rows:,} 行的上限（XINYE_IMPORT_MAX_ROWS），请拆分成多个文件后分批导入"
    )


def _check_csv(path: Path, shown: str, max_rows: int) -> None:
    with open(path, "rb") as fh:
        _check_csv_stream(fh, shown, max_rows)


def _check_csv_stream(fh, shown: str, max_rows: int) -> None:
    lines = 0
    for chunk in iter(lambda: fh.read(_CHUNK), b""):
        if b"\x00" in chunk:
            raise UploadRefused(f"文件{shown}含有二进制内容，不是 CSV 文本")
        lines += chunk.count(b"\n")
        if lines > max_rows + HEADER_ALLOWANCE:
            raise _too_many_rows(shown, max_rows)


def check_csv_upload(
    file, *, kind: str = "default", max_bytes: int | None = None, max_rows: int | None = None
):
    """An uploaded CSV (a file object, before it is read into memory): a .csv name, at most
    XINYE_IMPORT_MAX_BYTES, text (not an Office or image file) and at most the kind's row limit."""
    shown = _label(file, "")
    if _suffix(file) != "csv":
        raise UploadRefused(f"文件{shown}不是 .csv 文件，请上传 CSV（UTF-8 或 GB18030）")
    _check_size(file, shown, max_bytes or setting("XINYE_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES))
    if sniff(_head(file)) is not None:
        raise UploadRefused(f"文件{shown}的内容不是 CSV 文本（扩展名与内容不符）")
    file.seek(0)
    try:
        _check_csv_stream(file, shown, max_rows or row_limit(kind))
    finally:
        file.seek(0)


HEADER_ALLOWANCE = 10  # title and header rows above the data (ledger.imports.read.HEADER_SCAN_ROWS)


def _check_xlsx(path: Path, shown: str, *, max_unpacked: int, max_entries: int, max_rows: int) -> None:
    damaged = UploadRefused(f"文件{shown}已损坏或不是 .xlsx 格式")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise damaged from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > max_entries:
            raise UploadRefused(f"文件{shown}包含 {len(entries):,} 个部件，超过 {max_entries:,} 个的上限")
        declared = sum(info.file_size for info in entries)
        if declared > max_unpacked:
            raise UploadRefused(
                f"文件{shown}解压后达 {declared / MB:,.0f} MB，超过 {max_unpacked / MB:g} MB 的上限"
                "（可能是恶意构造的压缩炸弹）"
            )
        unpacked = 0
        for info in entries:
            if info.is_dir() or not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            is_sheet = info.filename.lower().startswith("xl/worksheets/")
            unpacked = _scan_entry(archive, info, shown, unpacked, max_unpacked, max_rows if is_sheet else 0)


def _scan_entry(archive, info, shown: str, unpacked: int, max_unpacked: int, max_rows: int) -> int:
    """Stream one XML part: refuse a DTD or entity declaration at its start, count a sheet's rows up to the
    limit, and count the bytes actually unpacked (a lying directory cannot hide a bomb). Returns the total."""
    rows = 0
    tail = b""
    first = True
    try:
        with archive.open(info) as part:
            while True:
                chunk = part.read(_CHUNK)
                if not chunk:
                    break
                unpacked += len(chunk)
                if unpacked > max_unpacked:
                    raise UploadRefused(
                        f"文件{shown}解压后超过 {max_unpacked / MB:g} MB 的上限（可能是恶意构造的压缩炸弹）"
                    )
                if first:
                    if _DOCTYPE.search(chunk[:4096]):
                        raise UploadRefused(
                            f"文件{shown}含有 XML 实体声明（DOCTYPE/ENTITY），出于安全原因拒绝读取"
                        )
                    first = False
                if max_rows:
                    window = tail + chunk
                    rows += len(_ROW.findall(window)) - len(_ROW.findall(tail))
                    tail = chunk[-16:]
                    if rows > max_rows + HEADER_ALLOWANCE:
                        raise _too_many_rows(shown, max_rows)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise UploadRefused(f"文件{shown}已损坏或不是 .xlsx 格式") from exc
    return unpacked

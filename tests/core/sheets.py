"""Hostile spreadsheets for the upload checks, built in memory in a second or two."""

import io
import struct
import zipfile
import zlib

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>'
)


def _zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from already deflated entries: (name, deflated data, crc, unpacked size, method)."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size, method in entries:
        raw = name.encode()
        offset = out.tell()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(raw), 0)
        )
        out.write(raw + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0)
    )
    return out.getvalue()


def _deflated(text: bytes) -> tuple[bytes, int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(text) + c.flush(), zlib.crc32(text), len(text)


def _repeated(block: bytes, times: int) -> tuple[bytes, int, int]:
    """`block` repeated `times` times, deflated without compressing it `times` times: after a full flush the
    compressor starts afresh, so every further block deflates to the same bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    data = first + again * (times - 1) + c.flush()
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return data, crc, len(block) * times


def zip_bomb(unpacked_mb: int = 2048) -> bytes:
    """An .xlsx-looking zip of about 2 MB whose one sheet unpacks to `unpacked_mb` MB (2 GB by default)."""
    sheet = _repeated(b" " * (1 << 20), unpacked_mb)
    return _zip(
        [("[Content_Types].xml", *_deflated(CONTENT_TYPES), 8), ("xl/worksheets/sheet1.xml", *sheet, 8)]
    )


def lying_bomb(unpacked_mb: int = 256) -> bytes:
    """A zip bomb whose directory claims its sheet unpacks to 1 KB."""
    data, crc, _size = _repeated(b" " * (1 << 20), unpacked_mb)
    return _zip(
        [
            ("[Content_Types].xml", *_deflated(CONTENT_TYPES), 8),
            ("xl/worksheets/sheet1.xml", data, crc, 1024, 8),
        ]
    )


def many_rows(rows: int) -> bytes:
    """An .xlsx-looking zip whose sheet has `rows` empty rows (24 million rows make a file of a few hundred KB)."""
    head = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>"
    )
    tail = b"</sheetData></worksheet>"
    per_block = 100_000
    block = b"<row/>" * per_block
    times = rows // per_block
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    piece = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    deflated = first + piece + again * (times - 1) + c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(block) * times + len(tail)
    return _zip(
        [
            ("[Content_Types].xml", *_deflated(CONTENT_TYPES), 8),
            ("xl/worksheets/sheet1.xml", deflated, crc, size, 8),
        ]
    )


def with_entity() -> bytes:
    """An xlsx whose sheet declares an entity ("billion laughs" in miniature)."""
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()

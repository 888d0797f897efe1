"""Issue 18 items 8 and 10: every upload checked before parsing or storing — spreadsheets (zip bombs, XML
entities, row limits), photos (decoded, re-encoded without EXIF), documents (extension against bytes)."""

import io
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.core import sheets
from tests.core.images import GPS_IFD, GPS_JPEG, JPEG, PNG
from xinye.core.uploads import UploadRefused, check_csv_upload, check_document, check_sheet, clean_image


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_2_mb_zip_bomb_is_refused_at_once_with_little_memory(tmp_path):
    bomb = _write(tmp_path, "台账.xlsx", sheets.zip_bomb())  # about 2 MB, 2 GB unpacked
    assert bomb.stat().st_size < 3 * 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(UploadRefused, match="解压后.*超过 512 MB 的上限"):
        check_sheet(bomb, kind="practitioners")
    elapsed = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 5 * 1024 * 1024


def test_a_bomb_whose_directory_lies_is_refused_while_unpacking(tmp_path):
    bomb = _write(tmp_path, "b.xlsx", sheets.lying_bomb())  # claims 1 KB, unpacks to 256 MB
    tracemalloc.start()
    with pytest.raises(UploadRefused, match="已损坏"):
        check_sheet(bomb, kind="practitioners")
    assert tracemalloc.get_traced_memory()[1] < 5 * 1024 * 1024
    tracemalloc.stop()


def test_24_million_rows_refused_early_naming_the_limit(tmp_path):
    huge = _write(tmp_path, "rows.xlsx", sheets.many_rows(24_000_000))  # a few hundred KB
    started = time.monotonic()
    with pytest.raises(UploadRefused) as refused:
        check_sheet(huge, kind="enterprises")
    assert "100,000 行的上限" in refused.value.messages[0]
    assert time.monotonic() - started < 5  # it read the limit's worth of rows, not 24 million


def test_row_limit_per_kind_is_a_setting(tmp_path, settings):
    sheet = _write(tmp_path, "s.xlsx", sheets.many_rows(300_000))
    check_sheet(sheet, kind="practitioners")  # 1,000,000 by default
    settings.XINYE_IMPORT_MAX_ROWS = {"practitioners": 200_000}
    with pytest.raises(UploadRefused, match="200,000 行"):
        check_sheet(sheet, kind="practitioners")
    csv = _write(tmp_path, "s.csv", "姓名,公民身份号码\n".encode() + b"a,b\n" * 200_011)
    with pytest.raises(UploadRefused, match="200,000 行"):
        check_sheet(csv, kind="practitioners")


def test_xml_entities_refused_and_openpyxl_uses_defusedxml(tmp_path):
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # its worksheet parser is defusedxml's
    with pytest.raises(UploadRefused, match="XML 实体声明"):
        check_sheet(_write(tmp_path, "e.xlsx", sheets.with_entity()))


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.xlsx", b"not a zip at all", "不是 .xlsx"),
        ("a.csv", PNG, "不是 CSV"),
        ("a.csv", b"a,b\n\x00\x00", "二进制"),
        ("a.exe", b"MZ", "不受支持"),
        ("a.xlsx", b"", "空文件"),
    ],
)
def test_sheets_checked_by_extension_and_bytes(tmp_path, name, data, reason):
    with pytest.raises(UploadRefused, match=reason):
        check_sheet(_write(tmp_path, name, data))


def test_import_refuses_the_bomb_before_a_reader_opens_it(world, tmp_path, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    import xinye.ledger.imports.read as read

    monkeypatch.setattr(read, "_xlsx_rows", lambda path: pytest.fail("the reader was reached"))
    bomb = _write(tmp_path, "bomb.xlsx", sheets.zip_bomb())
    with pytest.raises(CommandError) as exc:
        call_command("import", "practitioners", str(bomb))
    assert exc.value.returncode == 2 and "压缩炸弹" in str(exc.value)


def test_console_import_of_a_bomb_shows_the_reason(client_for, tmp_path, settings):
    settings.XINYE_IMPORT_DIR = str(tmp_path / "jobs")
    settings.XINYE_IMPORT_ASYNC_BYTES = (
        50 * 1024 * 1024
    )  # checked in the request (a larger file: by the worker)
    client = client_for("city_admin")
    bomb = SimpleUploadedFile("bomb.xlsx", sheets.zip_bomb())
    r = client.post("/admin/ledger-io/upload/", {"kind": "practitioners", "file": bomb})
    token = r["Location"].rstrip("/").split("/")[-2]
    b"".join(client.get(r["Location"]).streaming_content)
    assert "压缩炸弹" in client.get(f"/admin/ledger-io/jobs/{token}/").content.decode()


def test_study_csv_upload_refuses_a_spreadsheet_named_csv():
    with pytest.raises(UploadRefused, match="不是 CSV"):
        check_csv_upload(SimpleUploadedFile("study.csv", sheets.with_entity()), kind="study")
    check_csv_upload(SimpleUploadedFile("study.csv", "姓名,学时\n张三,2\n".encode()), kind="study")


def test_photo_re_encoded_without_exif_gps():
    assert Image.open(io.BytesIO(GPS_JPEG)).getexif().get_ifd(GPS_IFD)  # the phone's photo has a position
    cleaned = clean_image(SimpleUploadedFile("IMG_2026.jpg", GPS_JPEG))
    data = cleaned.read()
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert b"Exif" not in data and b"PhoneMaker" not in data
    assert cleaned.name.endswith(".jpg") and "IMG_2026" not in cleaned.name


def test_stored_photo_of_an_appeal_has_no_gps(world):
    from tests.appeals.helpers import key, upload, worker
    from xinye.appeals import services

    appeal = services.submit_appeal(
        worker=worker(),
        category="other",
        text="带定位的照片",
        idempotency_key=key(),
        photos=[upload(GPS_JPEG, "a.jpg")],
    )
    photo = appeal.photos.get()
    with photo.file.open("rb") as fh:
        data = fh.read()
    assert not Image.open(io.BytesIO(data)).getexif()
    assert b"PhoneMaker" not in data


def test_station_photo_through_the_console_form_has_no_gps(world):
    from tests.stations.factories import make_station
    from xinye.stations.models import StationPhoto

    station = make_station(world["units"]["street-kerqin-1-c1"])
    photo = StationPhoto(station=station, image=SimpleUploadedFile("door.jpg", GPS_JPEG))
    photo.full_clean(exclude=["station"])
    photo.save()
    with photo.image.open("rb") as fh:
        assert not Image.open(io.BytesIO(fh.read())).getexif()
    assert "door" not in photo.image.name


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("receipt.pdf", JPEG, "不是扩展名所示的 PDF"),
        ("receipt.html", b"<html>", "不受支持"),
        ("receipt.jpg", b"\xff\xd8\xff" + b"\x00" * 40, "已损坏"),
        ("receipt.svg", b"<svg/>", "不受支持"),
    ],
)
def test_documents_checked_by_extension_and_bytes(name, data, reason):
    with pytest.raises(UploadRefused, match=reason):
        check_document(SimpleUploadedFile(name, data))


def test_documents_accepted():
    assert check_document(SimpleUploadedFile("批复.pdf", b"%PDF-1.7\n...")) == "pdf"
    assert check_document(SimpleUploadedFile("receipt.png", PNG)) == "png"


def test_a_7th_photo_is_refused_and_each_photo_is_checked_once(monkeypatch):
    """clean_photos: at most MAX_PHOTOS (6) by default, named in Chinese; each photo checked and re-encoded
    once, and the field stores what it made without a second pass."""
    from xinye.core import uploads

    photos = [SimpleUploadedFile(f"p{i}.png", PNG) for i in range(7)]
    with pytest.raises(UploadRefused, match="最多上传 6 张照片（本次选择了 7 张）"):
        uploads.clean_photos(photos)
    calls = []
    real = uploads.check_image
    monkeypatch.setattr(uploads, "check_image", lambda f, **kw: calls.append(f) or real(f, **kw))
    cleaned = uploads.clean_photos(photos[:6])
    assert len(cleaned) == 6 and len(calls) == 6
    assert {uploads.content_type(c) for c in cleaned} == {"image/png"}


def test_a_bomb_for_the_worker_is_refused_at_upload_before_it_is_queued(client_for, tmp_path, settings):
    from xinye.jobs.models import Job

    settings.XINYE_IMPORT_DIR = str(tmp_path / "jobs")
    settings.XINYE_IMPORT_ASYNC_BYTES = 1024  # the bomb (about 2 MB) would go to the worker
    client = client_for("city_admin")
    bomb = SimpleUploadedFile("bomb.xlsx", sheets.zip_bomb())
    r = client.post("/admin/ledger-io/upload/", {"kind": "practitioners", "file": bomb}, follow=True)
    page = r.content.decode()
    assert "压缩炸弹" in page and "bomb.xlsx" in page
    assert not Job.objects.exists()  # nothing queued
    assert not any((tmp_path / "jobs").iterdir())  # nor the upload kept

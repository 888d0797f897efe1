"""A console list export above XINYE_EXPORT_SYNC_ROWS rows is built as a background job: the user is sent to
the job's page, the worker builds the same file the request would have (same filters, search, scope,
columns, masking), the export is logged the same way, and only its starter downloads it. Below the threshold
nothing changes."""

import io

import openpyxl

from tests.jobs.helpers import run_worker
from tests.ledger.factories import make_enterprise, make_practitioner
from xinye.audit.models import ChangeLog
from xinye.jobs.models import Job

LIST = "/admin/ledger/enterprise/export/"


def _rows(data: bytes):
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    # the title, then (row 2: who and when — the time differs) the header row and the rows
    return [rows[0], *rows[2:]]


def _job_file(client, response) -> bytes:
    assert response.status_code == 302, response.content[:300]
    job = Job.objects.latest("pk")
    assert response["Location"] == f"/admin/jobs/{job.token.hex}/"
    run_worker()
    job.refresh_from_db()
    assert job.state == "done", job.error
    download = client.get(f"/admin/jobs/{job.token.hex}/download/")
    assert download.status_code == 200
    return b"".join(download.streaming_content)


def _world(world):
    kerqin, naiman = world["units"]["djb-kerqin-delivery"], world["units"]["djb-naiman-delivery"]
    for i in range(4):
        make_enterprise(kerqin, name=f"异步导出企业{i}")
    make_enterprise(kerqin, name="=HYPERLINK(异步导出公式)")
    make_enterprise(naiman, name="异步导出企业外地")  # outside Kerqin's scope


def test_the_job_builds_the_same_file_as_the_request(client_for, world, settings):
    _world(world)
    client = client_for("kerqin_admin")
    query = {"q": "异步导出", "o": "1"}
    sync = client.get(LIST, query)
    assert sync.status_code == 200 and sync["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()  # below the threshold: in the request, as before
    expected = _rows(sync.content)
    assert len(expected) == 2 + 5 and "异步导出企业外地" not in repr(expected)

    settings.XINYE_EXPORT_SYNC_ROWS = 3
    exports = ChangeLog.objects.filter(action="export").count()
    started = client.get(LIST, query)
    page = client.get(started["Location"]).content.decode()
    assert "导出列表：企业" in page or "导出列表" in page
    assert ChangeLog.objects.filter(action="export").count() == exports  # nothing exported yet
    data = _job_file(client, started)
    assert _rows(data) == expected
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cell = next(
        c for row in ws.iter_rows(min_row=4) for c in row if c.value and "异步导出公式" in str(c.value)
    )
    assert cell.data_type == "s" and cell.quotePrefix
    job = Job.objects.get()
    assert job.result_name.endswith(".xlsx") and job.summary == "5 条" and job.done == 5
    log = ChangeLog.objects.filter(action="export").latest("pk")
    assert log.username == "kerqin_admin" and "5 条" in log.note and "q=" in log.note
    # the file is its starter's only
    other = client_for("city_admin")
    assert other.get(f"/admin/jobs/{job.token.hex}/download/").status_code == 404


def test_masking_is_kept_in_the_job(client_for, world, settings):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="异步脱敏企业")
    people = [make_practitioner(ent, phone=f"1390475{i:04d}") for i in range(3)]
    client = client_for("kerqin_admin")
    expected = _rows(
        client.get("/admin/ledger/practitioner/export/", {"enterprise__id__exact": ent.pk}).content
    )
    settings.XINYE_EXPORT_SYNC_ROWS = 1
    started = client.get("/admin/ledger/practitioner/export/", {"enterprise__id__exact": ent.pk})
    data = _job_file(client, started)
    assert _rows(data) == expected and len(expected) == 2 + 3
    text = repr(_rows(data))
    for person in people:
        assert person.phone not in text and (not person.id_number or person.id_number not in text)


def test_a_starter_who_lost_the_right_gets_a_failed_job_and_no_file(client_for, world, settings):
    _world(world)
    settings.XINYE_EXPORT_SYNC_ROWS = 1
    client = client_for("kerqin_admin")
    started = client.get(LIST, {"q": "异步导出"})
    assert started.status_code == 302
    user = world["users"]["kerqin_admin"]
    user.role_assignments.all().delete()
    run_worker()
    job = Job.objects.get()
    assert job.state == "failed" and "无权导出" in job.error and not job.result


def test_a_search_kept_out_of_the_url_is_exported_by_the_job_too(client_for, world, settings):
    """The console's search keeps its term in the session under a token (console.search); the job has no
    session, so the term travels with the job itself: the same rows as in the request, and the export's log
    line masks a phone."""
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="令牌导出企业")
    person = make_practitioner(ent, phone="13904751234")
    make_practitioner(ent, phone="13904755678")
    client = client_for("kerqin_admin")
    found = client.post(
        "/admin/search/", {"q": person.phone, "list": "/admin/ledger/practitioner/", "params": ""}
    )
    assert found.status_code == 303 and person.phone not in found["Location"]
    query = found["Location"].split("?", 1)[1]
    expected = _rows(client.get(f"/admin/ledger/practitioner/export/?{query}").content)
    assert len(expected) == 2 + 1  # the title, the header and the one person searched for
    settings.XINYE_EXPORT_SYNC_ROWS = 0
    data = _job_file(client, client.get(f"/admin/ledger/practitioner/export/?{query}"))
    assert _rows(data) == expected
    log = ChangeLog.objects.filter(action="export").latest("pk")
    assert person.phone not in log.note and "1 条" in log.note

"""A survey sheet above XINYE_IMPORT_ASYNC_BYTES is previewed and written by the worker, with rows done of
the file's rows; the wizard's result page, confirm and commit work as for a small file (all rows or none)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.jobs.helpers import run_worker
from tests.ledger.factories import make_enterprise, make_id
from tests.ledger.io_helpers import PRACTITIONER_HEADERS, person, xlsx
from xinye.jobs import services
from xinye.jobs.models import Job
from xinye.ledger.models import ImportBatch, Practitioner


def _upload(client, path):
    r = client.post(
        "/admin/ledger-io/upload/",
        {"kind": "practitioners", "file": SimpleUploadedFile(path.name, path.read_bytes())},
    )
    assert r.status_code == 302
    return r["Location"].rstrip("/").split("/")[-2]


def test_a_large_sheet_is_checked_and_written_by_the_worker_with_progress(
    world, client_for, tmp_path, settings, monkeypatch
):
    settings.XINYE_IMPORT_DIR = str(tmp_path / "uploads")
    settings.XINYE_IMPORT_ASYNC_BYTES = 1000  # the test sheet (about 5 kB) counts as large
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区骑手站")
    days = [datetime.date(1990, 1, 1) + datetime.timedelta(days=i // 400) for i in range(1200)]
    rows = [person(f"骑手{i}", make_id(birth=day), ent.name) for i, day in enumerate(days)]
    path = xlsx(tmp_path / "big.xlsx", PRACTITIONER_HEADERS, rows)
    client = client_for("kerqin_admin")
    token = _upload(client, path)

    # the preview is not run in the request: the run opens the job's page
    run = client.get(f"/admin/ledger-io/jobs/{token}/run/")
    job = Job.objects.get()
    assert run.status_code == 302 and run["Location"] == f"/admin/jobs/{job.token.hex}/"
    assert job.kind == "ledger.import" and "预检" in job.title and job.state == "pending"
    # opening the run again does not queue it twice
    assert client.get(f"/admin/ledger-io/jobs/{token}/run/")["Location"] == run["Location"]
    assert Job.objects.count() == 1

    seen = []  # what the job's page would read while the worker runs
    report = services.report_progress

    def watching(j, done, total=None, step="", *, actor):
        report(j, done, total, step, actor=actor)
        figures = services.live_progress(Job.objects.get(pk=j.pk))
        seen.append((figures["done"], figures["total"], figures["step"]))

    monkeypatch.setattr(services, "report_progress", watching)
    run_worker()
    job.refresh_from_db()
    assert job.state == "done" and job.result_url == f"/admin/ledger-io/jobs/{token}/"
    assert (job.done, job.total) == (1200, 1200)
    # while it ran: rows done of the file's rows (an estimate read before the run: about 1,200)
    estimate = seen[0][1]
    assert seen[0] == (0, estimate, "预检") and 1200 <= estimate <= 1201
    assert seen[-1] == (1200, estimate, "预检")
    assert any(0 < done < 1200 for done, _t, _s in seen)  # progress in between, not only at the ends
    status = client.get(f"/admin/jobs/{job.token.hex}/status/").json()
    assert status["finished"] and status["result_url"] == job.result_url
    result = client.get(job.result_url).content.decode()
    assert 'id="count-create">1200<' in result and "确认写入" in result
    assert not Practitioner.objects.filter(enterprise=ent).exists()

    # the commit, also in the background, writes every row in one go
    seen.clear()
    commit = client.post(f"/admin/ledger-io/jobs/{token}/run/")
    writing = Job.objects.exclude(pk=job.pk).get()
    assert commit["Location"] == f"/admin/jobs/{writing.token.hex}/" and "写入" in writing.title
    run_worker()
    writing.refresh_from_db()
    assert writing.state == "done" and "写入" in writing.summary
    assert seen and all(step == "写入" for *_x, step in seen)
    assert Practitioner.objects.filter(enterprise=ent).count() == 1200
    assert ImportBatch.objects.get(file_name="big.xlsx").user.username == "kerqin_admin"
    assert "已全部写入" in client.get(job.result_url).content.decode()


def test_a_sheet_with_errors_writes_nothing_and_a_small_sheet_stays_in_the_request(
    world, client_for, tmp_path, settings
):
    settings.XINYE_IMPORT_DIR = str(tmp_path / "uploads")
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区骑手站")
    client = client_for("kerqin_admin")
    small = _upload(
        client, xlsx(tmp_path / "s.xlsx", PRACTITIONER_HEADERS, [person("王一", make_id(), ent.name)])
    )
    run = client.get(f"/admin/ledger-io/jobs/{small}/run/")
    assert run.status_code == 200 and "已处理" in b"".join(run.streaming_content).decode()
    assert not Job.objects.exists()

    settings.XINYE_IMPORT_ASYNC_BYTES = 0
    rows = [person("王二", make_id(), ent.name), person("王三", "110101199001011235", ent.name)]
    token = _upload(client, xlsx(tmp_path / "bad.xlsx", PRACTITIONER_HEADERS, rows))
    client.get(f"/admin/ledger-io/jobs/{token}/run/")
    run_worker()
    job = Job.objects.get()
    assert job.state == "done" and "错误" in client.get(job.result_url).content.decode()
    # with errors there is nothing to confirm: a commit is refused before any job starts
    assert client.post(f"/admin/ledger-io/jobs/{token}/run/").status_code == 403
    assert Job.objects.count() == 1 and not Practitioner.objects.filter(enterprise=ent).exists()

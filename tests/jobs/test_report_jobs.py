"""The console's reports as background jobs: start one, see it queued, run the worker, see it done, download
the file (only its starter may), open it; a refused scope starts nothing."""

import io

import openpyxl
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.jobs.helpers import run_worker
from xinye.audit.models import ChangeLog
from xinye.jobs.models import Job


def _period() -> str:
    return f"{timezone.localdate():%Y-%m}"


def test_the_workbook_is_built_by_the_worker_and_downloaded_by_its_starter(world, client_for):
    client = client_for("kerqin_admin")
    exports = ChangeLog.objects.filter(action="export").count()
    started = client.post(
        "/admin/reports/statistics.xlsx", {"period": _period(), "scope": "djb-kerqin-delivery"}
    )
    assert started.status_code == 302
    job = Job.objects.get()
    assert started["Location"] == f"/admin/jobs/{job.token.hex}/"
    assert job.user.username == "kerqin_admin" and job.scope_name == "科尔沁区外卖骑手行业党建办"
    # queued: nothing built yet, the page says so
    page = client.get(started["Location"]).content.decode()
    assert "排队中" in page and "job-download" not in page
    assert ChangeLog.objects.filter(action="export").count() == exports
    assert DBTaskResult.objects.filter(pk=job.task_id, status="READY").exists()

    run_worker()

    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total and job.total > 1
    status = client.get(f"/admin/jobs/{job.token.hex}/status/").json()
    assert status["state"] == "done" and status["percent"] == 100
    page = client.get(f"/admin/jobs/{job.token.hex}/").content.decode()
    assert "已完成" in page and status["download"] in page
    response = client.get(status["download"])
    assert response.status_code == 200
    assert (
        "科尔沁区外卖骑手行业党建办统计报表" in response["Content-Disposition"]
        or "attachment" in response["Content-Disposition"]
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "科尔沁区外卖骑手行业党建办" in book.worksheets[0]["A1"].value
    # built as its starter, and logged as the export it is
    entry = ChangeLog.objects.filter(action="export").latest("pk")
    assert entry.username == "kerqin_admin" and "统计报表" in entry.note
    # 我的任务 lists it with its download
    listing = client.get("/admin/jobs/").content.decode()
    assert job.title in listing and status["download"] in listing
    # no one else reaches the job, its file or its state — not even the city's administrator
    other = client_for("city_admin")
    for url in (f"/admin/jobs/{job.token.hex}/", status["download"], f"/admin/jobs/{job.token.hex}/status/"):
        assert other.get(url).status_code == 404
    assert job.title not in other.get("/admin/jobs/").content.decode()
    # nor through the media URL: the file is private
    assert client.get(job.result.url).status_code == 404


def test_the_briefing_job_gives_a_word_file(world, client_for):
    from docx import Document

    client = client_for("city_admin")
    client.post("/admin/reports/briefing.docx", {"period": _period(), "scope": ""})
    run_worker()
    job = Job.objects.get()
    assert job.state == "done" and job.result_name.endswith(".docx")
    response = client.get(f"/admin/jobs/{job.token.hex}/download/")
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert doc.paragraphs[0].text == "新业态新就业群体党建工作简报"
    assert any("全市共有新业态企业" in p.text for p in doc.paragraphs)


def test_a_scope_outside_the_users_is_refused_on_the_form_and_starts_nothing(world, client_for):
    client = client_for("kerqin_admin")
    refused = client.post(
        "/admin/reports/briefing.docx", {"period": _period(), "scope": "lxgw-naiman"}, follow=True
    )
    assert "未知的单位编码" in refused.content.decode()
    bad_period = client.post("/admin/reports/briefing.docx", {"period": "2026-13"}, follow=True)
    assert "统计期“2026-13”无效" in bad_period.content.decode()
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def test_a_job_whose_scope_was_lost_meanwhile_fails_with_a_reason(world, client_for):
    client = client_for("kerqin_admin")
    client.post("/admin/reports/statistics.xlsx", {"period": _period(), "scope": "djb-kerqin-delivery"})
    job = Job.objects.get()
    job.params["scope"] = "lxgw-naiman"  # as if the unit had moved out of the starter's scope
    job.save()
    run_worker()
    job.refresh_from_db()
    assert job.state == "failed" and "未知的单位编码" in job.error and not job.result
    page = client.get(f"/admin/jobs/{job.token.hex}/").content.decode()
    assert "失败" in page and "未知的单位编码" in page


def test_a_get_starts_nothing_and_returns_to_the_form(world, client_for):
    client = client_for("kerqin_admin")
    r = client.get("/admin/reports/statistics.xlsx", {"period": _period(), "scope": "lxgw-kerqin"})
    assert r.status_code == 302 and r["Location"].startswith("/admin/reports/?")
    assert not Job.objects.exists()

"""我的任务 over the API: a report started from the API answers 202 with its job, the job's state and
progress follow the worker, the file is downloaded by its starter only and only when done; anyone else —
whatever their roles — gets 404, as in the console."""

import io

import openpyxl
from django.utils import timezone

from tests.jobs.helpers import run_worker
from xinye.audit.models import ChangeLog
from xinye.jobs.models import Job


def _period() -> str:
    return f"{timezone.localdate():%Y-%m}"


def _start(client, what="statistics", **data):
    return client.post(f"/api/v1/reports/{what}", data, content_type="application/json")


def test_a_report_started_from_the_api_is_followed_and_downloaded_by_its_starter(api_client, world):
    client = api_client("kerqin_admin")
    started = _start(client, period=_period(), scope="djb-kerqin-delivery")
    assert started.status_code == 202, started.content
    body = started.json()
    job = Job.objects.get()
    assert body["url"] == f"/api/v1/jobs/{job.token.hex}" and body["job"]["state"] == "pending"
    assert body["job"]["download"] is None and body["job"]["page"] == f"/admin/jobs/{job.token.hex}/"
    assert job.user.username == "kerqin_admin" and job.params["channel"] == "api"
    # queued: the file is not there yet
    assert client.get(f"{body['url']}/download").status_code == 404

    run_worker()

    detail = client.get(body["url"]).json()
    assert detail["state"] == "done" and detail["percent"] == 100 and detail["finished_at"]
    assert detail["done"] == detail["total"] > 1 and detail["unit_label"] == "张表"
    assert detail["result_name"].startswith("科尔沁区外卖骑手行业党建办统计报表")
    response = client.get(detail["download"])
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "科尔沁区外卖骑手行业党建办" in book.worksheets[0]["A1"].value
    entry = ChangeLog.objects.filter(action="export").latest("pk")
    assert entry.username == "kerqin_admin" and entry.source == "api"
    # the list holds the caller's own jobs, paged like every list
    listing = client.get("/api/v1/jobs", {"limit": 10}).json()
    assert listing["count"] == 1 and listing["items"][0]["token"] == job.token.hex
    assert client.get("/api/v1/jobs", {"state": "failed"}).json()["count"] == 0
    # no one else reaches it — not even the city's administrator
    other = api_client("city_admin")
    assert other.get("/api/v1/jobs").json()["count"] == 0
    for url in (body["url"], detail["download"]):
        r = other.get(url)
        assert r.status_code == 404 and r.json()["detail"] == "对象不存在或不在您的管辖范围内"


def test_the_briefing_job_and_a_failed_job_has_no_file(api_client, world):
    client = api_client("city_admin")
    assert _start(client, "briefing").status_code == 202  # this month, the whole scope
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(state="failed", error="测试失败")
    detail = client.get(f"/api/v1/jobs/{job.token.hex}").json()
    assert detail["state"] == "failed" and detail["error"] == "测试失败" and detail["download"] is None
    assert client.get(f"/api/v1/jobs/{job.token.hex}/download").status_code == 404


def test_a_bad_period_or_scope_is_a_chinese_422_and_starts_nothing(api_client, world):
    client = api_client("kerqin_admin")
    r = _start(client, period="2026-13")
    assert r.status_code == 422 and "统计期" in r.json()["detail"]
    r = _start(client, scope="djb-naiman-delivery")  # outside Kerqin
    assert r.status_code == 422 and "范围" in r.json()["detail"]
    assert not Job.objects.exists()


def test_without_the_export_right_or_signed_in_nothing_starts(api_client, client, world):
    r = _start(api_client("instructor"))
    assert r.status_code == 403 and r.json()["detail"] == "无权执行此操作"
    assert _start(client).status_code == 401
    assert client.get("/api/v1/jobs").status_code == 401
    assert not Job.objects.exists()


def test_a_malformed_token_is_404(api_client, world):
    client = api_client("kerqin_admin")
    assert client.get("/api/v1/jobs/not-a-token").status_code == 404
    assert client.get("/api/v1/jobs/not-a-token/download").status_code == 404

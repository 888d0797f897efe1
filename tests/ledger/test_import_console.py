"""The console wizard: upload → preview with progress → errors and report → confirm → commit; exports."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.ledger.factories import make_enterprise, make_id, make_practitioner
from tests.ledger.io_helpers import PRACTITIONER_HEADERS, person, xlsx
from xinye.audit.models import ChangeLog
from xinye.ledger.models import ImportBatch, Practitioner


def _follow_run(client, response):
    """The upload redirects to the streamed run page; read it to the end, then open the result page."""
    assert response.status_code == 302
    run = client.get(response["Location"])
    body = b"".join(run.streaming_content).decode()
    assert "已处理" in body and "查看结果" in body
    return run, body


def test_upload_preview_confirm_commit(world, client_for, tmp_path, settings):
    settings.XINYE_IMPORT_DIR = str(tmp_path / "jobs")
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区骑手站")
    path = xlsx(tmp_path / "p.xlsx", PRACTITIONER_HEADERS, [person("王小明", make_id(), ent.name)])
    client = client_for("kerqin_admin")
    page = client.get("/admin/ledger-io/")
    assert page.status_code == 200 and "上传并预检" in page.content.decode()
    r = client.post(
        "/admin/ledger-io/upload/",
        {"kind": "practitioners", "file": SimpleUploadedFile("p.xlsx", path.read_bytes())},
    )
    run, body = _follow_run(client, r)
    token = r["Location"].rstrip("/").split("/")[-2]
    result = client.get(f"/admin/ledger-io/jobs/{token}/").content.decode()
    assert 'id="count-create">1<' in result and "确认写入" in result
    assert not Practitioner.objects.filter(enterprise=ent).exists()
    commit = client.post(f"/admin/ledger-io/jobs/{token}/run/")
    b"".join(commit.streaming_content)
    result = client.get(f"/admin/ledger-io/jobs/{token}/").content.decode()
    assert "已全部写入" in result
    assert Practitioner.objects.filter(enterprise=ent).count() == 1
    batch = ImportBatch.objects.get(file_name="p.xlsx")
    assert batch.user.username == "kerqin_admin"
    log = ChangeLog.objects.filter(action="create", content_type__model="practitioner").latest("pk")
    assert log.username == "kerqin_admin"
    # someone else cannot see or commit the job
    other = client_for("city_admin")
    assert other.get(f"/admin/ledger-io/jobs/{token}/").status_code == 404


def test_errors_listed_and_report_downloaded(world, client_for, tmp_path, settings):
    settings.XINYE_IMPORT_DIR = str(tmp_path / "jobs")
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区骑手站")
    bad = make_id()
    bad = bad[:-1] + ("1" if bad[-1] != "1" else "2")
    path = xlsx(
        tmp_path / "bad.xlsx",
        PRACTITIONER_HEADERS,
        [person("王小明", make_id(), ent.name), person("赵六", bad, ent.name)],
    )
    client = client_for("kerqin_admin")
    r = client.post(
        "/admin/ledger-io/upload/",
        {"kind": "practitioners", "file": SimpleUploadedFile("bad.xlsx", path.read_bytes())},
    )
    _follow_run(client, r)
    token = r["Location"].rstrip("/").split("/")[-2]
    page = client.get(f"/admin/ledger-io/jobs/{token}/").content.decode()
    assert "第 3 行" in page and "公民身份号码" in page and "校验位错误" in page
    assert bad not in page and bad[:6] + "********" in page
    assert "确认写入" not in page
    # confirming anyway is refused
    assert client.post(f"/admin/ledger-io/jobs/{token}/run/").status_code == 403
    report = client.get(f"/admin/ledger-io/jobs/{token}/report/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert sheet.cell(1, 9).value == "错误说明" and "校验位错误" in sheet.cell(3, 9).value
    assert sheet.cell(2, 9).value is None


def test_upload_checks_extension_and_size(world, client_for, tmp_path, settings):
    settings.XINYE_IMPORT_DIR = str(tmp_path / "jobs")
    client = client_for("kerqin_admin")
    r = client.post(
        "/admin/ledger-io/upload/",
        {"kind": "practitioners", "file": SimpleUploadedFile("x.exe", b"MZ")},
        follow=True,
    )
    assert "只接受" in r.content.decode()
    settings.XINYE_IMPORT_MAX_BYTES = 5
    r = client.post(
        "/admin/ledger-io/upload/",
        {"kind": "practitioners", "file": SimpleUploadedFile("x.csv", b"a,b,c,d,e,f")},
        follow=True,
    )
    assert "文件过大" in r.content.decode()
    # a role without import may not upload
    r = client_for("transport_dept").post(
        "/admin/ledger-io/upload/", {"kind": "practitioners", "file": SimpleUploadedFile("x.csv", b"a")}
    )
    assert r.status_code == 404


def test_console_exports_and_template(world, client_for):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区骑手站")
    p = make_practitioner(ent, name="王小明")
    client = client_for("kerqin_admin")
    r = client.get("/admin/ledger-io/export/practitioners/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert "*" in sheet.cell(3, 2).value
    r = client.post("/admin/ledger-io/export/practitioners/", {"unmasked": "1", "reason": ""}, follow=True)
    assert "理由" in r.content.decode()
    r = client.post("/admin/ledger-io/export/practitioners/", {"unmasked": "1", "reason": "年度核对"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert sheet.cell(3, 2).value == p.id_number
    assert "年度核对" in ChangeLog.objects.filter(action="export").latest("pk").note
    r = client.get("/admin/ledger-io/template/organisations/")
    assert openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active["A2"].value == "组织名称"

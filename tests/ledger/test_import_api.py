"""Import, export and template endpoints: counts and Chinese errors, scope, size limit, masking rules."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.ledger.factories import make_enterprise, make_id, make_practitioner
from tests.ledger.io_helpers import PRACTITIONER_HEADERS, person, xlsx
from xinye.audit.models import ChangeLog
from xinye.ledger.models import Practitioner


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_import_preview_then_commit(world, api_client, tmp_path):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区骑手站")
    path = xlsx(tmp_path / "p.xlsx", PRACTITIONER_HEADERS, [person("王小明", make_id(), ent.name)])
    client = api_client("kerqin_admin")
    r = client.post("/api/v1/imports/practitioners", {"file": upload(path)})
    assert r.status_code == 200
    body = r.json()
    assert (body["create"], body["error"], body["committed"]) == (1, 0, False)
    assert not Practitioner.objects.filter(enterprise=ent).exists()
    r = client.post("/api/v1/imports/practitioners", {"file": upload(path), "commit": "true"})
    assert r.status_code == 200 and r.json()["committed"] is True
    assert Practitioner.objects.filter(enterprise=ent).count() == 1
    r = client.post("/api/v1/imports/practitioners", {"file": upload(path), "commit": "true"})
    assert r.json()["already_imported"] is True and "未做任何更改" in r.json()["summary"]


def test_import_errors_and_refusals(world, api_client, tmp_path, settings):
    kailu = make_enterprise(world["units"]["djb-kailu-delivery"], name="开鲁县骑手站")
    path = xlsx(tmp_path / "p.xlsx", PRACTITIONER_HEADERS, [person("开鲁人", make_id(), kailu.name)])
    client = api_client("kerqin_admin")
    r = client.post("/api/v1/imports/practitioners", {"file": upload(path), "commit": "true"})
    assert r.status_code == 422
    error = r.json()["errors"][0]
    assert error["row"] == 2 and error["column"] == "所在企业" and "不在您的导入范围内" in error["reason"]
    assert not Practitioner.objects.filter(enterprise=kailu).exists()
    # a role without the import action
    r = api_client("transport_dept").post("/api/v1/imports/practitioners", {"file": upload(path)})
    assert r.status_code == 403
    # extension, size limit, unknown kind
    bad = SimpleUploadedFile("notes.txt", b"hello")
    assert client.post("/api/v1/imports/practitioners", {"file": bad}).status_code == 400
    settings.XINYE_IMPORT_MAX_BYTES = 10
    r = client.post("/api/v1/imports/practitioners", {"file": upload(path)})
    assert r.status_code == 413 and "上限" in r.json()["detail"]
    assert client.post("/api/v1/imports/staff", {"file": upload(path)}).status_code == 404


def test_export_masked_unmasked_and_template(world, api_client):
    ent = make_enterprise(world["units"]["djb-kerqin-delivery"], name="科尔沁区骑手站")
    p = make_practitioner(ent, name="王小明")
    client = api_client("kerqin_admin")
    r = client.get("/api/v1/exports/practitioners")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert sheet.cell(3, 1).value == "王小明" and "*" in sheet.cell(3, 2).value
    r = client.get("/api/v1/exports/practitioners?unmasked=true")
    assert r.status_code == 422 and "理由" in r.json()["detail"]
    r = client.get("/api/v1/exports/practitioners?unmasked=true&reason=核对")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert sheet.cell(3, 2).value == p.id_number
    log = ChangeLog.objects.filter(action="export").latest("pk")
    assert log.username == "kerqin_admin" and "核对" in log.note
    dept = api_client("transport_dept")
    assert dept.get("/api/v1/exports/practitioners").status_code == 403
    assert dept.get("/api/v1/exports/enterprises?unmasked=true&reason=x").status_code == 422  # Refused
    r = client.get("/api/v1/templates/members")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert [c.value for c in sheet[2]][:2] == ["姓名", "公民身份号码"]

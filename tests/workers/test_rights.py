"""The worker's rights (PIPL art. 44–47) end to end: seeing and downloading everything held about them (and
nothing of anyone else's), a correction request reaching the holding unit's queue with its 15-working-day
deadline and the answer reaching the worker, and consent withdrawal stopping what the page says it stops."""

import datetime
import json
import re
import uuid

import pytest
from django.utils import timezone

from tests.portal.helpers import sign_in
from xinye.appeals.models import Appeal
from xinye.audit.models import ChangeLog
from xinye.core import workdays
from xinye.core.crypto import keyed_hash
from xinye.portal import services as portal_services
from xinye.portal.models import SmsCode
from xinye.portal.sms import OUTBOX
from xinye.workers.choices import RightsKind, RightsStatus
from xinye.workers.models import NoticeKind, RightsRequest, Worker

PHONE = "13904751001"
OTHER = "13904751002"


@pytest.fixture(autouse=True)
def _clean_outbox():
    OUTBOX.clear()


def _register(client, world, phone, name, community="street-kerqin-1-c1", **extra):
    sign_in(client, phone)
    data = {"name": name, "community": world["units"][community].pk, **extra}
    assert client.post("/m/register/", data).status_code == 302
    return Worker.objects.get(phone_hash=keyed_hash(phone))


def _appeal(client, text):
    key = re.search(r'name="key" value="([0-9a-f-]{36})"', client.get("/m/appeal/").content.decode()).group(1)
    client.post("/m/appeal/", {"key": key, "category": "wages", "text": text})


def test_a_worker_downloads_all_their_data_and_only_theirs(client, world, django_user_model):
    from django.test import Client

    other_client = Client()
    _register(other_client, world, OTHER, "骑手老李")
    _appeal(other_client, "老李的工资被扣了三百元")
    worker = _register(client, world, PHONE, "骑手小王", volunteer="on", volunteer_skills="急救")
    _appeal(client, "小王的保险没有缴纳")

    page = client.get("/m/my/data/all/")
    html = page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert PHONE in html  # unmasked for the worker themself
    assert "小王的保险没有缴纳" in html and "急救" in html
    assert "老李" not in html and OTHER not in html

    response = client.get("/m/my/data/download/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["个人信息"]["手机号"] == PHONE and data["个人信息"]["姓名"] == "骑手小王"
    assert [a["诉求内容"] for a in data["诉求"]] == ["小王的保险没有缴纳"]
    assert data["志愿者登记"]["特长"] == "急救"
    assert {c["类型"] for c in data["同意记录"]} == {"个人信息保护政策"}
    assert "老李" not in response.content.decode()

    # logged, and recorded as done in the queue of the community that holds the worker's record
    assert ChangeLog.objects.filter(
        action="export", object_id=str(worker.pk), note__contains="本人下载"
    ).exists()
    access = RightsRequest.objects.get(worker=worker, kind=RightsKind.ACCESS)
    assert access.status == RightsStatus.DONE and access.unit.code == "street-kerqin-1-c1"


def test_the_data_pages_need_a_signed_in_worker(client, db):
    for url in ("/m/my/data/all/", "/m/my/data/download/", "/m/my/data/correct/", "/m/my/data/withdraw/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/m/login/")


def test_a_correction_reaches_the_holding_unit_and_its_answer_the_worker(client, client_for, world):
    worker = _register(client, world, PHONE, "骑手小王")
    _appeal(client, "小王的保险没有缴纳")
    appeal = Appeal.objects.get(worker=worker)
    records = dict((key, label) for key, label, _unit in portal_services.correction_records(worker))
    assert f"appeal:{appeal.pk}" in records

    # bad input: a clear message naming the field, nothing written
    response = client.post("/m/my/data/correct/", {"record": "worker", "wrong": "", "should_be": "王小明"})
    assert "请填写“哪里有误”" in response.content.decode()
    assert not RightsRequest.objects.filter(kind=RightsKind.CORRECTION).exists()
    response = client.post("/m/my/data/correct/", {"record": "appeal:999999", "wrong": "x", "should_be": "y"})
    assert response.status_code == 200 and not RightsRequest.objects.exists()

    response = client.post(
        "/m/my/data/correct/",
        {"record": f"appeal:{appeal.pk}", "wrong": "诉求里写的金额不对", "should_be": "应为 6000 元"},
    )
    assert response.status_code == 302
    request = RightsRequest.objects.get(kind=RightsKind.CORRECTION)
    assert request.unit == appeal.unit and request.status == RightsStatus.OPEN
    created = workdays.local_date(request.created_at)
    assert workdays.local_date(request.due_at) == workdays.add_workdays(created, 15)
    assert "待办理" in client.get("/m/my/data/").content.decode()

    # the community's queue lists it; another community's does not
    staff = client_for("community_admin")
    queue = staff.get("/admin/workers/rightsrequest/").content.decode()
    assert f"诉求 {appeal.number}" in queue
    assert f"/admin/workers/rightsrequest/{request.pk}/change/" in queue
    assert (
        client_for("city_admin").get(f"/admin/workers/rightsrequest/{request.pk}/change/").status_code == 200
    )

    url = f"/admin/workers/rightsrequest/{request.pk}/change/"
    refused = staff.post(url, {"answer": "已核实并改正金额"})  # no decision: refused with a message
    assert refused.status_code == 200 and "请选择办理结果" in refused.content.decode()
    assert staff.post(url, {"decision": "done", "answer": "已核实并改正金额"}).status_code == 302
    request.refresh_from_db()
    assert request.status == RightsStatus.DONE and request.handled_by.username == "community_admin"

    mine = client.get("/m/my/data/").content.decode()
    assert "已办结" in mine and "已核实并改正金额" in mine
    # a handled request is no longer editable
    assert staff.post(url, {"decision": "refused", "answer": "改主意"}).status_code in (302, 403)
    request.refresh_from_db()
    assert request.status == RightsStatus.DONE


def test_the_queue_is_scoped_and_highlights_overdue_requests(client_for, world):
    from tests.workers.matrix_types import _rights_request

    mine = _rights_request(world["units"]["street-kerqin-1-c1"], world)
    theirs = _rights_request(world["units"]["street-kerqin-2-c1"], world)
    RightsRequest.objects.filter(pk=mine.pk).update(due_at=timezone.now() - datetime.timedelta(days=1))
    html = client_for("community_admin").get("/admin/workers/rightsrequest/").content.decode()
    assert f"/rightsrequest/{mine.pk}/change/" in html and "已逾期" in html
    assert f"/rightsrequest/{theirs.pk}/change/" not in html
    assert (
        client_for("community_admin").get(f"/admin/workers/rightsrequest/{theirs.pk}/change/").status_code
        == 404
    )


def test_withdrawing_the_general_consent_stops_what_it_says(client, world):
    from xinye.volunteers.models import VolunteerActivity, VolunteerProfile, VolunteerSignup
    from xinye.volunteers.services import sign_up

    worker = _register(client, world, PHONE, "骑手小王", volunteer="on")
    profile = VolunteerProfile.objects.get(worker=worker)
    activity = VolunteerActivity.objects.create(
        title="清扫服务站",
        category="care",
        place="科尔沁区服务站",
        unit=profile.unit,
        region=profile.region,
        starts_at=timezone.now() + datetime.timedelta(days=3),
        ends_at=timezone.now() + datetime.timedelta(days=3, hours=2),
        capacity=10,
    )
    sign_up(activity, worker=worker)

    page = client.get("/m/my/data/withdraw/").content.decode()
    for effect in portal_services.WITHDRAWAL_EFFECTS[NoticeKind.GENERAL]:
        assert effect in page
    # without the confirmation box nothing changes
    client.post("/m/my/data/withdraw/", {"kind": "general"})
    assert client.get("/m/appeal/").status_code == 200

    response = client.post("/m/my/data/withdraw/", {"kind": "general", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == "/m/"
    # signed out; signing in again asks for consent before any signed-in page
    assert client.get("/m/appeal/")["Location"].startswith("/m/login/")
    SmsCode.objects.all().delete()  # the per-minute code limit, not under test here
    response = sign_in(client, PHONE, consent=False)
    assert response["Location"].startswith("/m/consent/")
    # off the volunteer roster, the coming activity cancelled
    profile.refresh_from_db()
    assert profile.is_active is False
    assert VolunteerSignup.objects.get(profile=profile).status == "cancelled"
    withdrawal = RightsRequest.objects.get(worker=worker, kind=RightsKind.WITHDRAWAL)
    assert withdrawal.status == RightsStatus.DONE and "个人信息保护政策" in withdrawal.record


def test_withdrawing_the_sensitive_consent_erases_the_id_and_stops_hardship_appeals(client, world):
    from xinye.core.errors import Refused

    sign_in(client, PHONE)
    client.post("/m/consent/sensitive/", {"agree": "1"})
    data = {
        "name": "骑手小王",
        "community": world["units"]["street-kerqin-1-c1"].pk,
        "id_number": "150502199001011232",
    }
    assert client.post("/m/register/", data).status_code == 302
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    assert worker.id_number
    portal_services.submit_appeal(
        worker=worker, category="hardship", text="家中老人生病，生活困难", key=str(uuid.uuid4())
    )

    page = client.get("/m/my/data/withdraw/").content.decode()
    for effect in portal_services.WITHDRAWAL_EFFECTS[NoticeKind.SENSITIVE]:
        assert effect in page
    client.post("/m/my/data/withdraw/", {"kind": "sensitive", "confirm": "1"})
    worker.refresh_from_db()
    assert worker.id_number == "" and worker.practitioner_id is None
    with pytest.raises(Refused, match="单独同意"):
        portal_services.submit_appeal(
            worker=worker, category="hardship", text="家中老人生病，生活困难", key=str(uuid.uuid4())
        )
    assert client.get("/m/my/").status_code == 200  # the general consent still holds

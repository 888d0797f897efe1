"""The worker portal: pages without JS, sign-in and consent, check-in, 备案, own data."""

import datetime

import pytest
from django.utils import timezone

from tests.portal.helpers import sign_in
from tests.stations.factories import make_station
from xinye.core.crypto import keyed_hash
from xinye.portal.auth import SESSION_KEY
from xinye.portal.sms import OUTBOX
from xinye.stations.models import StationCheckIn, StationRegistration
from xinye.workers.models import Consent, NoticeKind, PrivacyNotice, Worker

PHONE = "13904750002"


@pytest.fixture(autouse=True)
def _clean_outbox():
    OUTBOX.clear()


@pytest.fixture
def station(world):
    return make_station(
        world["units"]["street-kerqin-1-c1"], code="pt001", name="和平社区驿站", lat=30.0, lng=90.0
    )


def test_home_finds_three_nearest_without_javascript(client, world):
    unit = world["units"]["street-kerqin-1-c1"]
    for i in range(5):
        make_station(unit, lat=30.0 + 0.001 * (i + 1), lng=90.0, name=f"站{i}")
    html = client.get("/m/", {"lat": "30.0", "lng": "90.0"}).content.decode()
    assert html.index("站0") < html.index("站1") < html.index("站2")
    assert "站3" not in html
    assert "uri.amap.com/navigation" in html and "api.map.baidu.com/direction" in html
    assert "111 米" in html  # 0.001° of latitude


def test_home_by_street_select(client, world):
    unit = world["units"]["street-kerqin-1-c1"]
    make_station(unit, name="街道里的站")
    make_station(world["units"]["street-kerqin-2-c1"], name="别的街道的站")
    html = client.get("/m/", {"street": unit.parent_id}).content.decode()
    assert "街道里的站" in html and "别的街道的站" not in html


def test_page_is_light_and_self_contained(client, world):
    response = client.get("/m/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport"' in html and "portal/portal.css" in html
    assert "http://" not in html.replace("http://testserver", "") and "//cdn" not in html
    assert len(response.content) < 20_000


def test_station_page_shows_services_hours_and_checkin(client, station):
    html = client.get("/m/s/pt001/").content.decode()
    assert "和平社区驿站" in html and "休息如厕" in html and "手机充电" in html
    assert "周一至周日" in html and "08:00-20:00" in html
    assert 'id="checkin"' in html and "签到需要先用手机号登录" in html


def test_unknown_station_is_404(client, db):
    assert client.get("/m/s/nope/").status_code == 404


def test_checkin_needs_sign_in_then_returns_to_the_station(client, station):
    r = client.post("/m/s/pt001/checkin/")
    assert r.status_code == 302 and r["Location"] == "/m/login/?next=%2Fm%2Fs%2Fpt001%2F"
    r = sign_in(client, PHONE, next_url="/m/s/pt001/")
    assert r["Location"] == "/m/s/pt001/"
    r = client.post("/m/s/pt001/checkin/", follow=True)
    assert "签到成功" in r.content.decode()
    r = client.post("/m/s/pt001/checkin/", follow=True)
    assert "今天已在本站签到过了" in r.content.decode()
    assert StationCheckIn.objects.filter(station=station).count() == 1


def test_csrf_is_enforced_on_portal_forms(station):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post("/m/login/", {"phone": PHONE, "step": "send"}).status_code == 403


def test_sign_up_requires_general_consent(client, db):
    client.post("/m/login/", {"phone": PHONE, "step": "send"})
    from xinye.portal.sms import last_code_for

    r = client.post("/m/login/", {"phone": PHONE, "code": last_code_for(PHONE), "step": "verify"})
    assert r["Location"].startswith("/m/consent/")
    assert not Worker.objects.filter(phone_hash=keyed_hash(PHONE)).exists()  # nothing stored before consent
    html = client.post("/m/consent/", {}).content.decode()
    assert "需要同意" in html
    assert not Worker.objects.exists()
    client.post("/m/consent/", {"agree": "1"})
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    consent = Consent.objects.get(worker=worker)
    assert consent.kind == "general" and consent.notice.version == "1.0"
    assert client.session[SESSION_KEY] == worker.pk
    assert client.get("/m/my/").status_code == 200


def test_new_notice_version_asks_again(client, db):
    sign_in(client, PHONE)
    PrivacyNotice.objects.create(
        kind=NoticeKind.GENERAL,
        version="2.0",
        title="个人信息保护政策",
        text="新版",
        published_at=timezone.now(),
    )
    r = client.get("/m/my/")
    assert r.status_code == 302 and r["Location"].startswith("/m/consent/")
    client.post("/m/consent/", {"agree": "1", "next": "/m/my/"})
    assert client.get("/m/my/").status_code == 200
    assert Consent.objects.filter(notice__version="2.0").count() == 1


def test_portal_session_is_not_staff_auth(client, db):
    sign_in(client, PHONE)
    assert client.get("/admin/").status_code == 302  # still a stranger to the console
    assert client.get("/api/v1/stations").status_code == 401


def test_register_links_practitioner_only_after_sensitive_consent(client, world):
    from xinye.ledger.models import Enterprise, Practitioner

    office = world["units"]["djb-kerqin-delivery"]
    enterprise = Enterprise.objects.create(
        name="测试配送站", industry="delivery", region=office.region, unit=office
    )
    id_number = "150502199001011232"
    practitioner = Practitioner.objects.create(name="张三", id_number=id_number, enterprise=enterprise)
    station = make_station(world["units"]["street-kerqin-1-c1"], code="reg01")
    sign_in(client, PHONE)
    data = {
        "name": "张三",
        "occupation": "rider",
        "enterprise_name": "测试配送站",
        "station": "reg01",
        "id_number": id_number,
    }
    html = client.post("/m/register/", data).content.decode()
    assert "请先单独同意" in html
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    assert worker.id_number == "" and worker.unit_id is None and worker.practitioner_id is None
    r = client.post("/m/register/", {**data, "sensitive_consent": "on"})
    assert r.status_code == 302
    worker.refresh_from_db()
    assert worker.id_number == id_number and worker.id_hash == keyed_hash(id_number)
    assert worker.practitioner_id == practitioner.pk
    assert worker.unit_id == station.unit_id and worker.region_id == station.region_id
    assert worker.station_registration.station == station and worker.registered_at is not None
    assert Consent.objects.filter(worker=worker, kind="sensitive").exists()


def test_the_registration_station_is_shown_to_the_worker_and_their_community(client, client_for, world):
    station = make_station(world["units"]["street-kerqin-1-c1"], code="reg02", name="科尔沁一号驿站")
    sign_in(client, PHONE)
    assert client.post("/m/register/", {"name": "钱七", "station": "reg02"}).status_code == 302
    assert "备案社区" in (html := client.get("/m/my/data/").content.decode()) and "（科尔沁一号驿站）" in html
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    staff = client_for("community_admin")
    assert "科尔沁一号驿站" in staff.get(f"/admin/workers/worker/{worker.pk}/change/").content.decode()
    assert "科尔沁一号驿站" in staff.get("/admin/workers/worker/").content.decode()
    # registering again with a community, without a station, drops the station of registration
    other = world["units"]["street-kerqin-2-c1"]
    assert client.post("/m/register/", {"name": "钱七", "community": other.pk}).status_code == 302
    assert not StationRegistration.objects.filter(worker=worker).exists()
    assert "科尔沁一号驿站" not in client.get("/m/my/data/").content.decode()
    assert station.registrations.count() == 0


def test_register_with_community_and_without_id(client, world):
    community = world["units"]["street-kerqin-2-c1"]
    sign_in(client, PHONE)
    r = client.post("/m/register/", {"name": "李四", "community": community.pk})
    assert r.status_code == 302
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    assert worker.unit_id == community.pk and worker.practitioner_id is None


def test_community_staff_see_their_registered_workers_masked(client, client_for, world):
    community = world["units"]["street-kerqin-1-c1"]
    sign_in(client, PHONE)
    client.post("/m/register/", {"name": "王五", "community": community.pk})
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    html = client_for("community_admin").get(f"/admin/workers/worker/{worker.pk}/change/").content.decode()
    assert "139****0002" in html and PHONE not in html
    assert client_for("kerqin_admin").get("/admin/workers/worker/").status_code == 200


def test_withdrawing_sensitive_consent_erases_the_id(client, world):
    sign_in(client, PHONE)
    client.post("/m/consent/sensitive/", {"agree": "1"})
    client.post("/m/my/data/", {"name": "赵六", "id_number": "150502199001011232"})
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    assert worker.id_number == "150502199001011232"
    client.post("/m/consent/sensitive/", {"action": "withdraw"})
    worker.refresh_from_db()
    assert worker.id_number == "" and worker.id_hash == ""
    html = client.post("/m/my/data/", {"name": "赵六", "id_number": "150502199001011232"}).content.decode()
    assert "请先单独同意" in html


def test_see_and_correct_own_data(client, db):
    sign_in(client, PHONE)
    html = client.get("/m/my/data/").content.decode()
    assert PHONE in html and "个人信息保护政策" in html  # their own data, unmasked, and the consent record
    client.post("/m/my/data/", {"name": "更正后", "occupation": "courier", "enterprise_name": "某快递"})
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    assert worker.name == "更正后" and worker.occupation == "courier"


def test_delete_own_data(client, station):
    sign_in(client, PHONE)
    client.post("/m/register/", {"name": "孙八", "station": "pt001"})
    assert StationRegistration.objects.filter(station=station).count() == 1
    client.post("/m/s/pt001/checkin/")
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    r = client.post("/m/my/data/delete/", {})
    assert Worker.objects.filter(pk=worker.pk).exists()  # not without confirming
    r = client.post("/m/my/data/delete/", {"confirm": "1"}, follow=True)
    assert "已删除" in r.content.decode()
    assert not Worker.objects.filter(pk=worker.pk).exists()
    assert not Consent.objects.filter(worker_id=worker.pk).exists()
    assert not StationRegistration.objects.filter(worker_id=worker.pk).exists()
    checkin = StationCheckIn.objects.get(station=station)
    assert checkin.worker_id is None  # the visit still counts, anonymously
    assert SESSION_KEY not in client.session
    assert client.get("/m/my/")["Location"].startswith("/m/login/")


def test_worker_required_redirects_with_next(client, db):
    r = client.get("/m/register/?station=x")
    assert r.status_code == 302 and r["Location"] == "/m/login/?next=%2Fm%2Fregister%2F%3Fstation%3Dx"


def test_open_redirect_is_refused(client, db):
    r = sign_in(client, PHONE, next_url="https://evil.example/")
    assert r["Location"] == "/m/"


def test_checkin_counted_per_day(client, station):
    sign_in(client, PHONE)
    client.post("/m/s/pt001/checkin/")
    today = timezone.localdate()
    assert StationCheckIn.objects.get().day == today
    StationCheckIn.objects.update(day=today - datetime.timedelta(days=1))
    client.post("/m/s/pt001/checkin/")
    assert StationCheckIn.objects.count() == 2


def test_anonymous_station_page_is_reused_and_personal_pages_are_not(client, station):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/m/s/pt001/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/m/s/pt001/").content.decode()
    assert len(queries) == 0 and "和平社区驿站" in html  # served from the cache
    assert "csrfmiddlewaretoken" not in html  # nothing per-visitor in it
    station.name = "改名后的驿站"
    station.save()
    assert "改名后的驿站" in client.get("/m/s/pt001/").content.decode()
    sign_in(client, PHONE, next_url="/m/s/pt001/")
    html = client.get("/m/s/pt001/").content.decode()
    assert "csrfmiddlewaretoken" in html and "签到需要先用手机号登录" not in html


def test_unmasked_worker_page_is_logged(client, client_for, world):
    from xinye.audit.models import ChangeLog

    sign_in(client, PHONE)
    client.post("/m/register/", {"name": "王五", "community": world["units"]["street-kerqin-1-c1"].pk})
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    html = client_for("city_admin").get(f"/admin/workers/worker/{worker.pk}/change/").content.decode()
    assert PHONE in html
    entry = ChangeLog.objects.filter(action="view_sensitive", object_id=str(worker.pk)).latest("id")
    assert entry.username == "city_admin" and "手机号" in entry.note

"""Appeals and 随手拍 filed from the portal through the appeals/hazards services: idempotent by the form's
key, sensitive categories behind the separate consent, photos checked, "我的" with timeline and rating."""

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal.helpers import sign_in
from xinye.accounts.permissions import system_actor
from xinye.core.crypto import keyed_hash
from xinye.portal.sms import OUTBOX
from xinye.workers.models import Worker

appeals_services = pytest.importorskip("xinye.appeals.services")
from xinye.appeals.models import Appeal  # noqa: E402
from xinye.hazards.models import HazardReport  # noqa: E402

PHONE = "13904750003"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(autouse=True)
def _clean_outbox():
    OUTBOX.clear()


@pytest.fixture
def worker_client(client, world):
    sign_in(client, PHONE)
    client.post("/m/register/", {"name": "骑手小王", "community": world["units"]["street-kerqin-1-c1"].pk})
    return client


def _key(client, url):
    html = client.get(url).content.decode()
    return re.search(r'name="key" value="([0-9a-f-]{36})"', html).group(1)


def test_same_key_twice_gives_one_appeal_and_the_same_response(worker_client):
    key = _key(worker_client, "/m/appeal/")
    data = {"key": key, "category": "wages", "text": "平台拖欠两个月工资，共 6000 元"}
    first = worker_client.post("/m/appeal/", data)
    second = worker_client.post("/m/appeal/", data)  # the flaky network's retry
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    worker = Worker.objects.get(phone_hash=keyed_hash(PHONE))
    assert Appeal.objects.filter(worker=worker).count() == 1
    appeal = Appeal.objects.get(worker=worker)
    assert first["Location"] == f"/m/my/appeals/{appeal.pk}/"
    assert appeal.unit.code == "street-kerqin-1-c1"  # routed to where they registered
    # a fresh form (new key) is a new appeal
    worker_client.post("/m/appeal/", {**data, "key": _key(worker_client, "/m/appeal/")})
    assert Appeal.objects.filter(worker=worker).count() == 2


def test_each_render_gets_a_fresh_uuid4_key(worker_client):
    assert _key(worker_client, "/m/appeal/") != _key(worker_client, "/m/appeal/")
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        _key(worker_client, "/m/report/"),
    )


def test_a_tampered_key_is_refused(worker_client):
    html = worker_client.post(
        "/m/appeal/", {"key": "x", "category": "wages", "text": "拖欠工资三个月了"}
    ).content.decode()
    assert "表单已失效" in html
    assert Appeal.objects.count() == 0


def test_hardship_appeal_needs_the_sensitive_consent(worker_client):
    data = {
        "key": _key(worker_client, "/m/appeal/"),
        "category": "hardship",
        "text": "家人生病，生活困难，需要帮助",
    }
    html = worker_client.post("/m/appeal/", data).content.decode()
    assert "需先单独同意" in html
    assert Appeal.objects.count() == 0  # nothing stored
    r = worker_client.post("/m/appeal/", {**data, "sensitive_consent": "on"})
    assert r.status_code == 302 and Appeal.objects.count() == 1


def test_sensitive_categories_need_the_consent_in_any_language(worker_client):
    from django.utils import translation

    from xinye.portal.services import sensitive_appeal_categories

    with translation.override("en"):
        assert sensitive_appeal_categories() == {"hardship", "counselling"}
    data = {
        "key": _key(worker_client, "/m/appeal/"),
        "category": "counselling",
        "text": "压力很大，想找人聊聊",
    }
    html = worker_client.post("/m/appeal/", data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "需先单独同意" in html and Appeal.objects.count() == 0


def test_submission_queries_are_bounded_and_the_create_is_logged(
    worker_client, django_assert_max_num_queries
):
    """The hot write path (issue #4): session, worker, rate count, then one transaction with the id reserved
    for the appeal's number, the appeal (number included), its change-log row — with its chain's head locked
    and moved (audit.chain: two queries) — and its first event. A retry adds one lookup and writes nothing."""
    from xinye.audit.models import ChangeLog

    data = {"key": _key(worker_client, "/m/appeal/"), "category": "wages", "text": "平台拖欠工资，请帮忙协调"}
    worker_client.post("/m/appeal/", data)  # the session's first submission notes the consent check
    data["key"] = _key(worker_client, "/m/appeal/")
    with django_assert_max_num_queries(11):
        first = worker_client.post("/m/appeal/", data)
    with django_assert_max_num_queries(11):
        again = worker_client.post("/m/appeal/", data)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    appeal = Appeal.objects.get(idempotency_key__endswith=data["key"])
    log = ChangeLog.objects.get(action="create", object_id=str(appeal.pk), content_type__model="appeal")
    assert log.source == "portal" and log.after["category"] == "wages"
    assert "拖欠" not in str(log.after)  # the text is logged masked


def test_appeal_with_photo_and_a_non_image_refused(worker_client):
    fake = SimpleUploadedFile("wage.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    data = {
        "key": _key(worker_client, "/m/appeal/"),
        "category": "legal_aid",
        "text": "想咨询法律援助，工伤赔偿",
    }
    html = worker_client.post("/m/appeal/", {**data, "photos": fake}).content.decode()
    assert "不是 JPEG、PNG 或 WebP" in html and Appeal.objects.count() == 0
    photo = SimpleUploadedFile("wage.png", PNG, content_type="image/png")
    r = worker_client.post("/m/appeal/", {**data, "photos": photo})
    assert r.status_code == 302
    assert Appeal.objects.get().photos.count() == 1


def test_hazard_report_idempotent_and_listed_in_mine(worker_client):
    key = _key(worker_client, "/m/report/")
    data = {
        "key": key,
        "category": "manhole",
        "description": "井盖缺失，雨夜危险",
        "latitude": "43.6225",
        "longitude": "122.256",
    }
    photo = SimpleUploadedFile("hole.png", PNG, content_type="image/png")
    r1 = worker_client.post("/m/report/", {**data, "photo": photo})
    r2 = worker_client.post("/m/report/", data)
    assert r1.status_code == r2.status_code == 302 and r1["Location"] == r2["Location"]
    assert HazardReport.objects.count() == 1
    report = HazardReport.objects.get()
    assert report.photo and report.latitude == pytest.approx(43.6225)
    mine = worker_client.get("/m/my/").content.decode()
    assert "随手拍 · 井盖缺失" in mine
    detail = worker_client.get(r1["Location"]).content.decode()
    assert "已收到" in detail


def test_mine_shows_timeline_and_rating_after_closure(worker_client, world):
    data = {"key": _key(worker_client, "/m/appeal/"), "category": "wages", "text": "平台拖欠工资，请帮忙协调"}
    location = worker_client.post("/m/appeal/", data)["Location"]
    appeal = Appeal.objects.get()
    page = worker_client.get(location).content.decode()
    assert "诉求已提交，等待受理" in page and "提交评价" not in page
    assert "诉求 · 欠薪" in worker_client.get("/m/my/").content.decode()
    # staff close the loop: accept, dispatch, sign, answer, finish, close
    s = appeals_services
    city = world["users"]["city_admin"]
    s.accept_appeal(appeal, actor=city)
    s.dispatch_appeal(appeal, actor=city, units=[world["units"]["street-kerqin-1-c1"]])
    task = appeal.tasks.get()
    s.sign_task(task, actor=city)
    s.answer_task(task, actor=city, answer="已协调平台补发工资")
    s.finish_task(task, actor=city)
    appeal.refresh_from_db()
    if appeal.status == "dispatched":
        s.answer_appeal(appeal, actor=city, answer="已协调平台补发工资")
        appeal.refresh_from_db()
    if appeal.status == "answered":
        s.close_appeal(appeal, actor=city)
    page = worker_client.get(location).content.decode()
    assert "提交评价" in page
    r = worker_client.post(location, {"satisfied": "1", "comment": "很快"}, follow=True)
    assert "感谢您的评价" in r.content.decode()
    appeal.refresh_from_db()
    assert appeal.satisfied is True and appeal.status == "rated"


def test_someone_elses_appeal_is_404(worker_client):
    from django.test import Client

    data = {"key": _key(worker_client, "/m/appeal/"), "category": "wages", "text": "拖欠工资三个月了"}
    location = worker_client.post("/m/appeal/", data)["Location"]
    other = Client()
    sign_in(other, "13904750004")
    assert other.get(location).status_code == 404


def test_deleting_own_data_anonymises_submissions(worker_client):
    data = {"key": _key(worker_client, "/m/appeal/"), "category": "wages", "text": "平台拖欠两个月工资"}
    worker_client.post("/m/appeal/", data)
    worker_client.post("/m/my/data/delete/", {"confirm": "1"})
    appeal = Appeal.objects.get()
    assert appeal.worker_id is None and "拖欠" not in appeal.text
    assert not Worker.objects.filter(phone_hash=keyed_hash(PHONE)).exists()


def test_volunteer_opt_in_at_registration(client, world):
    from xinye.volunteers.models import VolunteerProfile

    sign_in(client, "13904750005")
    r = client.post(
        "/m/register/",
        {
            "name": "志愿小李",
            "community": world["units"]["street-kerqin-1-c1"].pk,
            "volunteer": "on",
            "volunteer_skills": "急救",
        },
    )
    assert r.status_code == 302
    profile = VolunteerProfile.objects.get(worker__phone_hash=keyed_hash("13904750005"))
    assert profile.skills == "急救"
    assert "志愿服务时长" in client.get("/m/my/").content.decode()


def test_report_without_gps_uses_a_nearby_station(worker_client, world):
    from tests.stations.factories import make_station

    station = make_station(world["units"]["street-kerqin-1-c1"], code="landmk", lat=43.6301, lng=122.2702)
    html = worker_client.get("/m/report/").content.decode()
    assert 'value="landmk"' in html
    data = {"key": _key(worker_client, "/m/report/"), "category": "lights", "description": "路灯不亮"}
    assert "请提供位置" in worker_client.post("/m/report/", data).content.decode()
    r = worker_client.post("/m/report/", {**data, "near_station": "landmk"})
    assert r.status_code == 302
    report = HazardReport.objects.get()
    assert (report.latitude, report.longitude) == (station.latitude, station.longitude)


def test_volunteer_signs_up_to_an_activity_and_cancels(client, world):
    import datetime

    from django.utils import timezone

    from xinye.volunteers import services as volunteers

    community = world["units"]["street-kerqin-1-c1"]
    activity = volunteers.publish_activity(
        actor=system_actor("test"),
        unit=community,
        title="雨夜平安巡逻",
        category="safety",
        place="明仁大街",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=2),
    )
    sign_in(client, "13904750006")
    html = client.get("/m/volunteer/").content.decode()
    assert "雨夜平安巡逻" in html and "备案并登记为志愿者" in html and "报名</button>" not in html
    client.post("/m/register/", {"name": "小赵", "community": community.pk, "volunteer": "on"})
    html = client.get("/m/volunteer/").content.decode()
    assert "报名</button>" in html
    r = client.post(f"/m/volunteer/{activity.pk}/signup/", follow=True)
    assert "已报名：雨夜平安巡逻" in r.content.decode()
    assert activity.taken == 1
    signup = activity.signups.get()
    r = client.post(f"/m/volunteer/signups/{signup.pk}/cancel/", follow=True)
    assert "已取消报名" in r.content.decode()
    assert activity.taken == 0
    from django.test import Client

    other = Client()
    sign_in(other, "13904750007")
    assert other.post(f"/m/volunteer/signups/{signup.pk}/cancel/").status_code == 404


def test_the_portal_stays_chinese_on_an_english_phone(worker_client):
    """The portal's pages are Chinese; labels from the shared catalogue (the appeal categories and their
    groups) must not turn English beside them when the phone asks for English. The console still would."""
    response = worker_client.get("/m/appeal/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" not in response.get("Vary", "")  # the same page whatever the phone asks for
    from django.test import Client

    console = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert console["Content-Language"] == "en" and "Accept-Language" in console["Vary"]
    for label in ("权益保障", "欠薪", "法律援助", "个性化服务"):
        assert label in html
    assert "Unpaid wages" not in html and "Rights protection" not in html


def test_the_report_form_has_no_coordinate_boxes_and_lists_landmarks_nearest_first(client, world):
    from tests.stations.factories import make_station
    from xinye.stations.models import StationRegistration

    community = world["units"]["street-kerqin-1-c1"]
    far = make_station(community, code="aaafar", lat=43.70, lng=122.40)
    home = make_station(community, code="zzhome", lat=43.62, lng=122.26)
    near = make_station(community, code="mmnear", lat=43.621, lng=122.261)
    sign_in(client, "13900000099")
    client.post("/m/register/", {"name": "骑手小赵", "community": community.pk, "station": home.code})
    worker = Worker.objects.get(phone_hash=keyed_hash("13900000099"))
    StationRegistration.objects.get_or_create(worker=worker, defaults={"station": home})
    html = client.get("/m/report/").content.decode()
    assert 'type="hidden" name="latitude"' in html and 'type="hidden" name="longitude"' in html
    assert "纬度" not in html
    order = [html.index(f'value="{s.code}"') for s in (home, near, far)]
    assert order == sorted(order)

"""紧急求助 (issue 17): the emergency numbers as call buttons at once, before and after filing, with the nearest
station's and its community's phone; after filing, the reference number and the worker's own photo."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.portal.helpers import sign_in
from tests.portal.test_submissions import PNG, _key
from tests.stations.factories import make_station
from xinye.appeals.models import Appeal
from xinye.portal.sms import OUTBOX

PHONE = "13900000077"


@pytest.fixture(autouse=True)
def _clean_outbox():
    OUTBOX.clear()


@pytest.fixture
def worker_client(client, world):
    sign_in(client, PHONE)
    client.post("/m/register/", {"name": "骑手小李", "community": world["units"]["street-kerqin-1-c1"].pk})
    return client


def _calls(html: str) -> list[str]:
    return re.findall(r'href="tel:([^"]+)"', html)


def test_the_sos_page_needs_no_sign_in_and_puts_110_120_122_first(client, world):
    r = client.get("/m/sos/")
    assert r.status_code == 200
    html = r.content.decode()
    assert _calls(html)[:4] == ["110", "120", "122", "119"]
    assert html.index('href="tel:110"') < html.index("在线提交紧急求助")
    assert "/m/appeal/?category=emergency" in html


def test_with_a_location_the_nearest_station_and_its_community_phone_are_called(client, world):
    community = world["units"]["street-kerqin-1-c1"]
    near = make_station(community, lat=43.62, lng=122.26, name="近的驿站", contact_phone="0475-8211001")
    make_station(community, lat=43.70, lng=122.40, name="远的驿站", contact_phone="0475-8211002")
    make_station(
        community, lat=43.6201, lng=122.2601, name="关闭的驿站", status="closed", contact_phone="0475-8"
    )
    html = client.get("/m/sos/", {"lat": "43.6205", "lng": "122.2605"}).content.decode()
    assert "离你最近的服务站" in html
    assert html.index(near.name) < html.index("远的驿站") and "关闭的驿站" not in html
    assert _calls(html)[4:6] == ["0475-8211001", "0475-8211002"]
    assert community.name in html


def test_the_numbers_stand_above_the_appeal_form_and_on_a_filed_emergency(worker_client, world):
    make_station(world["units"]["street-kerqin-1-c1"], name="本区驿站", contact_phone="0475-8211003")
    form = worker_client.get("/m/appeal/?category=emergency").content.decode()
    assert _calls(form)[:3] == ["110", "120", "122"]
    assert re.search(r'<option value="emergency" selected', form)
    data = {"key": _key(worker_client, "/m/appeal/"), "category": "emergency", "text": "车坏在高速上，人没事"}
    photo = SimpleUploadedFile("car.png", PNG, content_type="image/png")
    r = worker_client.post("/m/appeal/", {**data, "photos": photo})
    assert r.status_code == 302
    appeal = Appeal.objects.get()
    page = worker_client.get(r["Location"]).content.decode()
    assert appeal.number and appeal.number in page
    assert _calls(page)[:3] == ["110", "120", "122"] and "0475-8211003" in _calls(page)
    shown = worker_client.get(f"/m/my/appeals/{appeal.pk}/photos/0/")
    assert shown.status_code == 200 and b"".join(shown.streaming_content).startswith(PNG[:8])  # re-encoded
    assert worker_client.get(f"/m/my/appeals/{appeal.pk}/photos/1/").status_code == 404


def test_another_workers_photo_is_not_found(worker_client):
    data = {"key": _key(worker_client, "/m/appeal/"), "category": "wages", "text": "平台拖欠两个月工资"}
    photo = SimpleUploadedFile("w.png", PNG, content_type="image/png")
    r = worker_client.post("/m/appeal/", {**data, "photos": photo})
    assert r.status_code == 302, re.findall(r"class=\"err[^>]*>([^<]+)", r.content.decode())
    appeal = Appeal.objects.get()
    from django.test import Client

    other = Client()
    sign_in(other, "13900000078")
    assert other.get(f"/m/my/appeals/{appeal.pk}/photos/0/").status_code == 404
    assert Client().get(f"/m/my/appeals/{appeal.pk}/photos/0/").status_code in (302, 403)


def test_a_closed_stations_page_lists_the_nearest_open_ones(client, world):
    community = world["units"]["street-kerqin-1-c1"]
    closed = make_station(community, lat=43.62, lng=122.26, status="closed", name="已关闭的驿站")
    near = make_station(community, lat=43.621, lng=122.261, name="隔壁开放驿站")
    html = client.get(f"/m/s/{closed.code}/").content.decode()
    assert "本站" in html and 'id="nearest-open"' in html
    assert near.name in html and near.get_absolute_url() in html
    assert 'id="nearest-open"' not in client.get(f"/m/s/{near.code}/").content.decode()


def test_the_nearest_stations_come_first_on_the_home_page(client, world):
    make_station(world["units"]["street-kerqin-1-c1"], lat=43.62, lng=122.26, name="最近的驿站")
    html = client.get("/m/", {"lat": "43.6205", "lng": "122.2605"}).content.decode()
    assert 'id="results"' in html and html.index('id="results"') < html.index('id="geo-form"')
    assert html.index("最近的驿站") < html.index("按地区查找")
    plain = client.get("/m/").content.decode()
    assert 'id="results"' not in plain and 'id="geo-form"' in plain


def test_station_cards_say_whether_open_now_and_what_they_offer(client, world, time_machine):
    from xinye.stations.models import open_now

    week = ["08:00-20:00"] * 5 + ["", "10:00-16:00"]
    time_machine.move_to("2026-12-07 19:59 +0800", tick=False)  # a Monday
    assert open_now(week, False) and not open_now(["", *week[1:]], False)
    time_machine.move_to("2026-12-07 20:00 +0800", tick=False)
    assert not open_now(week, False) and open_now(week, True)
    time_machine.move_to("2026-12-05 09:00 +0800", tick=False)  # a Saturday: closed that day
    assert not open_now(week, False)

    community = world["units"]["street-kerqin-1-c1"]
    make_station(community, name="周末关门驿站", hours=week, amenities=["water", "charging"])
    html = client.get("/m/", {"lat": "43.6205", "lng": "122.2605"}).content.decode()
    card = html[html.index("周末关门驿站") :]
    assert "现在不开放" in card[:400] and "开放中" not in card[:400]
    api = client.get("/api/v1/stations/nearest", {"lat": "43.6205", "lng": "122.2605"}).json()
    assert api["items"][0]["open_now"] is False

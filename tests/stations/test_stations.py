"""QR posters, check-ins once per station and day, the console pages, the demo."""

import datetime

import pytest
import time_machine

from tests.core.images import PNG
from tests.stations.factories import make_station
from xinye.core.errors import Refused
from xinye.stations import services
from xinye.stations.models import Station
from xinye.workers.models import Worker


@pytest.fixture
def station(world):
    return make_station(world["units"]["street-kerqin-1-c1"], code="qrtest1", name="和平社区新业态驿站")


def test_qr_png_and_svg_downloads_encode_the_station_url(client_for, station):
    client = client_for("community_admin")
    png = client.get(f"/admin/stations/{station.pk}/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "station-qrtest1.png" in png["Content-Disposition"]
    svg = client.get(f"/admin/stations/{station.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg.content.lstrip().startswith(b"<svg") and b"<path" in svg.content


def test_qr_encodes_the_public_https_station_url(client_for, station, settings):
    from xinye.stations import qr

    settings.XINYE_PUBLIC_BASE_URL = "https://xinye.tongliao.gov.cn"
    url = qr.station_url(station)
    assert url == "https://xinye.tongliao.gov.cn/m/s/qrtest1/"
    svg = client_for("community_admin").get(f"/admin/stations/{station.pk}/qr.svg").content
    assert svg == qr.qr_svg(url)
    assert svg != qr.qr_svg("https://xinye.tongliao.gov.cn/m/s/other/")


def test_poster_page_is_an_a4_sheet_with_services_and_qr(client_for, station):
    html = client_for("community_admin").get(f"/admin/stations/{station.pk}/poster/").content.decode()
    assert "size: A4" in html and "和平社区新业态驿站" in html
    assert "休息如厕" in html and "手机充电" in html
    assert "<svg" in html and "https://testserver/m/s/qrtest1/" in html


def test_poster_out_of_scope_is_404(client_for, world):
    other = make_station(world["units"]["street-kerqin-2-c1"])
    client = client_for("community_admin")
    assert client.get(f"/admin/stations/{other.pk}/poster/").status_code == 404
    assert client.get(f"/admin/stations/{other.pk}/qr.png").status_code == 404


def test_check_in_once_per_station_and_day(station):
    worker = Worker.objects.create(phone="13904759901")
    with time_machine.travel(datetime.datetime(2026, 11, 28, 9, 0, tzinfo=datetime.UTC)):
        first, created = services.check_in(station, worker=worker)
        again, created_again = services.check_in(station, worker=worker)
    assert created and not created_again and first.pk == again.pk
    with time_machine.travel(datetime.datetime(2026, 11, 29, 9, 0, tzinfo=datetime.UTC)):
        _next_day, created_next = services.check_in(station, worker=worker)
    assert created_next
    other = make_station(station.unit)
    services.check_in(other, worker=worker, day=datetime.date(2026, 11, 28))
    counts = services.daily_counts([station, other], 3, today=datetime.date(2026, 11, 29))
    assert counts[station.pk] == {datetime.date(2026, 11, 28): 1, datetime.date(2026, 11, 29): 1}
    assert counts[other.pk] == {datetime.date(2026, 11, 28): 1}


def test_check_in_refused_at_a_closed_station(world):
    station = make_station(world["units"]["street-kerqin-1-c1"], status="closed")
    with pytest.raises(Refused, match="暂未开放"):
        services.check_in(station, worker=Worker.objects.create(phone="13904759902"))


def test_checkin_counts_page_shows_own_stations_only(client_for, world, station):
    other = make_station(world["units"]["street-kerqin-2-c1"], name="别的街道的站")
    worker = Worker.objects.create(phone="13904759903")
    services.check_in(station, worker=worker)
    html = client_for("community_admin").get("/admin/stations/checkins/").content.decode()
    assert station.name in html and other.name not in html
    assert 'id="grand-total">1<' in html


def test_admin_converts_gcj02_input_to_wgs84(client_for, world):
    from xinye.core import geo

    unit = world["units"]["street-kerqin-1-c1"]
    glat, glng = geo.wgs84_to_gcj02(43.6225, 122.256)
    data = {
        "code": "adm1",
        "name": "新建站",
        "status": "open",
        "host_kind": "community",
        "unit": unit.pk,
        "region": unit.region_id,
        "address": "测试路",
        "coord_source": "wgs84",
        "entered_system": "gcj02",
        "entered_lat": glat,
        "entered_lng": glng,
        "amenities": ["rest", "wifi"],
        **_week(["08:00-20:00"] * 5 + ["", ""]),
        "contact_phone": "13904751234",
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
    }
    response = client_for("community_admin").post("/admin/stations/station/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    station = Station.objects.get(code="adm1")
    assert station.coord_source == "gcj02"
    assert station.latitude == pytest.approx(43.6225, abs=1e-6)
    assert station.longitude == pytest.approx(122.256, abs=1e-6)
    assert station.hours[5] == "" and station.amenities == ["rest", "wifi"]
    assert station.hours_rows() == [("周一至周五", "08:00-20:00"), ("周六至周日", "不开放")]


def test_demo_has_350_stations_in_9_counties_idempotently(db):
    from xinye.demo import orgs as orgs_demo
    from xinye.demo import stations as demo

    world: dict = {}
    orgs_demo.load(world)
    demo.load(world)
    stations = Station.objects.filter(code__in=[s.code for s in world["stations"]])
    assert stations.count() == 350
    by_region = {r: stations.filter(region_id=r).count() for r in demo.COUNTY_STATIONS}
    assert len(by_region) == 9 and all(by_region.values())
    assert max(by_region, key=by_region.get) == "150502"
    assert all(s.unit.kind == "community" and s.unit.region_id == s.region_id for s in stations)
    before = sorted(stations.values_list("code", "latitude", "longitude", "name"))
    demo.load(world)
    assert sorted(stations.values_list("code", "latitude", "longitude", "name")) == before
    assert Station.objects.filter(code__in=[s.code for s in world["stations"]]).count() == 350


def test_console_home_cards_count_own_stations(client_for, world):
    from django.apps import apps
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = world["users"]["community_admin"]

    def cards():
        return {c["title"]: c["value"] for c in apps.get_app_config("stations").dashboard_cards(request)}

    before = cards()
    make_station(world["units"]["street-kerqin-2-c1"])  # another street: not theirs
    assert cards() == before
    mine = make_station(world["units"]["street-kerqin-1-c1"])
    services.check_in(mine, worker=Worker.objects.create(phone="13904759904"))
    after = cards()
    assert after["开放的服务站"] == before["开放的服务站"] + 1
    assert after["今日服务站签到"] == before["今日服务站签到"] + 1
    assert client_for("community_admin").get("/admin/").status_code == 200


def test_station_photo_must_be_an_image(station):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xinye.stations.models import StationPhoto

    bad = StationPhoto(station=station, image=SimpleUploadedFile("door.jpg", b"<?php echo 1; ?>"))
    with pytest.raises(ValidationError, match="JPEG、PNG 或 WebP"):
        bad.full_clean()
    good = StationPhoto(station=station, image=SimpleUploadedFile("door.png", PNG))
    good.full_clean()


def test_admin_refuses_bad_hours_in_chinese(client_for, world):
    unit = world["units"]["street-kerqin-1-c1"]
    data = {
        "code": "adm2",
        "name": "新建站",
        "status": "open",
        "host_kind": "community",
        "unit": unit.pk,
        "region": unit.region_id,
        "address": "测试路",
        "latitude": 43.62,
        "longitude": 122.25,
        "coord_source": "wgs84",
        **_week(["08:00-20:00", "09:00-", "20:00-08:00"] + [""] * 4),
        "contact_phone": "",
        "photos-TOTAL_FORMS": 0,
        "photos-INITIAL_FORMS": 0,
    }
    response = client_for("community_admin").post("/admin/stations/station/add/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "周二：请同时填写开门和关门时间" in html and "周三：关门时间应晚于开门时间" in html
    assert 'value="09:00"' in html  # what was typed is kept
    assert not Station.objects.filter(code="adm2").exists()


def test_the_station_of_registration_is_replaced_kept_or_dropped(world):
    unit = world["units"]["street-kerqin-1-c1"]
    first, second = make_station(unit), make_station(unit)
    worker = Worker.objects.create(phone="13804750999", name="备案测试", unit=unit, region=unit.region)
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC), tick=False):
        row = services.record_registration(worker=worker, station=first)
    services.record_registration(worker=worker, station=first)  # the same station again: the first time stays
    row.refresh_from_db()
    assert row.registered_at == datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    services.record_registration(worker=worker, station=second)
    assert services.registration_station(worker) == second and first.registrations.count() == 0
    services.record_registration(worker=worker, station=None)
    assert services.registration_station(worker) is None


def _week(days):
    """The per-day hours editor's fields: hours_text_0 … hours_text_13 (open and close for 周一 … 周日)."""
    out = {}
    for i, day in enumerate(days):
        start, _sep, end = day.partition("-")
        out[f"hours_text_{2 * i}"], out[f"hours_text_{2 * i + 1}"] = start, end
    return out


def test_the_hours_editor_shows_a_row_per_day_with_the_saved_times(client_for, world):
    station = make_station(world["units"]["street-kerqin-1-c1"])
    station.hours = ["08:00-20:00"] * 6 + [""]
    station.save()
    html = client_for("community_admin").get(f"/admin/stations/station/{station.pk}/change/").content.decode()
    table = html[html.index('id="week-hours"') :]
    table = table[: table.index("</table>")]
    assert table.count('type="time"') == 14 and "周日" in table and 'value="08:00"' in table

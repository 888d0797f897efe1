"""The public nearest-stations endpoint: ordering, distances in metres, limit, open stations only."""

import pytest

from tests.stations.factories import make_station
from xinye.core import geo
from xinye.stations import services

# a quiet corner of the map, far from any demo station
LAT, LNG = 30.0, 90.0


@pytest.fixture
def spread(world):
    unit = world["units"]["street-kerqin-1-c1"]
    # ~100 m, ~1 km, ~3 km, ~30 km north; one closed and one paused right next to the point
    s100 = make_station(unit, lat=LAT + 0.0009, lng=LNG, name="百米站")
    s1k = make_station(unit, lat=LAT + 0.009, lng=LNG, name="一公里站")
    s3k = make_station(unit, lat=LAT, lng=LNG + 0.031, name="三公里站")
    s30k = make_station(unit, lat=LAT + 0.27, lng=LNG, name="三十公里站")
    closed = make_station(unit, lat=LAT, lng=LNG + 0.0001, status="closed", name="关闭站")
    paused = make_station(unit, lat=LAT + 0.0001, lng=LNG, status="paused", name="暂停站")
    return s100, s1k, s3k, s30k, closed, paused


def test_nearest_orders_by_distance_and_reports_metres(client, spread):
    s100, s1k, s3k, s30k, _closed, _paused = spread
    response = client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 4})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["code"] for i in items] == [s100.code, s1k.code, s3k.code, s30k.code]
    assert items[0]["distance"] == pytest.approx(100, abs=1)
    assert items[1]["distance"] == pytest.approx(1000, abs=5)
    assert items[3]["distance"] == pytest.approx(30_000, rel=0.01)
    assert [i["distance"] for i in items] == sorted(i["distance"] for i in items)


def test_nearest_only_open_stations(client, spread):
    items = client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 20}).json()["items"]
    names = {i["name"] for i in items}
    assert "关闭站" not in names and "暂停站" not in names
    assert len(items) == 4


def test_nearest_limit_default_and_bounds(client, spread):
    assert len(client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG}).json()["items"]) == 3
    assert (
        len(client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 1}).json()["items"]) == 1
    )
    bad = client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 0})
    assert bad.status_code == 422 and "detail" in bad.json()
    assert client.get("/api/v1/stations/nearest", {"lat": 123, "lng": LNG}).status_code == 422


def test_nearest_limit_follows_the_city_setting(client, spread, settings):
    """At most XINYE_STATIONS_NEAREST_MAX stations (20 unless the city sets it), refused above with a reason."""
    too_many = client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 21})
    assert too_many.status_code == 422 and too_many.json()["detail"] == "limit 最多为 20"
    settings.XINYE_STATIONS_NEAREST_MAX = 2
    assert client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 3}).status_code == 422
    settings.XINYE_STATIONS_NEAREST_MAX = 30
    items = client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 25}).json()["items"]
    assert len(items) == 4  # every open station near the point, no 422


def test_nearest_gives_gcj02_and_navigation(client, spread):
    unit_station = spread[0]
    item = client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 1}).json()["items"][0]
    glat, glng = geo.wgs84_to_gcj02(unit_station.latitude, unit_station.longitude)
    assert item["gcj02"] == {"lat": round(glat, 6), "lng": round(glng, 6)}
    assert item["amap_url"].startswith("https://uri.amap.com/navigation?to=")
    assert f"{glng:.6f},{glat:.6f}" in item["amap_url"]
    assert item["url"] == f"/m/s/{unit_station.code}/"


def test_nearest_needs_no_sign_in_and_matches_brute_force(client, world):
    import random

    unit = world["units"]["street-kerqin-1-c1"]
    rng = random.Random(7)
    stations = [
        make_station(unit, lat=LAT + rng.uniform(-0.5, 0.5), lng=LNG + rng.uniform(-0.5, 0.5))
        for _ in range(60)
    ]
    for _ in range(10):
        lat, lng = LAT + rng.uniform(-0.6, 0.6), LNG + rng.uniform(-0.6, 0.6)
        expected = sorted(stations, key=lambda s: geo.distance_m(lat, lng, s.latitude, s.longitude))[:5]
        got = services.nearest(lat, lng, 5)
        assert [n.station.pk for n in got] == [s.pk for s in expected]


def test_nothing_near_gives_an_empty_list(client, spread):
    response = client.get("/api/v1/stations/nearest", {"lat": -60.0, "lng": -60.0})
    assert response.status_code == 200 and response.json() == {"items": [], "count": 0}


def test_staff_list_is_scoped(api_client, world):
    mine = make_station(world["units"]["street-kerqin-1-c1"])
    other = make_station(world["units"]["street-kerqin-2-c1"])
    client = api_client("community_admin")
    codes = {i["code"] for i in client.get("/api/v1/stations", {"limit": 500}).json()["items"]}
    assert mine.code in codes and other.code not in codes
    assert client.get(f"/api/v1/stations/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/stations/{mine.pk}").json()["name"] == mine.name


def test_staff_change_status_in_scope_only(api_client, world):
    mine = make_station(world["units"]["street-kerqin-1-c1"])
    other = make_station(world["units"]["street-kerqin-2-c1"])
    client = api_client("community_admin")
    r = client.post(
        f"/api/v1/stations/{mine.pk}/status", {"status": "paused"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["status"] == "paused"
    r = client.post(
        f"/api/v1/stations/{other.pk}/status", {"status": "paused"}, content_type="application/json"
    )
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.status == "open"


def test_openapi_documents_the_public_nearest_endpoint(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/stations/nearest"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"lat", "lng", "limit"}
    assert not op.get("security")  # public: no sign-in
    assert "200" in op["responses"]


def test_nearest_names_services_in_the_asked_language(client, world):
    """The amenity labels follow the request's language (Chinese by default), unknown values left out."""
    unit = world["units"]["street-kerqin-1-c1"]
    make_station(unit, lat=LAT, lng=LNG, amenities=["rest", "wifi", "retired-value"])
    chinese = client.get("/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 1}).json()
    assert chinese["items"][0]["amenities"] == ["休息如厕", "WiFi"]
    english = client.get(
        "/api/v1/stations/nearest", {"lat": LAT, "lng": LNG, "limit": 1}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert english["items"][0]["amenities"] == ["Rest and toilets", "WiFi"]


@pytest.mark.django_db
def test_the_box_is_read_through_the_open_stations_location_index():
    """Without statistics (a fresh database: nobody runs ANALYZE) SQLite's planner would read every open
    station through the status index; the query names the partial lat/lng index, so a box reads its band."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the index hint is SQLite's; PostgreSQL plans from its own statistics")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN " + services._nearest_sql(connection.vendor), geo.bbox(LAT, LNG, 2000)
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "station_open_latlng" in plan and "latitude>" in plan

"""Open311 GeoReport v2 with a plain HTTP client: services list, filing, reading; errors per the spec."""

import pytest

from tests.appeals.helpers import key, worker
from xinye.accounts.permissions import system_actor
from xinye.hazards import services
from xinye.hazards.models import HazardReport

SYS = system_actor("test")
LAT, LNG = 43.6172, 122.2630


@pytest.fixture
def open311_key(settings):
    settings.XINYE_OPEN311_KEYS = {"test-key-123": "城市大屏"}
    return "test-key-123"


def test_services_list(client):
    r = client.get("/open311/v2/services.json")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    codes = {s["service_code"]: s for s in r.json()}
    assert codes["manhole"]["service_name"] == "井盖缺失"
    assert {"metadata", "type", "keywords", "group", "description"} <= set(codes["manhole"])


def test_file_and_read_a_request(world, client, open311_key):
    r = client.post(
        "/open311/v2/requests.json",
        "api_key=test-key-123&service_code=manhole&lat=43.6172&long=122.2630&description=%E4%BA%95%E7%9B%96%E4%B8%A2%E5%A4%B1"
        "&email=someone%40example.com",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 201, r.content
    (created,) = r.json()
    rid = created["service_request_id"]
    report = HazardReport.objects.get(pk=rid)
    assert report.worker is None and report.client_label == "城市大屏" and report.description == "井盖丢失"
    (item,) = client.get(f"/open311/v2/requests/{rid}.json").json()
    assert (
        item["status"] == "open" and item["service_code"] == "manhole" and item["lat"] == pytest.approx(LAT)
    )
    assert item["requested_datetime"].endswith("+08:00")
    listed = client.get("/open311/v2/requests.json", {"service_code": "manhole", "status": "open"}).json()
    assert rid in [i["service_request_id"] for i in listed]
    services.close_report(report, reason="fixed", note="已补装井盖", actor=SYS)
    (item,) = client.get(f"/open311/v2/requests/{rid}.json").json()
    assert item["status"] == "closed" and "已补装井盖" in item["status_notes"]
    closed = client.get("/open311/v2/requests.json", {"status": "closed"}).json()
    assert rid in [i["service_request_id"] for i in closed]
    assert rid not in [
        i["service_request_id"] for i in client.get("/open311/v2/requests.json", {"status": "open"}).json()
    ]


def test_public_reads_never_show_the_reporter(world, client):
    w = worker()
    r = services.submit_report(
        worker=w,
        category="person_in_need",
        description="桥下有位老人张某某需要帮助",
        latitude=LAT,
        longitude=LNG,
        idempotency_key=key(),
    )
    (item,) = client.get(f"/open311/v2/requests/{r.pk}.json").json()
    text = str(item)
    assert "张某某" not in text and w.name not in text and w.phone not in text
    assert item["lat"] == round(r.latitude, 3)
    assert "worker" not in item and "phone" not in item


def test_errors_per_spec(world, client, open311_key):
    r = client.post(
        "/open311/v2/requests.json", {"api_key": "wrong", "service_code": "manhole", "lat": 1, "long": 1}
    )
    assert r.status_code == 403 and r.json()[0]["code"] == 403
    r = client.post(
        "/open311/v2/requests.json", {"api_key": open311_key, "service_code": "nope", "lat": 1, "long": 1}
    )
    assert r.status_code == 400 and "service_code" in r.json()[0]["description"]
    r = client.post("/open311/v2/requests.json", {"api_key": open311_key, "service_code": "fire"})
    assert r.status_code == 400 and "lat" in r.json()[0]["description"]
    r = client.get("/open311/v2/requests/999999.json")
    assert r.status_code == 404 and r.json() == [{"code": 404, "description": "服务请求 999999 不存在"}]
    r = client.get("/open311/v2/requests.json", {"start_date": "yesterday"})
    assert r.status_code == 400


def test_staff_token_works_as_api_key(world, client):
    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import create_token

    _t, token = create_token(world["users"]["community_admin"], actor=system_actor("test"))
    r = client.post(
        "/open311/v2/requests.json",
        {"api_key": token, "service_code": "lights", "lat": LAT, "long": LNG, "description": "路灯坏了"},
    )
    assert r.status_code == 201
    assert HazardReport.objects.get(pk=r.json()[0]["service_request_id"]).unit.code == "dept-transport"


@pytest.mark.django_db(transaction=True)
def test_with_requests_against_a_live_server(live_server, settings, rebuild_world_after):
    import requests

    from tests.conftest import build_world

    build_world()
    settings.XINYE_OPEN311_KEYS = {"live-key": "外部客户端"}
    base = f"{live_server.url}/open311/v2"
    assert requests.get(f"{base}/services.json", timeout=10).status_code == 200
    r = requests.post(
        f"{base}/requests.json",
        data={
            "api_key": "live-key",
            "service_code": "sanitation",
            "lat": LAT,
            "long": LNG,
            "description": "垃圾堆积",
        },
        timeout=10,
    )
    assert r.status_code == 201, r.text
    rid = r.json()[0]["service_request_id"]
    item = requests.get(f"{base}/requests/{rid}.json", timeout=10).json()[0]
    assert item["service_name"] == "环境卫生" and item["status"] == "open"


def _xml_items(response, root: str, element: str) -> list[dict]:
    from xml.etree import ElementTree

    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    top = ElementTree.fromstring(response.content)
    assert top.tag == root
    return [{child.tag: child.text for child in node} for node in top.findall(element)]


def _as_xml_text(item: dict) -> dict:
    """What a JSON item reads as in XML: every value as text, None as no text, booleans as true/false."""
    text = {True: "true", False: "false"}
    return {
        k: (None if v is None or v == "" else text[v] if isinstance(v, bool) else str(v))
        for k, v in item.items()
    }


def test_xml_is_served_with_the_same_content_as_json(world, client, open311_key):
    """GeoReport v2 makes XML the format every server supports: services, a list, a single request, filing
    and errors all answer in XML with the content the JSON carries."""
    services_xml = _xml_items(client.get("/open311/v2/services.xml"), "services", "service")
    services_json = client.get("/open311/v2/services.json").json()
    assert services_xml == [_as_xml_text(s) for s in services_json]

    r = client.post(
        "/open311/v2/requests.xml",
        {
            "api_key": open311_key,
            "service_code": "lights",
            "lat": LAT,
            "long": LNG,
            "description": "路灯不亮",
        },
    )
    assert r.status_code == 201
    (created,) = _xml_items(r, "service_requests", "request")
    rid = created["service_request_id"]
    (one_xml,) = _xml_items(client.get(f"/open311/v2/requests/{rid}.xml"), "service_requests", "request")
    (one_json,) = client.get(f"/open311/v2/requests/{rid}.json").json()
    assert one_xml == _as_xml_text(one_json) and one_xml["description"] == "路灯不亮"
    listed = _xml_items(
        client.get("/open311/v2/requests.xml", {"service_code": "lights"}), "service_requests", "request"
    )
    assert [i["service_request_id"] for i in listed] == [
        i["service_request_id"]
        for i in client.get("/open311/v2/requests.json", {"service_code": "lights"}).json()
    ]
    missing = client.get("/open311/v2/requests/999999.xml")
    assert missing.status_code == 404
    assert _xml_items(missing, "errors", "error") == [
        {"code": "404", "description": "服务请求 999999 不存在"}
    ]

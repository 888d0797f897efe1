"""Masking in console and API (role without view_sensitive vs with it, and the log entry) and API filters."""

import pytest

from tests.ledger.factories import make_enterprise, make_id, make_member
from xinye.accounts.permissions import system_actor
from xinye.audit.models import ChangeLog
from xinye.ledger import services
from xinye.ledger.models import Practitioner
from xinye.orgs.choices import UnitKind

SYSTEM = system_actor("test")

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(world):
    """A truck driver in 开鲁县 (visible to kailu's staff, the city and the transport department)."""
    ent = make_enterprise(
        world["units"]["djb-kailu-freight"], name="货拉拉开鲁东风车队", contact_phone="13987654321"
    )
    number = make_id("150523")
    p = services.create_practitioner(
        enterprise=ent,
        name="赵志刚",
        id_number=number,
        phone="13812345678",
        occupation="truck_driver",
        actor=SYSTEM,
    )
    return p


def _views_logged(obj) -> int:
    return ChangeLog.objects.filter(
        action="view_sensitive", object_id=str(obj.pk), content_type__model=obj._meta.model_name
    ).count()


def test_console_masks_for_a_role_without_view_sensitive(worker, client_for):
    client = client_for("transport_dept")  # 行业主管部门: ledger view only
    listing = client.get("/admin/ledger/practitioner/", {"q": "赵志刚"}).content.decode()
    assert "150523********" in listing and worker.id_number not in listing
    page = client.get(f"/admin/ledger/practitioner/{worker.pk}/change/").content.decode()
    assert worker.id_number not in page and "138****5678" in page
    assert _views_logged(worker) == 0


def test_console_shows_clear_values_with_view_sensitive_and_logs_it(worker, client_for):
    client = client_for("city_admin")
    listing = client.get("/admin/ledger/practitioner/", {"q": worker.id_number}).content.decode()
    assert "赵志刚" in listing and "150523********" in listing  # found through the hash, still masked
    listing = client.get("/admin/ledger/practitioner/", {"q": "赵志刚"}).content.decode()
    assert worker.id_number not in listing and "13812345678" not in listing
    assert _views_logged(worker) == 0
    page = client.get(f"/admin/ledger/practitioner/{worker.pk}/change/").content.decode()
    assert worker.id_number in page and "13812345678" in page
    entry = ChangeLog.objects.get(action="view_sensitive", object_id=str(worker.pk))
    assert entry.username == "city_admin" and "公民身份号码" in entry.note


def test_api_masks_and_logs_like_the_console(worker, api_client):
    masked = api_client("transport_dept").get(f"/api/v1/practitioners/{worker.pk}").json()
    assert masked["id_number"] == worker.id_number[:6] + "********" + worker.id_number[-4:]
    assert masked["phone"] == "138****5678" and masked["gender"] == "M"
    assert _views_logged(worker) == 0
    clear = api_client("city_admin").get(f"/api/v1/practitioners/{worker.pk}").json()
    assert clear["id_number"] == worker.id_number and clear["phone"] == "13812345678"
    assert _views_logged(worker) == 1
    listing = (
        api_client("city_admin").get("/api/v1/practitioners", {"enterprise": worker.enterprise_id}).json()
    )
    assert listing["items"][0]["id_number"] != worker.id_number  # lists are always masked
    ent = api_client("transport_dept").get(f"/api/v1/enterprises/{worker.enterprise_id}").json()
    assert ent["contact_phone"] == "139****4321"
    assert api_client("kerqin_admin").get(f"/api/v1/practitioners/{worker.pk}").status_code == 404


def test_enterprise_change_page_shows_owners_and_practitioners(worker, client_for, world):
    from xinye.orgs.services import assign_responsibility

    ent = worker.enterprise
    assign_responsibility(
        ent, "industry_committee", unit=world["units"]["hydw-freight"], actor=system_actor("test")
    )
    page = client_for("city_admin").get(f"/admin/ledger/enterprise/{ent.pk}/change/").content.decode()
    assert "通辽市大货车（网约车）行业党委" in page
    assert "1 人（其中党员 0 人）" in page
    assert "（缺）" in page  # required roles nobody holds yet


def test_api_filters(world, api_client):
    office = world["units"]["djb-kerqin-delivery"]
    own = make_enterprise(office, name="美团外卖科尔沁明仁配送站")
    for _ in range(3):
        make_member(own)
    services.create_party_organisation(kind=UnitKind.BRANCH, enterprises=[own], actor=SYSTEM)
    a, b = make_enterprise(office), make_enterprise(office)
    services.create_party_organisation(kind=UnitKind.JOINT_BRANCH, enterprises=[a, b], actor=SYSTEM)
    blank = make_enterprise(world["units"]["djb-kerqin-express"], name="极兔速递科尔沁红星网点")
    client = api_client("kerqin_admin")

    def ids(**params):
        body = client.get("/api/v1/enterprises", {"limit": 500, **params}).json()
        return {i["id"] for i in body["items"]}

    assert own.pk in ids(status="independent") and a.pk not in ids(status="independent")
    assert {a.pk, b.pk} <= ids(status="联合组建")
    assert blank.pk in ids(status="blank") and blank.pk not in ids(status="work")
    assert blank.pk in ids(industry="express") and own.pk not in ids(industry="express")
    assert ids(region="150525") == set()  # 奈曼旗 is outside 科尔沁区's scope
    assert client.get("/api/v1/enterprises", {"status": "nonsense"}).status_code == 422
    item = next(i for i in client.get("/api/v1/enterprises", {"q": "明仁配送站"}).json()["items"])
    assert item["status_label"] == "单独组建"
    members = client.get("/api/v1/party-members", {"enterprise": own.pk, "status": "full"}).json()
    assert members["count"] == 3
    people = client.get("/api/v1/practitioners", {"enterprise": own.pk, "status": "full"}).json()
    assert people["count"] == 3
    orgs = client.get("/api/v1/organisations", {"kind": "joint_branch", "limit": 500}).json()
    assert any(set(o["enterprises"]) == {a.pk, b.pk} for o in orgs["items"])


def test_create_and_update_through_the_api(world, api_client):
    from tests.ledger.factories import make_uscc

    client = api_client("kerqin_admin")
    r = client.post(
        "/api/v1/enterprises",
        {
            "name": "饿了么科尔沁西门蜂鸟配送站",
            "uscc": make_uscc(),
            "industry": "delivery",
            "region": "150502",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    ent = r.json()
    assert ent["unit_name"] == "科尔沁区外卖骑手行业党建办" and ent["status"] == "blank"
    r = client.post(
        "/api/v1/enterprises",
        {"name": "x", "uscc": "91150502MA0000000X", "industry": "delivery", "region": "150502"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "uscc"
    r = client.post(
        "/api/v1/enterprises",
        {"name": "越权", "industry": "delivery", "region": "150525"},
        content_type="application/json",
    )
    assert r.status_code == 404  # another county's office: out of scope
    r = client.patch(f"/api/v1/enterprises/{ent['id']}", {"staff_count": 42}, content_type="application/json")
    assert r.status_code == 200 and r.json()["staff_count"] == 42
    number = make_id("150502")
    r = client.post(
        "/api/v1/practitioners",
        {
            "name": "乌云",
            "id_number": number,
            "phone": "13912340000",
            "enterprise": ent["id"],
            "occupation": "rider",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["id_number"] == number  # county_admin holds view_sensitive
    bad = number[:-1] + ("1" if number[-1] != "1" else "2")
    r = client.post(
        "/api/v1/practitioners",
        {"name": "错号", "id_number": bad, "enterprise": ent["id"]},
        content_type="application/json",
    )
    assert r.status_code == 422 and "校验位" in r.json()["errors"][0]["message"]
    pid = Practitioner.objects.get(name="乌云").pk
    r = client.patch(
        f"/api/v1/practitioners/{pid}", {"political_status": "probationary"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["political_status"] == "probationary"
    assert client.get("/api/v1/party-members", {"enterprise": ent["id"]}).json()["count"] == 1
    assert (
        api_client("transport_dept")
        .post(
            "/api/v1/practitioners",
            {"name": "a", "id_number": number, "enterprise": ent["id"]},
            content_type="application/json",
        )
        .status_code
        == 403
    )

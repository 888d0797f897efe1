"""Personal services: the catalogue's rules, the public API, sign-ups (no double sign-up, no more than the
places), the portal's /m/services/ and the station page's list of services."""

import datetime

import pytest
from django.utils import timezone

from tests.appeals.helpers import worker
from tests.care.factories import make_offer, make_session
from tests.portal.helpers import sign_in
from tests.stations.factories import make_station
from xinye.accounts.permissions import system_actor
from xinye.care import services
from xinye.care.models import ServiceOffer, ServiceSignup
from xinye.core.errors import Refused

SYS = system_actor("test")
KERQIN = "street-kerqin-1-c1"
NAIMAN = "street-naiman-1"


def test_sign_up_refuses_a_second_sign_up_and_a_full_session(world):
    session = make_session(make_offer(world["units"][KERQIN], kind="red_education"), capacity=1)
    first, second = worker(KERQIN), worker(KERQIN)
    services.sign_up(session, worker=first)
    with pytest.raises(Refused, match="无需重复报名"):
        services.sign_up(session, worker=first)
    with pytest.raises(Refused, match="名额已满"):
        services.sign_up(session, worker=second)
    # a cancellation frees the place
    services.cancel_signup(ServiceSignup.objects.get(worker=first), worker=first)
    services.sign_up(session, worker=second)
    assert session.taken == 1


def test_sign_up_refuses_past_and_cancelled_sessions(world):
    offer = make_offer(world["units"][KERQIN], kind="jobs")
    past = make_session(offer, starts_at=timezone.now() - datetime.timedelta(hours=1))
    cancelled = make_session(offer, is_cancelled=True)
    for session in (past, cancelled):
        with pytest.raises(Refused, match="停止报名"):
            services.sign_up(session, worker=worker(KERQIN))


def test_offer_and_session_rules(world):
    unit = world["units"][KERQIN]
    elsewhere = make_station(world["units"][NAIMAN])
    offer = ServiceOffer(kind="legal_aid", title="法律援助工作站", unit=unit, station=elsewhere)
    with pytest.raises(Refused) as exc:
        services.save_offer(offer, actor=SYS)
    assert "服务站须在提供单位所在的旗县区" in str(exc.value)
    offer.station = None
    services.save_offer(offer, actor=SYS)
    assert offer.region_id == unit.region_id
    session = make_session(offer)
    with pytest.raises(Refused, match="只有红色教育和就业招聘"):
        services.save_session(session, actor=SYS)


def test_catalogue_filters_orders_and_hides_what_is_not_published(world):
    kerqin, naiman = world["units"][KERQIN], world["units"][NAIMAN]
    near = make_offer(kerqin, kind="legal_aid", title="近的法援点", latitude=43.62, longitude=122.26)
    far = make_offer(kerqin, kind="legal_aid", title="远的法援点", latitude=43.70, longitude=122.26)
    other = make_offer(naiman, kind="legal_aid", title="奈曼法援点")
    make_offer(kerqin, kind="legal_aid", title="停发的", is_active=False)
    make_offer(
        kerqin, kind="legal_aid", title="过期的", valid_until=timezone.localdate() - datetime.timedelta(1)
    )

    titles = [o.title for o in services.catalogue(kind="legal_aid", lat=43.61, lng=122.26)]
    assert titles.index("近的法援点") < titles.index("远的法援点")
    assert "停发的" not in titles and "过期的" not in titles
    in_county = services.catalogue(county=naiman.region_id, kind="legal_aid")
    assert other in in_county and near not in in_county
    first = services.catalogue(kind="legal_aid", first_county=naiman.region_id)
    assert first[0].region_id == naiman.region_id
    assert far in services.catalogue(kind="legal_aid")


def test_public_api_answers_the_contract(world, client):
    unit = world["units"][KERQIN]
    offer = make_offer(unit, kind="red_education", title="红色教育基地（测试）")
    session = make_session(offer, capacity=12)
    make_offer(unit, kind="counselling", title="心理热线（测试）")
    r = client.get("/api/v1/services", {"county": unit.region_id, "kind": "red_education"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == len(body["items"]) >= 1
    item = next(i for i in body["items"] if i["id"] == offer.pk)
    assert item["kind"] == "red_education" and item["kind_label"] == "红色教育"
    assert item["county"] == unit.region_id and item["phone"] == "0475-1234567"
    assert item["sessions"][0]["id"] == session.pk and item["sessions"][0]["capacity"] == 12
    assert all(i["kind"] == "red_education" for i in body["items"])
    bad = client.get("/api/v1/services", {"kind": "massage"})
    assert bad.status_code == 422 and "kind" in bad.content.decode()


def test_station_page_lists_its_and_its_county_services_with_tel_links(world, client):
    kerqin = world["units"][KERQIN]
    station = make_station(kerqin)
    own = make_offer(
        kerqin, kind="legal_aid", title="驿站法律援助点", station=station, hours="周三 14:00-17:00"
    )
    county = make_offer(kerqin, kind="school", title="科尔沁区子女入学咨询")
    other = make_offer(world["units"][NAIMAN], kind="school", title="奈曼旗子女入学咨询")
    html = client.get(station.get_absolute_url()).content.decode()
    assert own.title in html and county.title in html and other.title not in html
    assert 'href="tel:0475-1234567"' in html and "周三 14:00-17:00" in html


def test_worker_signs_up_on_the_portal_and_sees_it(world, client):
    session = make_session(make_offer(world["units"][KERQIN], kind="red_education", title="乌兰牧骑红色课堂"))
    anonymous = client.get("/m/services/?kind=red_education").content.decode()
    assert "登录后报名" in anonymous
    sign_in(client, "13904759901")
    r = client.post(f"/m/services/sessions/{session.pk}/signup/", {"next": "/m/services/"})
    assert r.status_code == 302 and r["Location"] == "/m/services/"
    page = client.get("/m/services/").content.decode()
    assert 'id="my-signups"' in page and "乌兰牧骑红色课堂" in page and "已报名" in page
    again = client.post(f"/m/services/sessions/{session.pk}/signup/", follow=True).content.decode()
    assert "您已报名该场次" in again
    assert ServiceSignup.objects.filter(session=session).count() == 1


def test_deleting_a_workers_data_removes_their_sign_ups(world):
    from xinye.portal.services import delete_worker_data

    session = make_session(make_offer(world["units"][KERQIN], kind="jobs"))
    w = worker(KERQIN)
    services.sign_up(session, worker=w)
    delete_worker_data(worker=w)
    assert not ServiceSignup.objects.filter(session=session).exists()
    assert session.taken == 0


def test_console_adds_an_offer_through_the_service(world, client_for):
    client = client_for("community_admin")
    unit = world["units"][KERQIN]
    data = {
        "kind": "counselling",
        "title": "社区心理驿站",
        "unit": unit.pk,
        "phone": "12356",
        "hours": "每周五 15:00-18:00",
        "is_active": "on",
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
    }
    r = client.post("/admin/care/serviceoffer/add/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    offer = ServiceOffer.objects.get(title="社区心理驿站")
    assert offer.region_id == unit.region_id
    elsewhere = {**data, "title": "别处的", "unit": world["units"]["street-kerqin-2-c1"].pk}
    assert client.post("/admin/care/serviceoffer/add/", elsewhere).status_code == 200  # refused on the form
    assert not ServiceOffer.objects.filter(title="别处的").exists()

"""The console: the overview page (figures, silent pairs, unpaired enterprises) in the viewer's scope, and an
activity logged from the enterprise side through the admin form with the 六联 as check boxes."""

import datetime

import time_machine

from tests.conftest import login
from tests.ledger.factories import make_enterprise
from tests.mixins import console_form_data
from tests.pairing.factories import make_activity, make_enterprise_org, make_host, make_pairing
from tests.pairing.test_pairing import NOV_20, SYS
from xinye.accounts.models import User
from xinye.accounts.services import assign_role
from xinye.coverage import aggregates
from xinye.pairing.models import PairingActivity


@time_machine.travel(NOV_20, tick=False)
def test_the_overview_shows_the_figures_the_silent_pairs_and_the_unpaired(world):
    office = world["units"]["djb-kerqin-delivery"]
    host = make_host(world["units"]["tl-zzb"], name="通辽市商务局机关党支部")
    lively = make_pairing(host, partner_org=make_enterprise_org(office))
    quiet = make_pairing(host, partner_org=make_enterprise_org(office))
    make_activity(lively, held_on=datetime.date(2026, 11, 3), links=["venue", "team"])
    make_activity(quiet, held_on=datetime.date(2026, 8, 3), links=["service"])
    lonely = make_enterprise(office, name="科尔沁区无人结对配送站")
    aggregates.refresh()

    page = login("kerqin_admin").get("/admin/pairing/")
    assert page.status_code == 200
    html = page.content.decode()
    silent = html.split('id="silent"')[1].split("</table>")[0]
    assert f"/admin/pairing/pairing/{quiet.pk}/change/" in silent
    assert f"/admin/pairing/pairing/{lively.pk}/change/" not in silent
    assert lonely.name in html.split('id="unpaired"')[1]
    # a county without these pairs sees none of them, and someone without the pairing grant gets a 404
    naiman = User.objects.create(username="naiman_admin", is_staff=True)
    assign_role(naiman, "county_admin", world["units"]["lxgw-naiman"], actor=SYS)
    other = login("naiman_admin").get("/admin/pairing/").content.decode()
    assert lonely.name not in other and str(quiet.unit) not in other.split('id="silent"')[1]
    assert login("auditor").get("/admin/pairing/").status_code == 404


@time_machine.travel(NOV_20, tick=False)
def test_the_enterprise_side_logs_an_activity_in_the_console(world):
    org = make_enterprise_org(world["units"]["djb-kerqin-delivery"])
    pair = make_pairing(make_host(world["units"]["tl-zzb"]), partner_org=org)
    user = User.objects.create(username="ent_sec", display_name="企业支部书记", is_staff=True)
    assign_role(user, "secretary", org.unit, actor=SYS)
    client = login("ent_sec")
    data = {
        "pairing": pair.pk,
        "held_on": "2026-11-18",
        "title": "骑手党员到机关过组织生活",
        "links": ["organisation", "team"],
        "participants": 11,
        "place": "机关党员活动室",
        "summary": "",
        "evidence-TOTAL_FORMS": 0,
        "evidence-INITIAL_FORMS": 0,
    }
    response = client.post("/admin/pairing/pairingactivity/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = PairingActivity.objects.get()
    assert activity.links == ["organisation", "team"] and activity.side == "partner"
    # outside the period: refused beside the date, nothing saved
    response = client.post("/admin/pairing/pairingactivity/add/", dict(data, held_on="2025-06-01"))
    assert response.status_code == 200 and "不在结对期限" in response.content.decode()
    assert PairingActivity.objects.count() == 1
    # the pair's own page opens for the enterprise side, its sides shown but not editable
    page = client.get(f"/admin/pairing/pairing/{pair.pk}/change/")
    assert page.status_code == 200 and 'name="unit"' not in page.content.decode()
    data = console_form_data(user, pair)
    data["goals"] = "每月一次联合主题党日"
    response = client.post(f"/admin/pairing/pairing/{pair.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    pair.refresh_from_db()
    assert pair.goals == "每月一次联合主题党日" and pair.partner_org == org


def test_the_pair_list_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    host = make_host(world["units"]["tl-zzb"])
    for _ in range(6):
        pair = make_pairing(host, enterprise=make_enterprise(world["units"]["djb-kerqin-delivery"]))
        make_activity(pair)
    client = login("city_admin")
    client.get("/admin/pairing/pairing/")  # warm the session and the grants
    with django_assert_max_num_queries(25):
        response = client.get("/admin/pairing/pairing/")
    assert response.status_code == 200 and response.content.decode().count("通辽市交通运输局机关党支部") >= 6
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/pairings").json()["count"] == 6


def test_the_add_form_offers_only_party_organisations_that_are_not_enterprises_as_hosts(world):
    office = world["units"]["djb-kerqin-delivery"]
    host = make_host(world["units"]["street-kerqin-1-c1"], name="科尔沁街道和平社区党委")
    org = make_enterprise_org(office)
    page = login("kerqin_admin").get("/admin/pairing/pairing/add/").content.decode()
    select = page.split('name="unit"')[1].split("</select>")[0]
    assert f'value="{host.pk}"' in select
    assert f'value="{org.unit_id}"' not in select and f'value="{office.pk}"' not in select
    response = login("kerqin_admin").post(
        "/admin/pairing/pairing/add/",
        {
            "unit": host.pk,
            "host_sector": "community",
            "partner_org": org.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "goals": "社区与企业共建",
            "plans-TOTAL_FORMS": 0,
            "plans-INITIAL_FORMS": 0,
            "activities-TOTAL_FORMS": 0,
            "activities-INITIAL_FORMS": 0,
            "reviews-TOTAL_FORMS": 0,
            "reviews-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    pairing = host.pairings_hosted.get()
    assert pairing.partner_unit == org.unit and pairing.created_by.username == "kerqin_admin"

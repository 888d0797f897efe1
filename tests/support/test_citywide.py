"""The city's catalogue rows as a county clerk sees them in the console (gaps1 item 3): the city's policies,
banks, products and events are listed beside the county's own and open read-only; the county still edits
its own, and another county's stay out of sight (404)."""

import pytest

from tests.conftest import login
from tests.support import factories as f
from xinye.support.models import Institution, Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):
    units = world["units"]
    city, kerqin, naiman = units["tl-lxgw"], units["lxgw-kerqin"], units["lxgw-naiman"]
    bank = f.make_institution(city, name="农业银行通辽分行")
    return {
        "city": f.make_policy(city, title="通辽市骑手职业伤害保障办法"),
        "own": f.make_policy(kerqin, title="科尔沁区站点用房支持"),
        "other": f.make_policy(naiman, title="奈曼旗骑手驿站补贴"),
        "bank": bank,
        "product": f.make_product(city, institution=bank, name="骑手创业贷"),
        "event": f.make_event(city, title="全市银企对接会"),
    }


def _change_data(policy, **extra):
    return {
        "title": policy.title,
        "issuer": policy.issuer,
        "applies_to": policy.applies_to,
        "effective_from": "2026-01-01",
        "unit": policy.unit_id,
        "reach-TOTAL_FORMS": 0,
        "reach-INITIAL_FORMS": 0,
        **extra,
    }


def test_a_county_lists_the_citys_catalogue_beside_its_own(rows):
    county = login("kerqin_admin")
    page = county.get("/admin/support/policy/").content.decode()
    assert "通辽市骑手职业伤害保障办法" in page and "科尔沁区站点用房支持" in page
    assert "奈曼旗骑手驿站补贴" not in page
    assert "农业银行通辽分行" in county.get("/admin/support/institution/").content.decode()
    assert "骑手创业贷" in county.get("/admin/support/product/").content.decode()
    assert "全市银企对接会" in county.get("/admin/support/matchevent/").content.decode()
    # the API already read them so: the two faces agree
    titles = {p["title"] for p in f_api(county)}
    assert {
        "通辽市骑手职业伤害保障办法",
        "科尔沁区站点用房支持",
    } <= titles and "奈曼旗骑手驿站补贴" not in titles


def f_api(client):
    return client.get("/api/v1/policies", {"limit": 100}).json()["items"]


def test_the_citys_policy_opens_read_only_for_a_county(rows):
    county = login("kerqin_admin")
    city = rows["city"]
    page = county.get(f"/admin/support/policy/{city.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert city.title in page.content.decode()
    county.post(f"/admin/support/policy/{city.pk}/change/", _change_data(city, title="县里改了市里的政策"))
    city.refresh_from_db()
    assert city.title == "通辽市骑手职业伤害保障办法"
    deleted = county.post(f"/admin/support/policy/{city.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403 and Policy.objects.filter(pk=city.pk).exists()
    bank = county.get(f"/admin/support/institution/{rows['bank'].pk}/change/")
    assert bank.status_code == 200 and not bank.context["has_change_permission"]
    assert Institution.objects.get(pk=rows["bank"].pk).name == "农业银行通辽分行"


def test_a_county_still_edits_its_own_and_never_sees_another_countys(rows):
    county = login("kerqin_admin")
    own = rows["own"]
    response = county.post(
        f"/admin/support/policy/{own.pk}/change/", _change_data(own, title="科尔沁区站点用房补贴")
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "科尔沁区站点用房补贴"
    assert county.get(f"/admin/support/policy/{rows['other'].pk}/change/").status_code == 404
    # the city sees and edits its own as before
    city_admin = login("city_admin")
    page = city_admin.get(f"/admin/support/policy/{rows['city'].pk}/change/")
    assert page.context["has_change_permission"]

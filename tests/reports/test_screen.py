"""The 工作台 and the wall screen: the headline figures are the API's for the same user, the comparison
follows the scope (counties for the city, industries for a county), the charts count what happened, the
screen names no person, and a display link shows the screen until it is revoked."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.appeals.helpers import key, worker
from tests.coverage.test_api import make_four
from tests.ledger.factories import make_practitioner
from xinye.accounts.models import User
from xinye.accounts.permissions import system_actor
from xinye.appeals import services as appeals
from xinye.audit.models import ChangeLog
from xinye.core.errors import OutOfScope, Refused
from xinye.ledger.models import Practitioner
from xinye.orgs.models import OrgUnit
from xinye.reports import dashboard, services
from xinye.reports.models import DisplayLink
from xinye.workers.models import Worker

pytestmark = pytest.mark.django_db


def _home(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("username", ["city_admin", "kerqin_admin"])
def test_the_workbench_states_the_apis_figures(world, client_for, api_client, username):
    make_four(world)
    api = api_client(username).get("/api/v1/stats/overview").json()
    rows = api_client(username).get("/api/v1/stats/coverage", {"by": "county"}).json()["rows"]
    response = _home(client_for(username))
    figures = {f["key"]: f for f in response.context["xinye_headline"]}
    assert figures["enterprises"]["value"] == api["enterprises"] > 0
    assert figures["practitioners"]["value"] == api["practitioners"]
    assert figures["party_members"]["value"] == api["party_members"] > 0
    assert figures["organisations"]["value"] == api["party_organisations"]["total"] > 0
    assert figures["agents"]["value"] == f"{api['instructors']} / {api['liaisons']}"
    assert figures["coverage"]["value"] == f"{api['coverage']['work_rate'] * 100:.1f}%"
    # … and the coverage page's table: the comparison's bars add up to the same enterprises
    comparison = response.context["xinye_charts"]["comparison"]
    assert sum(sum(values) for _label, values in comparison["series"]) == api["enterprises"]
    assert sum(r["enterprises"] for r in rows) == api["enterprises"]
    # each figure opens the list it counts, and the page shows it
    assert figures["enterprises"]["link"] == reverse("admin:ledger_enterprise_changelist")
    page = response.content.decode()
    assert 'data-figure="enterprises"' in page and 'id="xinye-dashboard-data"' in page
    assert "<script>" not in page.split('id="xinye-dashboard-data"')[0].rsplit("<script", 1)[-1]


def test_the_comparison_follows_the_scope(world, client_for):
    make_four(world)
    city = _home(client_for("city_admin")).context["xinye_charts"]["comparison"]
    county = _home(client_for("kerqin_admin")).context["xinye_charts"]["comparison"]
    assert city["by"] == "county" and {"科尔沁区", "奈曼旗"} <= set(city["labels"])
    assert county["by"] == "industry" and "奈曼旗" not in county["labels"]
    assert {"快递", "外卖骑手"} & set(county["labels"])


def test_the_trends_count_appeals_and_checkins(world):
    user = User.objects.get(username="kerqin_admin")
    today = timezone.localdate()
    before = dashboard.appeals_per_week(user, today)["values"][-1]
    appeals.submit_appeal(worker=worker(), category="wages", text="老板拖欠工资三个月", idempotency_key=key())
    after = dashboard.appeals_per_week(user, today)
    assert after["values"][-1] == before + 1 and len(after["values"]) == dashboard.WEEKS
    naiman = User.objects.get(username="city_admin")
    assert dashboard.checkins_per_day(naiman, today)["labels"][-1] == f"{today:%m-%d}"


def test_the_worklist_cards_stay_below_the_figures(world, client_for):
    page = _home(client_for("city_admin")).content.decode()
    assert (
        page.index('id="xinye-headline"') < page.index('id="xinye-charts"') < page.index('id="xinye-cards"')
    )


# --- the wall screen ---


def _personal_values():
    """Every name, phone and ID number of the data that a screen must never show."""
    values = set()
    for w in Worker.objects.all():
        values |= {w.name, w.phone}
    for p in Practitioner.objects.all():
        values |= {p.name, p.phone, p.id_number}
    return {v for v in values if v and len(v) >= 2}


def test_the_screen_shows_no_personal_data(world, client_for):
    enterprise = next(iter(make_four(world).values()))
    make_practitioner(enterprise, name="王小明", phone="13955556666", id_number="150502199001011234")
    named = worker()
    named.name = "李四骑手"
    named.save()
    appeals.submit_appeal(worker=named, category="wages", text="老板拖欠三个月工资", idempotency_key=key())
    client = client_for("city_admin")
    page = client.get(reverse("screen:staff"))
    data = client.get(reverse("screen:staff_data"))
    assert page.status_code == data.status_code == 200
    text = page.content.decode() + json.dumps(data.json(), ensure_ascii=False)
    assert "诉求待受理" in text or "诉求" in text  # the anonymised activity is there …
    assert "科尔沁区 一件" in text
    leaked = [v for v in _personal_values() if v in text]
    assert not leaked, leaked  # … but no name, phone or ID number from the data
    assert "老板拖欠" not in text


def test_the_screen_draws_the_nine_counties_and_the_stations(world, client_for):
    response = client_for("city_admin").get(reverse("screen:staff"))
    shapes = response.context["county_map"]["shapes"]
    assert len(shapes) == 9 and {s["name"] for s in shapes} >= {"科尔沁区", "霍林郭勒市", "奈曼旗"}
    page = response.content.decode()
    assert page.count("<path ") == 9 and 'id="screen-data"' in page
    assert "https://" not in page  # no tiles, no CDN


def test_who_may_open_the_screen(world, client_for, client):
    assert client.get(reverse("screen:staff")).status_code == 302  # to the console's login
    assert client.get(reverse("screen:staff_data")).status_code == 404
    assert client_for("union_staff").get(reverse("screen:staff")).status_code == 404  # no statistics
    kerqin = client_for("kerqin_admin").get(reverse("screen:staff"))
    assert kerqin.status_code == 200 and kerqin.context["scope_name"] == "科尔沁区两新工委"


# --- display links ---


def test_a_display_link_is_made_in_the_console_shown_once_and_logged(world, client_for):
    client = client_for("city_admin")
    root = OrgUnit.objects.get(code="tl-zzb")
    response = client.post(
        reverse("admin:reports_displaylink_add"), {"name": "三楼会议室大屏", "unit": root.pk}, follow=True
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "/screen/k/" in messages[0]
    url = messages[0].split("<code>")[1].split("</code>")[0]
    link = DisplayLink.objects.get(name="三楼会议室大屏")
    assert link.created_by.username == "city_admin" and link.key_hash not in url
    assert ChangeLog.objects.filter(object_repr__contains="三楼会议室大屏").exists()

    anonymous = client_class()
    shown = anonymous.get(url)
    assert shown.status_code == 200 and shown.context["scope_name"] == "全市"
    assert anonymous.get(url + "data.json").status_code == 200

    # revoked in the console: the TV's next refresh answers 404
    client.post(
        reverse("admin:reports_displaylink_changelist"),
        {"action": "revoke", "_selected_action": [link.pk]},
    )
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(url + "data.json").status_code == 404
    assert ChangeLog.objects.filter(object_repr__contains="三楼会议室大屏").count() >= 2


def client_class():
    from django.test import Client

    return Client()


def test_a_county_link_shows_the_county_and_refusals_are_named(world):
    kerqin = User.objects.get(username="kerqin_admin")
    county = OrgUnit.objects.get(code="lxgw-kerqin")
    link, key_ = services.create_display_link(name="科尔沁区大厅", unit=county, actor=kerqin)
    page = client_class().get(reverse("screen:link", args=[key_]))
    assert page.status_code == 200 and page.context["scope_name"] == "科尔沁区两新工委"
    labels = page.context["data"]["charts"]["comparison"]["labels"]
    assert "奈曼旗" not in labels
    with pytest.raises(OutOfScope):
        services.create_display_link(name="全市", unit=OrgUnit.objects.get(code="tl-zzb"), actor=kerqin)
    with pytest.raises(Refused) as exc:
        services.create_display_link(name=" ", unit=county, actor=kerqin)
    assert "名称" in exc.value.messages[0]
    services.revoke_display_link(link, actor=system_actor("test"))
    assert client_class().get(reverse("screen:link", args=[key_])).status_code == 404
    assert client_class().get(reverse("screen:link", args=["not-a-key"])).status_code == 404

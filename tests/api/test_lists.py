"""The shared list machinery (issue 12, item 5): one FilterSet per type read by the API and the console,
and the list/detail/create/update endpoints built by `xinye.api.lists.Endpoints`."""

import datetime

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory

from tests.stations.factories import make_station
from xinye.core.errors import Refused
from xinye.core.filters import Filter, FilterSet
from xinye.orgs.filters import UNIT_FILTERS
from xinye.orgs.models import OrgUnit
from xinye.stations.filters import STATION_FILTERS
from xinye.stations.models import Station

# --- the declaration ---


def test_a_field_name_is_the_whole_declaration():
    by_name = {f.name: f for f in UNIT_FILTERS.filters}
    assert by_name["kind"].type is str and "street" in by_name["kind"].choices
    assert by_name["is_active"].type is bool
    assert by_name["parent"].type is int  # a key: the target's primary key type
    assert by_name["region"].type is str  # Region's key is its code
    # keys with thousands of values stay out of the console's sidebar
    assert UNIT_FILTERS.list_filter == ("kind", "industry", "region", "is_active")
    assert UNIT_FILTERS.search_fields == ("name", "code")


def test_ranges_and_methods_are_api_only():
    filters = FilterSet(
        Station,
        "status",
        Filter("since", field="created_at", lookup="gte"),
        Filter("busy", type=bool, method=lambda qs, v: qs),
    )
    by_name = {f.name: f for f in filters.filters}
    assert by_name["since"].type is datetime.datetime
    assert filters.list_filter == ("status",)


def test_apply_narrows_and_ignores_what_is_not_given(world):
    mine = make_station(world["units"]["street-kerqin-1-c1"], status="paused", name="滤过站")
    qs = Station.objects.all()
    assert STATION_FILTERS.apply(qs, {}).count() == qs.count()
    assert STATION_FILTERS.apply(qs, {"status": "", "q": None}).count() == qs.count()
    found = STATION_FILTERS.apply(qs, {"status": "paused", "q": "滤过"})
    assert list(found) == [mine]


def test_a_value_outside_the_choices_is_refused_in_chinese():
    with pytest.raises(Refused) as exc:
        STATION_FILTERS.apply(Station.objects.all(), {"status": "bogus"})
    assert exc.value.messages == ["参数 status 的值“bogus”无效，可选：open、paused、closed"]


# --- the API ---


def test_list_shape_filters_and_pagination(api_client, world):
    client = api_client("kerqin_admin")
    body = client.get("/api/v1/org-units", {"kind": "street", "limit": 2, "offset": 1}).json()
    assert set(body) == {"items", "count"} and len(body["items"]) == 2
    assert all(u["kind"] == "street" for u in body["items"])
    everything = client.get("/api/v1/org-units", {"kind": "street", "limit": 500}).json()
    assert everything["count"] == len(everything["items"]) == body["count"]
    assert everything["items"][1:3] == body["items"]


def test_bad_choice_is_a_chinese_422(api_client):
    r = api_client("kerqin_admin").get("/api/v1/org-units", {"kind": "bogus"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("参数 kind 的值“bogus”无效，可选：")


def test_a_badly_typed_parameter_is_a_422_too(api_client):
    r = api_client("kerqin_admin").get("/api/v1/org-units", {"parent": "abc"})
    assert r.status_code == 422 and r.json()["detail"] == "请求参数有误：parent 须为整数"


def test_detail_outside_scope_is_404_and_list_leaves_it_out(api_client, world):
    mine = make_station(world["units"]["street-kerqin-1-c1"])
    other = make_station(world["units"]["street-kerqin-2-c1"])
    client = api_client("community_admin")
    assert client.get(f"/api/v1/stations/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/stations/{mine.pk}").json()["code"] == mine.code
    codes = {s["code"] for s in client.get("/api/v1/stations", {"limit": 500}).json()["items"]}
    assert mine.code in codes and other.code not in codes


def test_create_looks_references_up_in_scope(api_client, world):
    client = api_client("kerqin_admin")
    outside = OrgUnit.objects.filter(region__code__startswith="150521").first()
    r = client.post(
        "/api/v1/members/courses",
        {"title": "外区课程", "unit_id": outside.pk},
        content_type="application/json",
    )
    assert r.status_code == 404
    inside = world["units"]["street-kerqin-1-c1"]
    r = client.post(
        "/api/v1/members/courses",
        {"title": "本区课程", "unit_id": inside.pk},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["unit_id"] == inside.pk


def test_operation_ids_and_schema_names_are_unique(world):
    doc = Client().get("/api/v1/openapi.json").json()
    ops = [op for path in doc["paths"].values() for op in path.values()]
    ids = [op["operationId"] for op in ops]
    assert len(ids) == len(set(ids))
    # the generated endpoints keep the ids they had when written by hand
    assert doc["paths"]["/api/v1/stations"]["get"]["operationId"] == "xinye_stations_api_list_stations"
    assert doc["paths"]["/api/v1/meetings/{meeting_id}"]["patch"]["operationId"] == (
        "xinye_orglife_api_update_meeting"
    )
    params = {p["name"] for p in doc["paths"]["/api/v1/stations"]["get"]["parameters"]}
    assert {"region", "status", "q", "limit", "offset"} <= params


# --- the console ---


def test_the_console_reads_the_same_declaration(world):
    station_admin = admin.site._registry[Station]
    request = RequestFactory().get("/")
    request.user = world["users"]["sysadmin"]
    assert station_admin.get_list_filter(request) == STATION_FILTERS.list_filter
    assert station_admin.get_search_fields(request) == STATION_FILTERS.search_fields
    assert admin.site._registry[OrgUnit].get_list_filter(request) == UNIT_FILTERS.list_filter


def test_console_list_filters_by_the_declared_fields(client_for, world):
    make_station(world["units"]["street-kerqin-1-c1"], name="控制台可见站")
    r = client_for("kerqin_admin").get(
        "/admin/stations/station/", {"status__exact": "open", "q": "控制台可见"}
    )
    assert r.status_code == 200 and "控制台可见站" in r.content.decode()


@pytest.mark.parametrize(
    "changelist",
    [
        "orgs/region",
        "orgs/orgunit",
        "stations/station",
        "volunteers/volunteerprofile",
        "volunteers/volunteeractivity",
        "orglife/meeting",
        "orglife/onlinegroup",
        "guidance/visit",
        "guidance/visitproblem",
        "guidance/instructorassessment",
        "members/developmentcase",
        "members/transferletter",
        "members/flowingmember",
        "members/incomedeclaration",
        "members/duespayment",
        "members/course",
        "members/studyrecord",
    ],
)
def test_every_converted_console_list_filters_and_searches(client_for, world, changelist):
    client = client_for("city_admin")
    assert client.get(f"/admin/{changelist}/").status_code == 200
    assert client.get(f"/admin/{changelist}/", {"q": "通辽"}).status_code == 200

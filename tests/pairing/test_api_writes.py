"""结对共建 writes over the API: every write the console offers (pairs, activities and their evidence, yearly
plans and their planned activities, yearly reviews) works in scope through the same service and gives the
console's result; out of scope is 404, without the grant 403, anonymous 401; bad input a Chinese 422 naming
the field; every write is in the change log."""

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import login
from tests.core.images import PNG
from tests.ledger.factories import make_enterprise
from tests.mixins import console_form_data
from tests.pairing.factories import END, START, make_activity, make_enterprise_org, make_host, make_pairing
from tests.pairing.test_pairing import NOV_20, SYS
from xinye.accounts.models import User
from xinye.accounts.permissions import clear_cache
from xinye.accounts.services import assign_role
from xinye.audit.models import ChangeLog
from xinye.orgs.models import Agent
from xinye.orgs.services import assign_responsibility
from xinye.pairing.models import (
    ActivityEvidence,
    Pairing,
    PairingActivity,
    PairingPlan,
    PairingReview,
    PlanItem,
)

OFFICE = "djb-kerqin-delivery"
JSON = "application/json"
pytestmark = pytest.mark.usefixtures("_frozen")


@pytest.fixture
def _frozen():
    with time_machine.travel(NOV_20, tick=False):
        yield


@pytest.fixture
def host(world):
    """A 机关 branch in 科尔沁区 (inside kerqin_admin's tree)."""
    return make_host(world["units"][OFFICE], name="科尔沁区交通运输局机关党支部")


@pytest.fixture
def pair(world, host):
    return make_pairing(host, partner_org=make_enterprise_org(world["units"][OFFICE]))


@pytest.fixture
def naiman(world):
    """A county admin of 奈曼旗: the 科尔沁 pairs are outside their scope."""
    user = User.objects.create(username="naiman_admin", display_name="奈曼旗管理员", is_staff=True)
    assign_role(user, "county_admin", world["units"]["lxgw-naiman"], actor=SYS)
    return user


@pytest.fixture
def reader(world, pair):
    """The 党建指导员 assigned to the pair's enterprise: sees the pair and its rows, writes none of them."""
    user = User.objects.get(username="instructor")
    ra = user.role_assignments.first()
    agent = Agent.objects.filter(user=user).first() or Agent.objects.create(
        kind=ra.role.code, name=user.display_name, unit=ra.unit, region=ra.unit.region, user=user
    )
    assign_responsibility(pair.partner_org.enterprises.get(), agent.kind, agent=agent, actor=SYS)
    clear_cache(user)
    return user


def logged(obj_or_model, pk, action) -> bool:
    return ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj_or_model), object_id=str(pk), action=action
    ).exists()


def send(client, method, url, body=None):
    return getattr(client, method)(url, body or {}, content_type=JSON)


def first_error(response) -> dict:
    assert response.status_code == 422, response.content
    return response.json()["errors"][0]


# --- pairs ---


def test_a_pair_is_recorded_over_the_api_as_in_the_console(world, host):
    office = world["units"][OFFICE]
    by_api, by_console = make_enterprise(office), make_enterprise(office)
    body = {
        "unit": host.pk,
        "host_sector": "organ",
        "enterprise": by_api.pk,
        "starts_on": "2026-03-01",
        "ends_on": "2028-02-29",
        "goals": "每季度一次联合主题党日",
    }
    response = send(login("kerqin_admin"), "post", "/api/v1/pairings", body)
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["partner"] == {"kind": "enterprise", "id": by_api.pk, "name": by_api.name}
    assert item["host"]["id"] == host.pk and item["county"] == "150502" and item["activities"] == 0
    assert logged(Pairing, item["id"], "create")

    kerqin = User.objects.get(username="kerqin_admin")
    data = console_form_data(kerqin, Pairing.objects.get(pk=item["id"]), add=True)
    data["enterprise"] = by_console.pk
    response = login("kerqin_admin").post("/admin/pairing/pairing/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]

    def shown(p):
        return (p.unit_id, p.host_sector, p.starts_on, p.ends_on, p.goals, p.region_id, p.industry)

    api_pair = Pairing.objects.get(pk=item["id"])
    console_pair = Pairing.objects.get(enterprise=by_console)
    assert shown(api_pair) == shown(console_pair)
    assert (api_pair.partner_unit_id, api_pair.created_by.username) == (by_api.unit_id, "kerqin_admin")
    # the same two sides again over an overlapping period: refused beside the start date, nothing written
    again = send(login("kerqin_admin"), "post", "/api/v1/pairings", body)
    assert first_error(again)["field"] == "starts_on" and "已有结对" in again.json()["detail"]
    assert Pairing.objects.filter(enterprise=by_api).count() == 1


def test_a_pair_is_changed_and_deleted_over_the_api_as_in_the_console(world, host, pair):
    twin = make_pairing(host, partner_org=make_enterprise_org(world["units"][OFFICE]))
    client = login("kerqin_admin")
    change = {"goals": "每月一次", "ends_on": "2027-06-30", "host_sector": "soe"}
    response = send(client, "patch", f"/api/v1/pairings/{pair.pk}", change)
    assert response.status_code == 200, response.content
    assert response.json()["ends_on"] == "2027-06-30" and response.json()["host_sector_label"] == "国有企业"
    assert logged(pair, pair.pk, "update")

    kerqin = User.objects.get(username="kerqin_admin")
    data = dict(console_form_data(kerqin, twin), **change)
    assert client.post(f"/admin/pairing/pairing/{twin.pk}/change/", data).status_code == 302
    pair.refresh_from_db()
    twin.refresh_from_db()
    assert (pair.goals, pair.ends_on, pair.host_sector) == (twin.goals, twin.ends_on, twin.host_sector)

    # a pair with activities is ended, not deleted; without them it goes
    make_activity(twin)
    refused = send(login("city_admin"), "delete", f"/api/v1/pairings/{twin.pk}")
    assert refused.status_code == 422 and "不能删除" in refused.json()["detail"]
    assert send(login("city_admin"), "delete", f"/api/v1/pairings/{pair.pk}").status_code == 204
    assert not Pairing.objects.filter(pk=pair.pk).exists() and logged(pair, pair.pk, "delete")


def test_a_pairs_sides_and_period_rules_are_refused_naming_the_field(world, host, pair):
    client = login("kerqin_admin")
    url = f"/api/v1/pairings/{pair.pk}"
    error = first_error(send(client, "patch", url, {"ends_on": "2025-12-31"}))
    assert error == {"field": "ends_on", "message": "结对截止日期不能早于起始日期"}
    error = first_error(send(client, "patch", url, {"starts_on": None}))
    assert error["field"] == "starts_on" and "不能为 null" in error["message"]
    error = first_error(send(client, "patch", url, {"host_sector": "ngo"}))
    assert error["field"] == "host_sector" and "未知的结对单位类别" in error["message"]
    # a period that would leave a logged activity outside it
    make_activity(pair, held_on=datetime.date(2026, 3, 10))
    error = first_error(send(client, "patch", url, {"starts_on": "2026-06-01"}))
    assert error["field"] == "ends_on" and "不在新的结对期限内" in error["message"]
    pair.refresh_from_db()
    assert pair.starts_on == START and pair.ends_on == END
    # creating: both sides at once, an enterprise's own organisation as host, a missing date
    org = make_enterprise_org(world["units"][OFFICE])
    body = {"unit": host.pk, "host_sector": "organ", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    both = dict(body, partner_org=org.pk, enterprise=make_enterprise(world["units"][OFFICE]).pk)
    assert first_error(send(client, "post", "/api/v1/pairings", both))["field"] == "partner_org"
    wrong_host = dict(body, unit=org.unit_id, enterprise=make_enterprise(world["units"][OFFICE]).pk)
    assert first_error(send(client, "post", "/api/v1/pairings", wrong_host))["field"] == "unit"
    missing = {k: v for k, v in body.items() if k != "ends_on"}
    error = first_error(send(client, "post", "/api/v1/pairings", dict(missing, partner_org=org.pk)))
    assert error == {"field": "ends_on", "message": "为必填项"}
    assert not Pairing.objects.filter(partner_org=org).exists()


# --- activities and evidence ---


def test_an_activity_is_changed_and_deleted_over_the_api_as_in_the_console(pair):
    activity, twin = make_activity(pair), make_activity(pair)
    client = login("kerqin_admin")
    change = {"title": "联合走访骑手驿站", "links": ["team", "service", "service"], "participants": 20}
    response = send(client, "patch", f"/api/v1/pairing-activities/{activity.pk}", change)
    assert response.status_code == 200, response.content
    assert response.json()["links"] == ["service", "team"] and response.json()["participants"] == 20
    assert logged(activity, activity.pk, "update")

    kerqin = User.objects.get(username="kerqin_admin")
    data = dict(console_form_data(kerqin, twin), title=change["title"], links=["team", "service"])
    data["participants"] = 20
    assert client.post(f"/admin/pairing/pairingactivity/{twin.pk}/change/", data).status_code == 302
    activity.refresh_from_db()
    twin.refresh_from_db()
    assert (activity.title, activity.links, activity.participants, activity.held_on) == (
        twin.title,
        twin.links,
        twin.participants,
        twin.held_on,
    )

    error = first_error(send(client, "patch", f"/api/v1/pairing-activities/{activity.pk}", {"links": []}))
    assert error == {"field": "links", "message": "请至少选择一项六联类别"}
    error = first_error(
        send(client, "patch", f"/api/v1/pairing-activities/{activity.pk}", {"held_on": "2026-12-01"})
    )
    assert error["field"] == "held_on" and "不能晚于今天" in error["message"]
    assert send(login("city_admin"), "delete", f"/api/v1/pairing-activities/{activity.pk}").status_code == 204
    assert not PairingActivity.objects.filter(pk=activity.pk).exists()
    assert logged(activity, activity.pk, "delete")


def test_a_new_activity_is_logged_in_the_change_log(pair, reader):
    body = {"held_on": "2026-11-18", "title": "共建", "links": ["venue"], "participants": 5}
    response = send(login("kerqin_admin"), "post", f"/api/v1/pairings/{pair.pk}/activities", body)
    assert response.status_code == 201 and logged(PairingActivity, response.json()["id"], "create")
    # the role that only reads pairs may not log one (as the console shows it no add button)
    assert (
        send(login("instructor"), "post", f"/api/v1/pairings/{pair.pk}/activities", body).status_code == 403
    )


def test_evidence_is_uploaded_captioned_and_deleted(pair):
    activity = make_activity(pair)
    client = login("kerqin_admin")
    url = f"/api/v1/pairing-activities/{activity.pk}/evidence"
    response = client.post(url, {"file": SimpleUploadedFile("合影.png", PNG), "caption": "合影"})
    assert response.status_code == 201, response.content
    evidence = response.json()
    assert (evidence["kind"], evidence["kind_label"], evidence["caption"]) == ("photo", "照片", "合影")
    assert ActivityEvidence.objects.get(pk=evidence["id"]).uploaded_by.username == "kerqin_admin"
    assert logged(ActivityEvidence, evidence["id"], "create")
    assert client.get(f"/api/v1/pairing-activities/{activity.pk}").json()["evidence"] == 1
    # not a photo or a document; no file at all
    bad = client.post(url, {"file": SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10)})
    assert first_error(bad)["field"] == "file" and "只能上传" in bad.json()["detail"]
    assert first_error(client.post(url, {"caption": "无文件"}))["field"] == "file"
    assert ActivityEvidence.objects.count() == 1

    one = f"/api/v1/pairing-evidence/{evidence['id']}"
    response = send(client, "patch", one, {"caption": "签到表"})
    assert response.status_code == 200 and response.json()["caption"] == "签到表"
    assert logged(ActivityEvidence, evidence["id"], "update")
    assert send(login("city_admin"), "delete", one).status_code == 204
    assert not ActivityEvidence.objects.exists() and logged(ActivityEvidence, evidence["id"], "delete")


# --- plans and their items ---


def test_a_yearly_plan_and_its_items_are_written_over_the_api_as_in_the_console(world, host, pair):
    twin = make_pairing(host, partner_org=make_enterprise_org(world["units"][OFFICE]))
    client = login("kerqin_admin")
    url = f"/api/v1/pairings/{pair.pk}/plans"
    created = send(client, "post", url, {"year": 2026, "content": " 全年六次共建 "})
    assert created.status_code == 201, created.content
    plan = created.json()
    assert (plan["year"], plan["content"], plan["items"]) == (2026, "全年六次共建", [])
    assert logged(PairingPlan, plan["id"], "create")
    # the same year again changes that plan (200)
    again = send(client, "post", url, {"year": 2026, "content": "全年八次共建"})
    assert again.status_code == 200 and again.json()["id"] == plan["id"]
    assert PairingPlan.objects.get(pk=plan["id"]).content == "全年八次共建"
    assert first_error(send(client, "post", url, {"year": 2030, "content": "x"}))["field"] == "year"
    assert first_error(send(client, "post", url, {"year": 2027, "content": "  "}))["field"] == "content"

    console = client.post(
        "/admin/pairing/pairingplan/add/",
        {
            "pairing": twin.pk,
            "year": 2026,
            "content": "全年八次共建",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
        },
    )
    assert console.status_code == 302, console.content.decode()[:2000]
    twin_plan = PairingPlan.objects.get(pairing=twin)
    assert (twin_plan.year, twin_plan.content) == (2026, "全年八次共建")

    item_url = f"/api/v1/pairing-plans/{plan['id']}/items"
    response = send(
        client, "post", item_url, {"month": 5, "title": "红色教育", "links": ["activity", "venue"]}
    )
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["plan_id"], item["links"]) == (plan["id"], ["venue", "activity"])
    assert logged(PlanItem, item["id"], "create")
    console = client.post(
        "/admin/pairing/planitem/add/",
        {"plan": twin_plan.pk, "month": 5, "title": "红色教育", "links": ["activity", "venue"]},
    )
    assert console.status_code == 302, console.content.decode()[:2000]
    twin_item = PlanItem.objects.get(plan=twin_plan)
    assert (twin_item.month, twin_item.title, twin_item.links) == (5, "红色教育", item["links"])
    assert first_error(send(client, "post", item_url, {"month": 13, "title": "x", "links": ["venue"]})) == {
        "field": "month",
        "message": "计划月份须为 1 至 12",
    }
    assert (
        first_error(send(client, "post", item_url, {"month": 1, "title": "x", "links": ["money"]}))["field"]
        == "links"
    )

    one = f"/api/v1/pairing-plan-items/{item['id']}"
    response = send(client, "patch", one, {"month": 6, "title": " 联合志愿服务 "})
    assert response.status_code == 200 and (response.json()["month"], response.json()["title"]) == (
        6,
        "联合志愿服务",
    )
    assert logged(PlanItem, item["id"], "update")
    assert first_error(send(client, "patch", one, {"title": ""}))["field"] == "title"
    assert send(login("city_admin"), "delete", one).status_code == 204 and logged(
        PlanItem, item["id"], "delete"
    )

    plan_url = f"/api/v1/pairing-plans/{plan['id']}"
    response = send(client, "patch", plan_url, {"year": 2027, "content": "次年计划"})
    assert response.status_code == 200 and response.json()["year"] == 2027
    assert logged(PairingPlan, plan["id"], "update")
    send(client, "post", url, {"year": 2026, "content": "补写的 2026 年计划"})
    assert first_error(send(client, "patch", plan_url, {"year": 2026}))["field"] == "year"
    assert send(login("city_admin"), "delete", plan_url).status_code == 204
    assert not PairingPlan.objects.filter(pk=plan["id"]).exists() and logged(
        PairingPlan, plan["id"], "delete"
    )


# --- reviews ---


def test_a_yearly_review_is_written_over_the_api_as_in_the_console(world, host, pair):
    twin = make_pairing(host, partner_org=make_enterprise_org(world["units"][OFFICE]))
    client = login("kerqin_admin")
    url = f"/api/v1/pairings/{pair.pk}/reviews"
    created = send(client, "post", url, {"year": 2026, "rating": "good", "text": " 成效明显 "})
    assert created.status_code == 201, created.content
    review = created.json()
    assert (review["rating_label"], review["text"]) == ("较好", "成效明显")
    assert logged(PairingReview, review["id"], "create")
    assert PairingReview.objects.get(pk=review["id"]).reviewed_by.username == "kerqin_admin"
    console = client.post(
        "/admin/pairing/pairingreview/add/",
        {"pairing": twin.pk, "year": 2026, "rating": "good", "text": "成效明显"},
    )
    assert console.status_code == 302, console.content.decode()[:2000]
    twin_review = PairingReview.objects.get(pairing=twin)
    assert (twin_review.year, twin_review.rating, twin_review.text) == (2026, "good", "成效明显")

    again = send(client, "post", url, {"year": 2026, "rating": "excellent", "text": "成效突出"})
    assert again.status_code == 200 and again.json()["id"] == review["id"]
    error = first_error(send(client, "post", url, {"year": 2027, "rating": "A+", "text": "好"}))
    assert error["field"] == "rating" and "未知的评价等次" in error["message"]
    assert first_error(send(client, "post", url, {"year": 2027, "rating": "fair"}))["field"] == "text"

    one = f"/api/v1/pairing-reviews/{review['id']}"
    response = send(client, "patch", one, {"rating": "fair", "text": "活动偏少"})
    assert response.status_code == 200 and response.json()["rating_label"] == "一般"
    assert logged(PairingReview, review["id"], "update")
    assert first_error(send(client, "patch", one, {"year": 2031}))["field"] == "year"
    assert send(login("city_admin"), "delete", one).status_code == 204 and logged(
        PairingReview, review["id"], "delete"
    )


# --- who may: in scope, out of scope (404), without the grant (403), anonymous (401) ---


def _writes(pair):
    """Every write endpoint on `pair` and its rows, with a valid body."""
    activity = make_activity(pair)
    plan = PairingPlan.objects.create(pairing=pair, year=2026, content="计划")
    item = PlanItem.objects.create(plan=plan, month=3, title="走访", links=["venue"])
    review = PairingReview.objects.create(pairing=pair, year=2026, rating="good", text="好")
    evidence = ActivityEvidence.objects.create(
        activity=activity, kind="photo", file=SimpleUploadedFile("a.png", PNG)
    )
    activity_body = {"held_on": "2026-11-18", "title": "共建", "links": ["venue"], "participants": 5}
    return [
        ("patch", f"/api/v1/pairings/{pair.pk}", {"goals": "改"}, "change"),
        ("post", f"/api/v1/pairings/{pair.pk}/activities", activity_body, "add"),
        ("patch", f"/api/v1/pairing-activities/{activity.pk}", {"title": "改"}, "change"),
        ("patch", f"/api/v1/pairing-evidence/{evidence.pk}", {"caption": "改"}, "change"),
        ("post", f"/api/v1/pairings/{pair.pk}/plans", {"year": 2027, "content": "计划"}, "add"),
        ("patch", f"/api/v1/pairing-plans/{plan.pk}", {"content": "改"}, "change"),
        (
            "post",
            f"/api/v1/pairing-plans/{plan.pk}/items",
            {"month": 4, "title": "学", "links": ["team"]},
            "add",
        ),
        ("patch", f"/api/v1/pairing-plan-items/{item.pk}", {"title": "改"}, "change"),
        (
            "post",
            f"/api/v1/pairings/{pair.pk}/reviews",
            {"year": 2027, "rating": "fair", "text": "一般"},
            "add",
        ),
        ("patch", f"/api/v1/pairing-reviews/{review.pk}", {"text": "改"}, "change"),
        ("delete", f"/api/v1/pairing-evidence/{evidence.pk}", None, "delete"),
        ("delete", f"/api/v1/pairing-plan-items/{item.pk}", None, "delete"),
        ("delete", f"/api/v1/pairing-plans/{plan.pk}", None, "delete"),
        ("delete", f"/api/v1/pairing-reviews/{review.pk}", None, "delete"),
        ("delete", f"/api/v1/pairing-activities/{activity.pk}", None, "delete"),
    ]


def _contents():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Pairing, PairingActivity, ActivityEvidence, PairingPlan, PlanItem, PairingReview)
    ]


def test_out_of_scope_is_404_without_the_grant_403_and_anonymous_401(world, pair, naiman, reader):
    writes = _writes(pair)
    before = _contents()
    answers = []
    for method, url, body, action in writes:
        for who, expected in (("naiman_admin", 404), ("auditor", 404), (None, 401)):
            caller = login(who) if who else Client()
            status = send(caller, method, url, body).status_code
            if status != expected:
                answers.append(f"{who} {method.upper()} {url} → {status}, expected {expected}")
        # a row seen without the grant: the read-only role, the county admin (no delete): 403
        lacking = "instructor" if action != "delete" else "kerqin_admin"
        status = send(login(lacking), method, url, body).status_code
        if status != 403:
            answers.append(f"{lacking} {method.upper()} {url} → {status}, expected 403")
    upload = f"/api/v1/pairing-activities/{writes[2][1].rsplit('/', 1)[1]}/evidence"
    for who, expected in (("naiman_admin", 404), ("instructor", 403), (None, 401)):
        caller = login(who) if who else Client()
        status = caller.post(upload, {"file": SimpleUploadedFile("b.png", PNG)}).status_code
        if status != expected:
            answers.append(f"{who} POST {upload} → {status}, expected {expected}")
    assert send(login("naiman_admin"), "delete", f"/api/v1/pairings/{pair.pk}").status_code == 404
    assert send(login("secretary"), "delete", f"/api/v1/pairings/{pair.pk}").status_code == 403
    # the console answers the same: the row is seen, deleting it is not granted; out of scope it is absent
    assert (
        login("kerqin_admin").post(f"/admin/pairing/pairing/{pair.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert login("naiman_admin").get(f"/admin/pairing/pairing/{pair.pk}/change/").status_code == 404
    assert _contents() == before, "a refused write changed a row"
    assert not answers, "\n".join(answers)
    # in scope (the county that holds the enterprise side), every one of them goes through
    for method, url, body, action in writes:
        client = login("city_admin" if action == "delete" else "kerqin_admin")
        status = send(client, method, url, body).status_code
        assert status in (200, 201, 204), f"{method.upper()} {url} → {status}"
    # the activity logged remains, the first one was deleted with its evidence
    assert PairingActivity.objects.count() == 1 and not ActivityEvidence.objects.exists()


def test_both_sides_of_a_pair_may_write_over_the_api(world, pair):
    """The enterprise side's secretary (who cannot see the host) writes the plan and the review too."""
    user = User.objects.create(username="ent_sec", display_name="企业支部书记", is_staff=True)
    assign_role(user, "secretary", pair.partner_unit, actor=SYS)
    client = login("ent_sec")
    assert (
        send(
            client, "post", f"/api/v1/pairings/{pair.pk}/plans", {"year": 2026, "content": "计划"}
        ).status_code
        == 201
    )
    response = send(client, "patch", f"/api/v1/pairings/{pair.pk}", {"goals": "企业方补充的目标"})
    assert response.status_code == 200 and response.json()["goals"] == "企业方补充的目标"
    # but not delete the pair: the secretary's role has no delete
    assert send(client, "delete", f"/api/v1/pairings/{pair.pk}").status_code == 403

"""API and console: refusals reach the user in Chinese, the case page shows the next allowed step,
the pipeline counts, and a secretary sees only their own organisation."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.members import factories as f
from xinye.accounts.permissions import system_actor
from xinye.members import services
from xinye.members.choices import CourseKind

SYSTEM = system_actor("test")

D = datetime.date
NOW = datetime.datetime(2026, 6, 30, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def two_branches(world):
    inside = f.branch(world["units"]["djb-kerqin-delivery"], "科尔沁骑手党支部")
    outside = f.branch(world["units"]["djb-naiman-delivery"], "奈曼骑手党支部")
    with time_machine.travel(NOW, tick=False):
        yield inside, outside


def _activist_case(unit, name):
    person = f.person(unit, name)
    case = services.open_case(person, unit, D(2025, 11, 1), actor=SYSTEM)
    services.record_step(case, 2, D(2025, 11, 10), actor=SYSTEM)
    services.record_step(case, 3, D(2026, 1, 5), actor=SYSTEM)
    return case


def test_api_refuses_too_early_step_with_rule_and_days(two_branches, api_client):
    inside, _ = two_branches
    case = _activist_case(inside, "骑手甲")
    contact = f.member(inside, "联系人")
    client = api_client("secretary")
    url = f"/api/v1/members/development-cases/{case.pk}/steps"
    ok = client.post(url, {"step": 4, "date": "2026-01-10"}, content_type="application/json")
    assert ok.status_code == 201
    ok = client.post(
        url, {"step": 5, "date": "2026-01-10", "actor_ids": [contact.pk]}, content_type="application/json"
    )
    assert ok.status_code == 201
    assert ok.json()["next"]["step"] == 6
    client.post(url, {"step": 6, "date": "2026-06-20"}, content_type="application/json")
    refused = client.post(url, {"step": 7, "date": "2026-06-25"}, content_type="application/json")
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert "距确定为入党积极分子仅 171 天" in detail and "第十三条" in detail and "还差 194 天" in detail
    detail = client.get(f"/api/v1/members/development-cases/{case.pk}").json()
    assert detail["current_step"] == 6 and detail["next"]["earliest"] == "2027-01-05"
    assert [r["step"] for r in detail["records"]] == [1, 2, 3, 4, 5, 6]


def test_secretary_sees_only_own_organisation(two_branches, api_client, client_for):
    inside, outside = two_branches
    mine, theirs = _activist_case(inside, "本支部"), _activist_case(outside, "外支部")
    client = api_client("secretary")
    ids = {c["id"] for c in client.get("/api/v1/members/development-cases", {"limit": 500}).json()["items"]}
    assert mine.pk in ids and theirs.pk not in ids
    assert client.get(f"/api/v1/members/development-cases/{theirs.pk}").status_code == 404
    step = client.post(
        f"/api/v1/members/development-cases/{theirs.pk}/steps",
        {"step": 4, "date": "2026-01-10"},
        content_type="application/json",
    )
    assert step.status_code == 404
    console = client_for("secretary")
    assert (
        console.post(
            reverse("admin:members_developmentcase_step", args=[theirs.pk]), {"step": 4, "date": "2026-01-10"}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.current_step == 3


def test_pipeline_counts(two_branches, api_client):
    inside, outside = two_branches
    _activist_case(inside, "积极分子一")
    _activist_case(inside, "积极分子二")
    services.open_case(f.person(inside, "申请人"), inside, D(2026, 6, 1), actor=SYSTEM)
    _activist_case(outside, "外县积极分子")
    f.member(inside, "预备党员", is_full=False, joined_on=D(2026, 1, 1))
    data = api_client("secretary").get("/api/v1/members/pipeline", {"unit": inside.pk}).json()
    row = next(r for r in data["rows"] if r["unit_id"] == inside.pk)
    assert (row["applicants"], row["activists"], row["candidates"], row["probationary"]) == (1, 2, 0, 1)
    assert all(r["unit_id"] != outside.pk for r in data["rows"])
    city = api_client("city_admin").get("/api/v1/members/pipeline").json()
    assert city["totals"]["activists"] >= 3


def test_console_case_page_shows_history_and_next_step(two_branches, client_for):
    inside, _ = two_branches
    case = _activist_case(inside, "页面测试")
    console = client_for("secretary")
    url = reverse("admin:members_developmentcase_change", args=[case.pk])
    page = console.get(url).content.decode()
    assert "第3步 推荐和确定入党积极分子" in page and "第4步 上级党委备案" in page
    response = console.post(
        reverse("admin:members_developmentcase_step", args=[case.pk]),
        {"step": 7, "date": "2026-06-01"},
        follow=True,
    )
    assert "步骤顺序不符" in response.content.decode()
    console.post(
        reverse("admin:members_developmentcase_step", args=[case.pk]), {"step": 4, "date": "2026-01-10"}
    )
    case.refresh_from_db()
    assert case.current_step == 4


def test_step_actors_are_a_filterable_checklist_of_full_members(two_branches, client_for):
    inside, outside = two_branches
    case = _activist_case(inside, "清单测试")
    contact = f.member(inside, "培养联系人甲")
    stranger = f.member(outside, "外县党员乙")
    console = client_for("secretary")
    page = console.get(reverse("admin:members_developmentcase_change", args=[case.pk])).content.decode()
    assert 'data-filter-for="step-actors"' in page and "按住 Ctrl" not in page
    assert f'name="actors" value="{contact.pk}"' in page and f'value="{stranger.pk}"' not in page
    console.post(
        reverse("admin:members_developmentcase_step", args=[case.pk]),
        {"step": 4, "date": "2026-01-10", "actors": [contact.pk, stranger.pk]},
    )
    record = case.records.get(step__number=4)
    assert list(record.actors.all()) == [contact]  # a member outside the scope is never recorded


def test_console_pages_render(two_branches, client_for):
    inside, _ = two_branches
    member = f.member(inside, "欠费者")
    services.declare_income(member, D(2026, 1, 1), Decimal("3000"), actor=SYSTEM)
    services.record_study(
        member.practitioner, D(2026, 5, 1), title="党章", hours=2, kind=CourseKind.THEORY, actor=SYSTEM
    )
    console = client_for("secretary")
    assert "欠费者" in console.get(reverse("members:arrears")).content.decode()
    assert "欠费者" in console.get(reverse("members:study_hours")).content.decode()
    assert console.get(reverse("members:pipeline")).status_code == 200
    assert console.get(reverse("members:study_import")).status_code == 200
    assert client_for("community_admin").get(reverse("members:pipeline")).status_code == 404


def test_dues_and_import_api(two_branches, api_client):
    inside, _ = two_branches
    member = f.member(inside, "交费人", id_number="150502199203034567")
    client = api_client("secretary")
    r = client.post(
        "/api/v1/members/dues/declarations",
        {"member_id": member.pk, "month": "2026-01-01", "net_income": "5000"},
        content_type="application/json",
    )
    assert r.status_code == 201
    dues = client.get(f"/api/v1/members/dues/members/{member.pk}", {"month": "2026-05-01"}).json()
    assert dues["amount"] == "50.00" and dues["arrears_months"] == 5
    short = client.post(
        "/api/v1/members/dues/payments",
        {
            "member_id": member.pk,
            "month_from": "2026-01-01",
            "month_to": "2026-05-01",
            "amount": "100",
            "paid_on": "2026-06-01",
        },
        content_type="application/json",
    )
    assert short.status_code == 422
    assert {
        "field": "amount",
        "message": "2026-01至2026-05 应交 250.00 元，实交 100.00 元，不足",
    } in short.json()["errors"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    csv = "姓名,身份证号,日期,积分\n交费人,150502199203034567,2026-06-01,30\n".encode()
    r = client.post("/api/v1/members/study-import?commit=true", {"file": SimpleUploadedFile("x.csv", csv)})
    assert r.status_code == 200 and r.json()["committed"] and r.json()["created"] == 1


def test_dashboard_cards(two_branches, client_for):
    inside, _ = two_branches
    _activist_case(inside, "首页积极分子")
    page = client_for("secretary").get(reverse("admin:index")).content.decode()
    assert "发展党员梯队" in page and "介绍信过期未回执" in page


def test_console_add_case_and_payment_through_services(two_branches, client_for):
    inside, _ = two_branches
    person = f.person(inside, "工作台申请人", birth=D(2010, 1, 1))
    console = client_for("secretary")
    add = reverse("admin:members_developmentcase_add")
    data = {"practitioner": person.pk, "unit": inside.pk, "applied_on": "2026-06-01", "note": ""}
    data.update({"records-TOTAL_FORMS": 0, "records-INITIAL_FORMS": 0})
    refused = console.post(add, data)
    assert refused.status_code == 200 and "未满 18 周岁" in refused.content.decode()
    adult = f.person(inside, "成年申请人")
    response = console.post(add, {**data, "practitioner": adult.pk})
    assert response.status_code == 302
    from xinye.members.models import DevelopmentCase

    case = DevelopmentCase.objects.get(practitioner=adult)
    assert case.current_step == 1 and case.records.count() == 1
    member = f.member(inside, "工作台交费")
    services.declare_income(member, D(2026, 1, 1), Decimal("6000"), actor=SYSTEM)
    pay = reverse("admin:members_duespayment_add")
    payment = {
        "member": member.pk,
        "month_from": "2026-01-01",
        "month_to": "2026-02-01",
        "paid_on": "2026-03-01",
    }
    short = console.post(pay, {**payment, "amount": "100"})
    assert "应交 180.00 元" in short.content.decode()
    assert console.post(pay, {**payment, "amount": "180"}).status_code == 302
    assert member.dues_payments.count() == 1


def test_transfer_and_flowing_api(two_branches, api_client):
    inside, outside = two_branches
    client = api_client("secretary")
    person = f.person(inside, "赤峰快递员")
    r = client.post(
        "/api/v1/members/flowing-members",
        {
            "practitioner_id": person.pk,
            "unit_id": inside.pk,
            "home_organisation": "中共赤峰市红山区某社区党支部",
            "home_region": "内蒙古自治区赤峰市",
            "registered_on": "2026-03-01",
            "home_contact_phone": "13904761234",
            "joined_on": "2019-07-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["home_contact_phone"] == "139****1234"
    member_id = person.party_member.pk
    r = client.post(
        "/api/v1/members/transfers",
        {
            "direction": "incoming",
            "unit_id": inside.pk,
            "member_id": member_id,
            "other_organisation": "中共赤峰市红山区某社区党支部",
            "other_region": "内蒙古自治区赤峰市",
            "issued_on": "2026-05-01",
        },
        content_type="application/json",
    )
    letter = r.json()
    assert r.status_code == 201 and letter["valid_until"] == "2026-07-31" and not letter["cross_province"]
    r = client.post(
        f"/api/v1/members/transfers/{letter['id']}/receipt",
        {"received_on": "2026-05-20"},
        content_type="application/json",
    )
    assert r.json()["status"] == "received"
    person.party_member.refresh_from_db()
    assert person.party_member.membership_held == "here"
    elsewhere = client.post(
        "/api/v1/members/transfers",
        {
            "direction": "outgoing",
            "unit_id": outside.pk,
            "member_name": "x",
            "other_organisation": "y",
            "issued_on": "2026-05-01",
        },
        content_type="application/json",
    )
    assert elsewhere.status_code == 404  # the other county's branch is outside the secretary's scope


def test_lists_do_not_grow_queries_per_row(two_branches, api_client, django_assert_max_num_queries):
    inside, _ = two_branches
    for i in range(6):
        member = f.member(inside, f"党员{i}")
        services.declare_income(member, D(2026, 1, 1), Decimal("3000"), actor=SYSTEM)
        _activist_case(inside, f"积极分子{i}")
    client = api_client("city_admin")
    with django_assert_max_num_queries(15):
        assert client.get("/api/v1/members/development-cases", {"limit": 50}).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/api/v1/members/dues/arrears", {"unit": inside.pk}).json()["count"] >= 6

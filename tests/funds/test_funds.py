"""Funds: the flow 申请 → 审核 → 拨付 → 使用 → 年度结余, the arithmetic (no overspend, reversal by
counter-entry, balances), the scope of each role, the summary contract, the Excel sheet, the console."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.core.images import JPEG
from tests.funds.factories import make_allocation, make_branch
from xinye.accounts.models import User
from xinye.accounts.permissions import system_actor
from xinye.accounts.services import assign_role
from xinye.core.errors import OutOfScope, Refused
from xinye.funds import services
from xinye.funds.models import Allocation, Disbursement, Spending

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)
SYSTEM = system_actor("test")
D = Decimal


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0), tick=False):
        yield


@pytest.fixture
def branch(world):
    return make_branch(world["units"]["djb-kerqin-express"], name="中通快递科尔沁网点党支部")


@pytest.fixture
def city(world):
    return world["users"]["city_admin"]


@pytest.fixture
def kerqin(world):
    return world["users"]["kerqin_admin"]


def secretary_of(unit, username="branch_secretary"):
    user = User.objects.create(username=username, display_name="网点党支部书记", is_staff=True)
    assign_role(user, "secretary", unit, actor=SYSTEM)
    return user


def paid(branch, kerqin, city, amount="5000.00"):
    allocation = services.apply_for_funds(actor=kerqin, kind="work", unit=branch, year=2026, amount=amount)
    services.approve(allocation, actor=city)
    services.disburse(allocation, actor=city, date=datetime.date(2026, 3, 10), voucher="记-0310")
    allocation.refresh_from_db()
    return allocation


def spend(allocation, actor, amount, purpose="activity", day=datetime.date(2026, 4, 1)):
    return services.record_spending(allocation, actor=actor, date=day, purpose=purpose, amount=amount)


# --- the flow and the arithmetic ---


def test_the_whole_flow_to_the_years_close(branch, kerqin, city):
    allocation = services.apply_for_funds(
        actor=kerqin, kind="work", unit=branch, year=2026, amount="5000.00", purpose="新建支部党建工作经费"
    )
    assert allocation.status == "applied" and allocation.region_id == "150502"
    services.approve(allocation, actor=city, note="同意")
    entry = services.disburse(allocation, actor=city, amount="3000.00", date=datetime.date(2026, 3, 10))
    services.disburse(allocation, actor=city, date=datetime.date(2026, 6, 10))  # the rest: 2000.00
    assert entry.amount == D("3000.00")
    spend(allocation, kerqin, "1200.50", "training")
    spend(allocation, kerqin, D("0.01"), "care")
    assert services.allocation_figures(allocation) == {
        "disbursed": D("5000.00"),
        "spent": D("1200.51"),
        "balance": D("3799.49"),
    }
    services.close_year(allocation, actor=city, performance="good", note="活动开展规范")
    allocation.refresh_from_db()
    assert (allocation.status, allocation.closing_balance, allocation.performance) == (
        "closed",
        D("3799.49"),
        "good",
    )
    with pytest.raises(Refused):
        spend(allocation, kerqin, "1.00")
    with pytest.raises(Refused):
        services.disburse(allocation, actor=city, amount="1.00")


def test_no_spending_beyond_what_was_paid_out(branch, kerqin, city):
    allocation = paid(branch, kerqin, city, "500.00")
    spend(allocation, kerqin, "499.99")
    with pytest.raises(Refused) as exc:
        spend(allocation, kerqin, "0.02")
    assert exc.value.message_dict["amount"] == ["金额：超出可用余额，尚可使用 0.01 元"]
    spend(allocation, kerqin, "0.01")
    assert services.allocation_figures(allocation)["balance"] == D("0.00")
    assert Spending.objects.filter(allocation=allocation).count() == 2


def test_no_disbursement_beyond_the_approved_amount(branch, kerqin, city):
    allocation = services.apply_for_funds(actor=kerqin, kind="work", unit=branch, year=2026, amount="5000")
    with pytest.raises(Refused):  # not approved yet
        services.disburse(allocation, actor=city)
    services.approve(allocation, actor=city, amount="4000.00")
    services.disburse(allocation, actor=city, amount="3999.99")
    with pytest.raises(Refused) as exc:
        services.disburse(allocation, actor=city, amount="0.02")
    assert "尚可拨付 0.01 元" in exc.value.message_dict["amount"][0]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "应大于 0 元"),
        ("-5", "应大于 0 元"),
        ("12.345", "精确到分"),
        ("abc", "不是有效的金额"),
        ("NaN", "不是有效的金额"),
    ],
)
def test_amounts_are_yuan_to_the_fen(branch, kerqin, amount, message):
    with pytest.raises(Refused) as exc:
        services.apply_for_funds(actor=kerqin, kind="work", unit=branch, year=2026, amount=amount)
    assert message in exc.value.message_dict["amount"][0]
    assert not Allocation.objects.filter(unit=branch).exists()


def test_purposes_come_from_the_fixed_list(branch, kerqin, city):
    allocation = paid(branch, kerqin, city)
    with pytest.raises(Refused) as exc:
        spend(allocation, kerqin, "100.00", purpose="hospitality")
    assert "不得用于工资、招待或礼品" in exc.value.message_dict["purpose"][0]
    with pytest.raises(Refused) as exc:
        spend(allocation, kerqin, "100.00", day=datetime.date(2025, 12, 31))
    assert "2026 年度" in exc.value.message_dict["date"][0]
    assert not Spending.objects.exists()


def test_a_disbursement_is_reversed_by_a_counter_entry_never_edited(branch, kerqin, city):
    allocation = paid(branch, kerqin, city, "5000.00")
    original = allocation.disbursements.get()
    spend(allocation, kerqin, "800.00")
    with pytest.raises(Refused) as exc:  # the money is already spent: reverse the spending first
        services.reverse_disbursement(original, actor=city, reason="拨错单位")
    assert "请先冲销支出" in exc.value.message_dict["reverses"][0]

    line = allocation.spending.get()
    counter_line = services.reverse_spending(line, actor=kerqin, reason="票据不合规")
    assert counter_line.amount == D("-800.00") and counter_line.reverses == line
    counter = services.reverse_disbursement(original, actor=city, reason="拨错单位")
    assert counter.amount == D("-5000.00") and counter.reverses == original
    original.refresh_from_db()
    assert original.amount == D("5000.00")  # the posted entry is as it was
    assert Disbursement.objects.filter(allocation=allocation).count() == 2
    assert services.allocation_figures(allocation) == {
        "disbursed": D("0"),
        "spent": D("0"),
        "balance": D("0"),
    }
    allocation.refresh_from_db()
    assert allocation.status == "approved"  # paid out again from here
    with pytest.raises(Refused):
        services.reverse_disbursement(original, actor=city, reason="再次冲销")
    with pytest.raises(Refused):
        services.reverse_disbursement(counter, actor=city, reason="冲销冲销分录")
    with pytest.raises(Refused):
        services.reverse_spending(line, actor=kerqin, reason="再次冲销")


def test_posted_entries_have_no_change_or_delete_in_console_or_api(branch, kerqin, city, client_for):
    allocation = paid(branch, kerqin, city)
    line = spend(allocation, kerqin, "100.00")
    entry = allocation.disbursements.get()
    client = client_for("city_admin")
    for obj, name, api in ((entry, "disbursement", "disbursements"), (line, "spending", "spending")):
        page = client.get(reverse(f"admin:funds_{name}_change", args=[obj.pk]))
        assert page.status_code == 200 and b'name="amount"' not in page.content
        assert (
            client.post(reverse(f"admin:funds_{name}_change", args=[obj.pk]), {"amount": "1"}).status_code
            == 403
        )
        assert (
            client.post(reverse(f"admin:funds_{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
        for method in ("patch", "put", "delete"):
            status = getattr(client, method)(
                f"/api/v1/funds/{api}/{obj.pk}", {}, content_type="application/json"
            )
            assert status.status_code == 405
    entry.refresh_from_db()
    line.refresh_from_db()
    assert (entry.amount, line.amount) == (D("5000.00"), D("100.00"))


def test_review_rules(branch, kerqin, city):
    allocation = services.apply_for_funds(actor=kerqin, kind="work", unit=branch, year=2026, amount="5000")
    with pytest.raises(Refused) as exc:
        services.approve(allocation, actor=kerqin)
    assert "申请人不能审核自己的申请" in exc.value.message_dict["status"][0]
    with pytest.raises(Refused) as exc:
        services.reject(allocation, actor=city, reason="  ")
    assert "须写明理由" in exc.value.message_dict["reason"][0]
    services.reject(allocation, actor=city, reason="该支部已享受县级经费")
    allocation.refresh_from_db()
    assert (allocation.status, allocation.review_note) == ("rejected", "该支部已享受县级经费")
    with pytest.raises(Refused):
        services.approve(allocation, actor=city)
    # a rejected application may be made again; a live one only once per unit, kind and year
    again = services.apply_for_funds(actor=kerqin, kind="work", unit=branch, year=2026, amount="3000")
    with pytest.raises(Refused) as exc:
        services.apply_for_funds(actor=kerqin, kind="work", unit=branch, year=2026, amount="3000")
    assert "不能重复申请" in exc.value.message_dict["unit"][0]
    assert again.status == "applied"


def test_recipients_by_kind(world, branch, kerqin, city):
    with pytest.raises(Refused) as exc:
        services.apply_for_funds(actor=kerqin, kind="startup", unit=branch, year=2026, amount="20000")
    assert "建设启动资金只拨给" in exc.value.message_dict["unit"][0]
    committee = world["units"]["hydw-delivery"]
    startup = services.apply_for_funds(actor=city, kind="startup", unit=committee, year=2026, amount="20000")
    assert startup.region_id == "150500" and startup.industry == "delivery"


def test_balances_by_county_industry_organisation_and_year(world, branch, kerqin, city):
    first = paid(branch, kerqin, city, "5000.00")
    spend(first, kerqin, "1000.00")
    naiman = make_branch(world["units"]["djb-naiman-delivery"], name="美团奈曼站党支部")
    other = services.apply_for_funds(actor=city, kind="work", unit=naiman, year=2026, amount="3000.00")
    services.approve(other, actor=SYSTEM)
    services.disburse(other, actor=SYSTEM, date=datetime.date(2026, 5, 1))
    spend(other, SYSTEM, "250.25")
    make_allocation(naiman, kind="work", year=2025, amount="4000.00", status="approved")

    qs = Allocation.objects.filter(unit__in=[branch, naiman])
    by_county = {r["key"]: r for r in services.balances_by(qs.filter(year=2026), "county")}
    assert by_county["150502"]["balance"] == D("4000.00")
    assert by_county["150525"]["spent"] == D("250.25")
    assert by_county["150525"]["name"] == "奈曼旗"
    by_industry = {r["key"]: r for r in services.balances_by(qs.filter(year=2026), "industry")}
    assert by_industry["express"]["disbursed"] == D("5000.00")
    assert by_industry["delivery"]["name"] == "外卖骑手"
    by_org = {r["name"]: r for r in services.balances_by(qs, "organisation")}
    assert by_org["美团奈曼站党支部"]["allocated"] == D("7000.00")
    by_year = {r["key"]: r for r in services.balances_by(qs, "year")}
    assert by_year["2025"] == {
        "key": "2025",
        "name": "2025 年",
        "allocated": D("4000.00"),
        "disbursed": D("0.00"),
        "spent": D("0.00"),
        "balance": D("0.00"),
    }
    assert services.totals(qs.filter(year=2026)) == {
        "allocated": D("8000.00"),
        "disbursed": D("8000.00"),
        "spent": D("1250.25"),
        "balance": D("6749.75"),
    }


# --- the automatic proposal when a formation completes ---


def test_a_completed_formation_proposes_the_branchs_work_fund(world, settings):
    from tests.ledger.factories import make_enterprise, make_member
    from xinye.ledger import services as ledger

    settings.XINYE_FUNDS_RULES = {"standard_amounts": {"work": "6000.00"}}
    actor = world["users"]["kerqin_admin"]
    ent = make_enterprise(world["units"]["djb-kerqin-express"], name="韵达快递科尔沁网点")
    for _ in range(3):
        make_member(ent)
    case = ledger.start_formation(actor=actor, enterprises=[ent], date=datetime.date(2026, 8, 20))
    steps = ["application", "superior_approved", "members_meeting_elected", "establishment_approved"]
    for day, state in enumerate(steps, start=1):
        case = ledger.apply_formation_transition(case, state, actor=actor, date=datetime.date(2026, 9, day))
        assert not Allocation.objects.filter(formation_case=case).exists()
    case = ledger.apply_formation_transition(case, "registered", actor=actor, date=datetime.date(2026, 9, 26))
    proposal = Allocation.objects.get(formation_case=case)
    assert proposal.unit == case.organisation.unit
    assert (proposal.kind, proposal.year, proposal.amount, proposal.status) == (
        "work",
        2026,
        D("6000.00"),
        "applied",
    )
    assert "自动提出" in proposal.purpose
    assert proposal.applied_by is None  # proposed by the system; the county reviews it
    services.approve(proposal, actor=actor)
    assert Allocation.objects.filter(unit=proposal.unit).count() == 1


# --- scope: a county sees its own funds, a secretary reports its own branch's spending only ---


def test_a_secretary_reports_its_own_branchs_spending_only(world, branch, kerqin, city, client_for):
    own = paid(branch, kerqin, city)
    neighbour = paid(make_branch(world["units"]["djb-kerqin-express"], name="邻近党支部"), kerqin, city)
    secretary = secretary_of(branch)
    line = spend(own, secretary, "300.00")
    assert line.created_by == secretary
    with pytest.raises(OutOfScope):
        spend(neighbour, secretary, "300.00")
    with pytest.raises(OutOfScope):  # nor the money: no approve grant
        services.disburse(own, actor=secretary)
    client = client_for(secretary.username)
    listed = client.get("/api/v1/funds/spending").json()
    assert [item["id"] for item in listed["items"]] == [line.pk]
    body = {"date": "2026-05-01", "purpose": "training", "amount": "10.00"}
    url = f"/api/v1/funds/allocations/{neighbour.pk}/spending"
    assert client.post(url, body, content_type="application/json").status_code == 404
    url = f"/api/v1/funds/allocations/{own.pk}/spending"
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["amount"] == "10.00"
    assert client.get("/api/v1/funds/summary", {"year": 2026}).json()["spent"] == "310.00"


def test_the_summary_contract_is_scoped_to_the_caller(world, branch, kerqin, city, client_for):
    allocation = paid(branch, kerqin, city, "5000.00")
    spend(allocation, kerqin, "1234.56")
    committee = world["units"]["hydw-delivery"]
    startup = services.apply_for_funds(
        actor=SYSTEM, kind="startup", unit=committee, year=2026, amount="20000"
    )
    services.approve(startup, actor=city)
    services.disburse(startup, actor=city, amount="15000", date=datetime.date(2026, 2, 1))
    naiman = make_allocation(world["units"]["djb-naiman-express"], amount="999.00", status="approved")

    body = client_for("kerqin_admin").get("/api/v1/funds/summary", {"year": 2026}).json()
    assert body == {
        "allocated": "5000.00",
        "disbursed": "5000.00",
        "spent": "1234.56",
        "balance": "3765.44",
        "by_kind": {
            "startup": {"allocated": "0.00", "disbursed": "0.00", "spent": "0.00", "balance": "0.00"},
            "work": {
                "allocated": "5000.00",
                "disbursed": "5000.00",
                "spent": "1234.56",
                "balance": "3765.44",
            },
        },
    }
    city_body = client_for("city_admin").get("/api/v1/funds/summary?year=2026").json()
    assert city_body["allocated"] == "25999.00"
    assert city_body["by_kind"]["startup"] == {
        "allocated": "20999.00",  # the committee's 20000 and Naiman's office's 999
        "disbursed": "15000.00",
        "spent": "0.00",
        "balance": "15000.00",
    }
    assert client_for("city_admin").get("/api/v1/funds/summary?year=2025").json()["allocated"] == "0.00"
    listed = client_for("kerqin_admin").get("/api/v1/funds/allocations").json()["items"]
    assert naiman.pk not in {a["id"] for a in listed} and allocation.pk in {a["id"] for a in listed}
    assert client_for("community_admin").get("/api/v1/funds/summary").status_code == 403


def test_the_api_flow_with_refusals_in_chinese(world, branch, client_for):
    kerqin, city = client_for("kerqin_admin"), client_for("city_admin")
    answer = kerqin.post(
        "/api/v1/funds/allocations",
        {"kind": "work", "unit_id": branch.pk, "year": 2026, "amount": "5000.00", "purpose": "新建支部"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    pk = answer.json()["id"]
    assert answer.json()["status_label"] == "待审核"
    refused = kerqin.post(f"/api/v1/funds/allocations/{pk}/approve", {}, content_type="application/json")
    assert refused.status_code == 422 and "申请人不能审核自己的申请" in refused.json()["detail"]
    assert (
        city.post(f"/api/v1/funds/allocations/{pk}/approve", {}, content_type="application/json").status_code
        == 200
    )
    paid_out = city.post(
        f"/api/v1/funds/allocations/{pk}/disburse", {"date": "2026-03-01"}, content_type="application/json"
    )
    assert paid_out.status_code == 201 and paid_out.json()["amount"] == "5000.00"
    over = kerqin.post(
        f"/api/v1/funds/allocations/{pk}/spending",
        {"date": "2026-04-01", "purpose": "venue", "amount": "5000.01"},
        content_type="application/json",
    )
    assert over.status_code == 422
    assert over.json()["errors"] == [
        {"field": "amount", "message": "金额：超出可用余额，尚可使用 5000.00 元"}
    ]
    receipt = SimpleUploadedFile("fapiao.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    with_receipt = kerqin.post(
        f"/api/v1/funds/allocations/{pk}/spending/upload",
        {
            "date": "2026-04-02",
            "purpose": "venue",
            "amount": "1999.90",
            "description": "活动室桌椅",
            "receipt": receipt,
        },
    )
    assert with_receipt.status_code == 201, with_receipt.content
    assert with_receipt.json()["receipt"].endswith(".pdf")
    closed = city.post(
        f"/api/v1/funds/allocations/{pk}/close", {"performance": "excellent"}, content_type="application/json"
    )
    assert closed.json()["closing_balance"] == "3000.10" and closed.json()["status"] == "closed"
    rows = city.get("/api/v1/funds/balances", {"year": 2026, "by": "organisation"}).json()["items"]
    assert {
        "key": str(branch.pk),
        "name": branch.name,
        "allocated": "5000.00",
        "disbursed": "5000.00",
        "spent": "1999.90",
        "balance": "3000.10",
    } in rows
    assert city.get("/api/v1/funds/balances", {"by": "street"}).status_code == 422


# --- the Excel sheet ---


def test_the_spending_list_exports_as_finance_offices_expect(branch, kerqin, city, client_for):
    allocation = paid(branch, kerqin, city, "5000.00")
    spend(allocation, kerqin, "1200.50", "training")
    services.record_spending(
        allocation,
        actor=kerqin,
        date=datetime.date(2026, 5, 1),
        purpose="care",
        amount="300",
        description='=HYPERLINK("http://evil")',
    )
    line = spend(allocation, kerqin, "99.99", "honours", day=datetime.date(2026, 6, 1))
    services.reverse_spending(line, actor=kerqin, reason="重复登记", date=datetime.date(2026, 6, 2))

    response = client_for("kerqin_admin").get("/api/v1/funds/exports/spending", {"year": 2026})
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    assert ws["A1"].value == "党建经费支出明细表"
    assert ws["A2"].value == "单位：科尔沁区两新工委"
    assert ws["G2"].value == "期间：2026年1月1日至2026年12月31日"
    assert ws["K2"].value == "金额单位：元"
    assert [c.value for c in ws[3]][:10] == [
        "序号",
        "支出日期",
        "接收单位",
        "旗县区",
        "行业",
        "经费类别",
        "年度",
        "用途",
        "摘要",
        "金额（元）",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=7)]
    assert [r[9] for r in rows] == [1200.5, 300, 99.99, -99.99]
    assert all(ws.cell(row=i, column=10).number_format == "#,##0.00" for i in range(4, 8))
    assert rows[0][2] == branch.name and rows[0][7] == "教育培训" and rows[3][11] == "是"
    formula = ws.cell(row=5, column=9)
    assert formula.data_type == "s" and formula.value.startswith("=")  # text, not a formula
    assert ws.cell(row=5, column=9).quotePrefix
    assert ws["A8"].value == "合计（4 笔）" and ws["J8"].value == 1500.5
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    # nothing outside the caller's scope, and the console gives the same sheet
    assert (
        client_for("city_admin").get(reverse("admin:funds_spending_export") + "?year=2026").status_code == 200
    )
    naiman = client_for("rider_committee_admin").get("/api/v1/funds/exports/spending", {"year": 2026})
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(naiman.streaming_content))).active
    assert ws["A4"].value == "合计（0 笔）"


# --- the console: the whole flow through the services ---


def test_the_console_flow_including_reject_and_close(world, branch, client_for):
    kerqin, city = client_for("kerqin_admin"), client_for("city_admin")
    add = reverse("admin:funds_allocation_add")
    answer = kerqin.post(add, {"kind": "startup", "year": 2026, "unit": branch.pk, "amount": "5000.00"})
    assert answer.status_code == 200 and "建设启动资金只拨给" in answer.content.decode()
    answer = kerqin.post(
        add, {"kind": "work", "year": 2026, "unit": branch.pk, "amount": "5000.00", "purpose": "新建"}
    )
    assert answer.status_code == 302
    allocation = Allocation.objects.get(unit=branch)
    page = city.get(reverse("admin:funds_allocation_change", args=[allocation.pk])).content.decode()
    assert "审核通过" in page and "不予批准" in page

    act = lambda a: reverse("admin:funds_allocation_act", args=[allocation.pk, a])  # noqa: E731
    assert city.post(act("approve"), {"amount": "4500.00", "note": "核减"}).status_code == 302
    assert (
        city.post(
            act("disburse"), {"amount": "4500.00", "date": "2026-03-10", "voucher": "记-12"}
        ).status_code
        == 302
    )
    allocation.refresh_from_db()
    assert allocation.status == "disbursed" and allocation.amount == D("4500.00")

    spending_add = reverse("admin:funds_spending_add")
    receipt = SimpleUploadedFile("shouju.jpg", JPEG, content_type="image/jpeg")
    data = {
        "allocation": allocation.pk,
        "date": "2026-04-01",
        "purpose": "activity",
        "amount": "4500.01",
        "description": "主题党日",
    }
    answer = kerqin.post(spending_add, data)
    assert answer.status_code == 200 and "超出可用余额" in answer.content.decode()
    answer = kerqin.post(spending_add, {**data, "amount": "800.00", "receipt": receipt})
    assert answer.status_code == 302
    line = Spending.objects.get(allocation=allocation)
    assert line.receipt.name.endswith(".jpg")
    page = city.get(reverse("admin:funds_allocation_change", args=[allocation.pk])).content.decode()
    assert "已拨付 4500.00 元 · 已使用 800.00 元 · 余额 3700.00 元" in page
    assert "shouju" in page
    assert city.get(reverse("admin:funds_spending_change", args=[line.pk])).status_code == 200

    reverse_url = reverse("admin:funds_spending_reverse", args=[line.pk])
    assert kerqin.post(reverse_url, {"reason": "", "date": "2026-04-02"}).status_code == 200
    assert kerqin.post(reverse_url, {"reason": "重复", "date": "2026-04-02"}).status_code == 302
    assert Spending.objects.get(reverses=line).amount == D("-800.00")
    entry = allocation.disbursements.get()
    assert kerqin.get(reverse("admin:funds_disbursement_reverse", args=[entry.pk])).status_code == 200

    assert (
        city.post(act("close"), {"performance": "pass", "note": "", "date": "2026-11-28"}).status_code == 302
    )
    allocation.refresh_from_db()
    assert allocation.status == "closed" and allocation.closing_balance == D("4500.00")
    assert city.get(reverse("admin:funds_allocation_balances") + "?year=2026").status_code == 200

    other = services.apply_for_funds(
        actor=SYSTEM,
        kind="work",
        unit=make_branch(world["units"]["djb-kerqin-express"]),
        year=2026,
        amount="5000",
    )
    reject = reverse("admin:funds_allocation_act", args=[other.pk, "reject"])
    assert city.post(reject, {"reason": ""}).status_code == 200
    assert city.post(reject, {"reason": "重复申请"}).status_code == 302
    other.refresh_from_db()
    assert (other.status, other.review_note) == ("rejected", "重复申请")
    # out of scope: the county cannot act on Naiman's funds
    naiman = make_allocation(world["units"]["djb-naiman-express"])
    assert (
        kerqin.post(
            reverse("admin:funds_allocation_act", args=[naiman.pk, "approve"]), {"amount": "1"}
        ).status_code
        == 404
    )
    naiman.refresh_from_db()
    assert naiman.status == "applied"


def test_the_funds_list_needs_few_queries(
    world, branch, kerqin, city, client_for, django_assert_max_num_queries
):
    for i in range(8):
        allocation = paid(make_branch(world["units"]["djb-kerqin-express"], name=f"支部{i}"), kerqin, city)
        spend(allocation, kerqin, "10.00")
    client = client_for("city_admin")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("admin:funds_allocation_changelist")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/funds/allocations").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("admin:funds_spending_changelist")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/funds/spending").json()["count"] == 8


def test_a_secretary_records_spending_in_the_console_for_its_branch_only(
    world, branch, kerqin, city, client_for
):
    own = paid(branch, kerqin, city)
    neighbour = paid(make_branch(world["units"]["djb-kerqin-express"], name="邻近党支部"), kerqin, city)
    secretary = secretary_of(branch, "console_secretary")
    client = client_for(secretary.username)
    page = client.get(reverse("admin:funds_allocation_change", args=[own.pk])).content.decode()
    assert "登记支出" in page and "审核通过" not in page and "年度结算" not in page
    assert client.get(reverse("admin:funds_allocation_change", args=[neighbour.pk])).status_code == 404
    add = reverse("admin:funds_spending_add")
    data = {"date": "2026-05-01", "purpose": "training", "amount": "120.00", "description": "党课教材"}
    answer = client.post(add, {**data, "allocation": neighbour.pk})
    assert answer.status_code == 200 and not Spending.objects.filter(allocation=neighbour).exists()
    assert client.post(add, {**data, "allocation": own.pk}).status_code == 302
    assert services.allocation_figures(own)["spent"] == D("120.00")
    assert client.get(reverse("admin:funds_allocation_act", args=[own.pk, "close"])).status_code == 404


def test_the_console_home_shows_applications_to_review_and_the_balance(
    world, branch, kerqin, city, client_for
):
    allocation = paid(branch, kerqin, city, "5000.00")
    spend(allocation, kerqin, "1000.00")
    services.apply_for_funds(
        actor=kerqin, kind="work", unit=make_branch(branch.parent), year=2026, amount="5000"
    )
    page = client_for("city_admin").get(reverse("admin:index")).content.decode()
    assert "待审核经费申请" in page and "4000.00" in page
    secretary = secretary_of(branch, "home_secretary")
    page = client_for(secretary.username).get(reverse("admin:index")).content.decode()
    assert "待审核经费申请" not in page and "本年度经费余额" in page


def test_tab_and_carriage_return_led_texts_are_neutralised_in_the_spending_list(
    branch, kerqin, city, client_for
):
    """Issue 18 item 8: texts led by a tab or CR (the service trims them) and by = or @ come out as text."""
    allocation = paid(branch, kerqin, city, "5000.00")
    for i, text in enumerate(["\t=1+1", "\r@SUM(A1)", "正常摘要"]):
        services.record_spending(
            allocation,
            actor=kerqin,
            date=datetime.date(2026, 5, 1 + i),
            purpose="care",
            amount="10",
            description=text,
        )
    response = client_for("kerqin_admin").get("/api/v1/funds/exports/spending", {"year": 2026})
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {c.value.strip(): c for row in ws.iter_rows(min_row=4) for c in row if isinstance(c.value, str)}
    assert cells["=1+1"].quotePrefix and cells["@SUM(A1)"].quotePrefix
    assert not cells["正常摘要"].quotePrefix

"""Transfers (validity, expiry, receipt), 流动党员, and dues per rate band with exact boundaries."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from tests.members import factories as f
from xinye.accounts.permissions import system_actor
from xinye.core.errors import Refused
from xinye.ledger.choices import MembershipHeld
from xinye.ledger.models import PartyMember
from xinye.members import services
from xinye.members.choices import Direction, DuesBasis, FlowStatus, TransferStatus
from xinye.members.models import DuesBand

SYSTEM = system_actor("test")

D = datetime.date


@pytest.fixture
def branch(world):
    office = world["units"]["djb-kerqin-express"]
    return {"office": office, "unit": f.branch(office, "测试快递党支部")}


# --- transfers ---


def test_validity_three_months_same_province_six_across(branch):
    member = f.member(branch["office"], "赵快递", party_unit=branch["unit"])
    same = services.issue_transfer(
        direction=Direction.INCOMING,
        unit=branch["unit"],
        member=member,
        other_organisation="中共赤峰市红山区某快递公司支部委员会",
        other_region="内蒙古自治区赤峰市",
        issued_on=D(2026, 3, 10),
        actor=SYSTEM,
    )
    assert same.cross_province is False
    assert same.valid_until == D(2026, 6, 9)
    across = services.issue_transfer(
        direction=Direction.OUTGOING,
        unit=branch["unit"],
        member_name="钱司机",
        other_organisation="中共哈尔滨市某物流公司支部委员会",
        other_region="黑龙江省哈尔滨市",
        issued_on=D(2026, 3, 10),
        actor=SYSTEM,
    )
    assert across.cross_province is True
    assert across.valid_until == D(2026, 9, 9)


def test_expiry_detected_and_receipt_refused_after_expiry(branch):
    letter = services.issue_transfer(
        direction=Direction.OUTGOING,
        unit=branch["unit"],
        member_name="孙骑手",
        other_organisation="中共赤峰市某支部",
        other_region="内蒙古自治区赤峰市",
        issued_on=D(2026, 1, 5),
        actor=SYSTEM,
    )
    assert not letter.is_expired(D(2026, 4, 4))
    assert letter.is_expired(D(2026, 4, 5))
    with pytest.raises(Refused, match="已于 2026-04-04 过期（有效期 3 个月）"):
        services.record_receipt(letter, D(2026, 4, 20), actor=SYSTEM)
    assert services.expire_transfers(D(2026, 4, 5), actor=SYSTEM) >= 1
    letter.refresh_from_db()
    assert letter.status == TransferStatus.EXPIRED
    with pytest.raises(Refused, match="不能登记回执"):
        services.record_receipt(letter, D(2026, 4, 1), actor=SYSTEM)


def test_receipt_of_incoming_moves_membership_here(branch):
    member = f.member(branch["office"], "周快递", party_unit=branch["unit"])
    flowing = services.register_flowing_member(
        practitioner=member.practitioner,
        unit=branch["unit"],
        home_organisation="中共赤峰市松山区某快递网点支部",
        home_region="内蒙古自治区赤峰市",
        registered_on=D(2025, 9, 1),
        home_contact_phone="13904760000",
        actor=SYSTEM,
    )
    member.refresh_from_db()
    assert member.membership_held == MembershipHeld.ELSEWHERE
    letter = services.issue_transfer(
        direction=Direction.INCOMING,
        unit=branch["unit"],
        member=member,
        other_organisation="中共赤峰市松山区某快递网点支部",
        other_region="内蒙古自治区赤峰市",
        issued_on=D(2026, 2, 1),
        actor=SYSTEM,
    )
    with pytest.raises(Refused, match="未回执"):
        services.issue_transfer(
            direction=Direction.INCOMING,
            unit=branch["unit"],
            member=member,
            other_organisation="x",
            issued_on=D(2026, 2, 2),
            actor=SYSTEM,
        )
    services.record_receipt(letter, D(2026, 2, 20), actor=SYSTEM)
    letter.refresh_from_db()
    member.refresh_from_db()
    flowing.refresh_from_db()
    assert letter.status == TransferStatus.RECEIVED and letter.receipt_on == D(2026, 2, 20)
    assert member.membership_held == MembershipHeld.HERE and member.home_organisation == ""
    assert flowing.status == FlowStatus.ENDED


def test_register_flowing_member_creates_local_party_member(branch):
    person = f.person(branch["office"], "吴骑手")
    flowing = services.register_flowing_member(
        practitioner=person,
        unit=branch["unit"],
        home_organisation="中共赤峰市元宝山区某村党支部",
        home_region="内蒙古自治区赤峰市",
        registered_on=D(2026, 3, 1),
        joined_on=D(2018, 7, 1),
        actor=SYSTEM,
    )
    member = PartyMember.objects.get(practitioner=person)
    assert member.unit == branch["unit"] and member.membership_held == MembershipHeld.ELSEWHERE
    assert member.home_organisation == "中共赤峰市元宝山区某村党支部"
    assert flowing.member == member
    person.refresh_from_db()
    assert person.political_status == "full"


# --- dues ---


MAY = D(2026, 5, 1)


def _dues(member, income, month=MAY):
    services.declare_income(member, month, Decimal(income), actor=SYSTEM)
    return services.monthly_dues(member, month)


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        ("2000", "10.00"),
        ("3000", "15.00"),  # exactly 3000: 0.5 %
        ("3000.01", "30.00"),  # 1 %, rounded half up
        ("5000", "50.00"),  # exactly 5000: 1 %
        ("5000.01", "75.00"),  # 1.5 %
        ("10000", "150.00"),  # exactly 10000: 1.5 %
        ("10000.01", "200.00"),  # 2 %
        ("4321.50", "43.22"),  # 43.215 → 43.22 (ROUND_HALF_UP)
    ],
)
def test_dues_bands_and_boundaries(branch, income, expected):
    member = f.member(branch["office"], "党费测试", party_unit=branch["unit"])
    assert _dues(member, income) == Decimal(expected)


def test_bands_are_data(db):
    assert DuesBand.objects.count() == 4
    DuesBand.objects.filter(upper=Decimal("3000")).update(rate=Decimal("0.6"))
    assert services.dues_rate(Decimal("2000")) == Decimal("0.6")


def test_flat_rate_for_students_dibao_unemployed(branch):
    for basis in (DuesBasis.STUDENT, DuesBasis.DIBAO, DuesBasis.UNEMPLOYED):
        member = f.member(branch["office"], "低保党员", party_unit=branch["unit"])
        services.declare_income(member, D(2026, 5, 1), Decimal("900"), basis=basis, actor=SYSTEM)
        assert services.monthly_dues(member, D(2026, 5, 1)) == Decimal("0.20")


def test_gig_worker_pays_on_previous_quarter_average(branch):
    member = f.member(branch["office"], "灵活就业骑手", party_unit=branch["unit"])
    for month, income in ((D(2026, 1, 1), "4000"), (D(2026, 2, 1), "5000"), (D(2026, 3, 1), "7000")):
        services.declare_income(member, month, Decimal(income), basis=DuesBasis.GIG, actor=SYSTEM)
    services.declare_income(member, D(2026, 4, 1), Decimal("12000"), basis=DuesBasis.GIG, actor=SYSTEM)
    # Q2 months pay on Q1's average 5333.33 → 1.5 % = 80.00; April's own 12000 does not count yet.
    assert services.dues_base(member, D(2026, 5, 1)) == (DuesBasis.GIG, Decimal("5333.33"))
    assert services.monthly_dues(member, D(2026, 5, 1)) == Decimal("80.00")
    with pytest.raises(Refused, match="上季度"):
        services.monthly_dues(member, D(2026, 1, 1))


def test_probationary_member_pays_from_admission(branch):
    member = f.member(
        branch["office"], "预备党员", is_full=False, joined_on=D(2026, 3, 18), party_unit=branch["unit"]
    )
    services.declare_income(member, D(2026, 1, 1), Decimal("4000"), actor=SYSTEM)
    assert services.monthly_dues(member, D(2026, 2, 1)) == Decimal("0.00")
    assert services.monthly_dues(member, D(2026, 3, 1)) == Decimal("40.00")
    with time_machine.travel(datetime.datetime(2026, 6, 15, tzinfo=datetime.UTC), tick=False):
        assert [m.month for m in services.unpaid_months(member)] == [3, 4, 5]


def test_payments_and_arrears(branch):
    member = f.member(branch["office"], "欠费党员", party_unit=branch["unit"])
    services.declare_income(member, D(2026, 1, 1), Decimal("3500"), actor=SYSTEM)
    services.record_payment(member, D(2026, 1, 1), D(2026, 3, 1), Decimal("105"), D(2026, 3, 5), actor=SYSTEM)
    with pytest.raises(Refused, match="已交纳：2026-03"):
        services.record_payment(
            member, D(2026, 3, 1), D(2026, 4, 1), Decimal("70"), D(2026, 4, 5), actor=SYSTEM
        )
    with pytest.raises(Refused, match="应交 35.00 元，实交 20.00 元"):
        services.record_payment(
            member, D(2026, 4, 1), D(2026, 4, 1), Decimal("20"), D(2026, 4, 5), actor=SYSTEM
        )
    as_of = D(2026, 9, 10)  # April–August unpaid: 5 consecutive months
    assert services.arrears_months(member, as_of) == 5
    services.record_payment(member, D(2026, 8, 1), D(2026, 8, 1), Decimal("35"), D(2026, 9, 1), actor=SYSTEM)
    assert services.arrears_months(member, as_of) == 0  # the run before as_of is broken
    assert len(services.unpaid_months(member, as_of)) == 4
    listed = services.arrears_list(PartyMember.objects.filter(pk=member.pk), as_of)
    assert listed[0]["unpaid_count"] == 4


def test_flowing_members_pay_at_home(branch):
    person = f.person(branch["office"], "外地党员")
    flowing = services.register_flowing_member(
        practitioner=person,
        unit=branch["unit"],
        home_organisation="中共赤峰市某支部",
        home_region="内蒙古自治区赤峰市",
        registered_on=D(2026, 1, 1),
        actor=SYSTEM,
    )
    assert services.arrears_months(flowing.member, D(2026, 9, 1)) == 0


def test_expire_command(branch, capsys):
    from django.core.management import call_command

    letter = services.issue_transfer(
        direction=Direction.OUTGOING,
        unit=branch["unit"],
        member_name="过期者",
        other_organisation="外地支部",
        other_region="黑龙江省",
        issued_on=D(2026, 1, 5),
        actor=SYSTEM,
    )
    call_command("expire_transfers", "--as-of", "2026-07-04")
    letter.refresh_from_db()
    assert letter.status == TransferStatus.ISSUED  # 6 months across provinces: valid to 2026-07-04
    call_command("expire_transfers", "--as-of", "2026-07-05")
    letter.refresh_from_db()
    assert letter.status == TransferStatus.EXPIRED
    assert "已标记" in capsys.readouterr().out

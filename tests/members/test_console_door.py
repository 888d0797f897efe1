"""The console writes through the members services (save_object) and validates through their pure checks
(validate_object): a refusal shows beside its field, an out-of-scope placement changes nothing, and a
service called without an actor is refused."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.members import factories as f
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope
from xinye.members import services
from xinye.members.models import (
    Course,
    DevelopmentCase,
    FlowingMember,
    IncomeDeclaration,
    StudyRecord,
    TransferLetter,
)

D = datetime.date
NOW = datetime.datetime(2026, 6, 30, 10, 0, tzinfo=datetime.UTC)
SYSTEM = system_actor("test")


@pytest.fixture
def branches(world):
    inside = f.branch(world["units"]["djb-kerqin-delivery"], "科尔沁骑手党支部")
    outside = f.branch(world["units"]["djb-naiman-delivery"], "奈曼骑手党支部")
    with time_machine.travel(NOW, tick=False):
        yield inside, outside


def test_transfer_issued_and_received_in_the_console(branches, client_for):
    inside, _ = branches
    console = client_for("secretary")
    add = reverse("admin:members_transferletter_add")
    data = {
        "direction": "incoming",
        "member_name": "王五",
        "unit": inside.pk,
        "other_organisation": "",
        "other_region": "内蒙古自治区赤峰市",
        "issued_on": "2026-06-01",
    }
    refused = console.post(add, data)
    assert refused.status_code == 200 and not TransferLetter.objects.exists()
    assert console.post(add, {**data, "other_organisation": "赤峰某支部"}).status_code == 302
    letter = TransferLetter.objects.get(member_name="王五")
    assert letter.valid_until == D(2026, 8, 31) and letter.created_by.username == "secretary"
    change = reverse("admin:members_transferletter_change", args=[letter.pk])
    late = console.post(change, {"receipt_on": "2026-09-30"})
    assert late.status_code == 200 and "过期" in late.content.decode()
    assert console.post(change, {"receipt_on": "2026-06-20"}).status_code == 302
    letter.refresh_from_db()
    assert letter.status == "received" and letter.receipt_on == D(2026, 6, 20)


def test_flowing_member_course_study_and_income_in_the_console(branches, client_for):
    inside, _ = branches
    console = client_for("secretary")
    person = f.person(inside, "流动党员")
    r = console.post(
        reverse("admin:members_flowingmember_add"),
        {
            "practitioner": person.pk,
            "unit": inside.pk,
            "home_organisation": "赤峰某支部",
            "home_region": "内蒙古自治区赤峰市",
            "registered_on": "2026-03-01",
        },
    )
    assert r.status_code == 302
    flowing = FlowingMember.objects.get(member__practitioner=person)
    assert flowing.member.membership_held == "elsewhere" and flowing.member.unit == inside

    course_add = reverse("admin:members_course_add")
    course = {"title": "党课", "kind": "theory", "mode": "offline", "hours": "0", "unit": inside.pk}
    refused = console.post(course_add, course)
    assert refused.status_code == 200 and "学时须大于 0" in refused.content.decode()
    assert console.post(course_add, {**course, "hours": "2"}).status_code == 302
    made = Course.objects.get(title="党课", unit=inside)

    member = f.member(inside, "学习党员")
    study = {
        "practitioner": member.practitioner.pk,
        "course": made.pk,
        "kind": "theory",
        "date": "2026-06-01",
        "hours": "2",
    }
    assert console.post(reverse("admin:members_studyrecord_add"), study).status_code == 302
    record = StudyRecord.objects.get(practitioner=member.practitioner)
    assert record.unit == inside and record.hours == Decimal("2")

    income = {"member": member.pk, "month": "2026-05-01", "basis": "wage", "net_income": "-1"}
    refused = console.post(reverse("admin:members_incomedeclaration_add"), income)
    assert refused.status_code == 200 and "收入不能为负数" in refused.content.decode()
    assert (
        console.post(
            reverse("admin:members_incomedeclaration_add"), {**income, "net_income": "4000"}
        ).status_code
        == 302
    )
    assert IncomeDeclaration.objects.get(member=member).unit == inside


def test_out_of_scope_placement_changes_nothing(branches, client_for):
    _, outside = branches
    person = f.person(outside, "外县申请人")
    console = client_for("secretary")
    data = {"practitioner": person.pk, "unit": outside.pk, "applied_on": "2026-06-01", "note": ""}
    data.update({"records-TOTAL_FORMS": 0, "records-INITIAL_FORMS": 0})
    assert console.post(reverse("admin:members_developmentcase_add"), data).status_code == 200
    assert not DevelopmentCase.objects.filter(practitioner=person).exists()
    with pytest.raises(OutOfScope):
        services.open_case(person, outside, D(2026, 6, 1), actor=None)
    with pytest.raises(TypeError):
        services.open_case(person, outside, D(2026, 6, 1))  # the actor is a required keyword
    assert not DevelopmentCase.objects.filter(practitioner=person).exists()

"""Permission-matrix registrations for the members app's staff-visible types."""

import datetime
from decimal import Decimal

from tests.matrix import MatrixType, party_unit_for_placement, register
from tests.members import factories as f
from xinye.members.choices import Direction
from xinye.members.models import (
    Course,
    DevelopmentCase,
    DevelopmentRecord,
    DevelopmentStep,
    DuesPayment,
    FlowingMember,
    IncomeDeclaration,
    StudyRecord,
    TransferLetter,
)

D = datetime.date(2026, 3, 1)


def _case(unit, world):
    return DevelopmentCase.objects.create(
        practitioner=f.person(unit, "矩阵申请人"), unit=unit, current_step=1
    )


def _record(unit, world):
    case = _case(unit, world)
    return DevelopmentRecord.objects.create(case=case, step=DevelopmentStep.objects.get(number=1), date=D)


def _transfer(unit, world):
    m = f.member(unit, "矩阵党员")
    return TransferLetter.objects.create(
        direction=Direction.OUTGOING,
        member=m,
        member_name="矩阵党员",
        unit=unit,
        other_organisation="外地支部",
        issued_on=D,
    )


def _flowing(unit, world):
    unit = party_unit_for_placement(unit)
    m = f.member(unit, "矩阵流动党员")
    return FlowingMember.objects.create(
        member=m, unit=unit, home_organisation="赤峰某支部", home_region="内蒙古自治区赤峰市", registered_on=D
    )


def _declaration(unit, world):
    return IncomeDeclaration.objects.create(
        member=f.member(unit, "矩阵申报"), unit=unit, month=D, net_income=3000
    )


def _payment(unit, world):
    m = f.member(unit, "矩阵交费")
    return DuesPayment.objects.create(
        member=m, unit=unit, month_from=D, month_to=D, amount=Decimal("15"), paid_on=D
    )


def _course(unit, world):
    return Course.objects.create(title="矩阵课程", unit=unit, hours=2)


def _study(unit, world):
    return StudyRecord.objects.create(
        practitioner=f.person(unit, "矩阵学员"), unit=unit, date=D, hours=1, title="学习"
    )


register(
    MatrixType(
        "members.developmentcase",
        _case,
        api_detail="/api/v1/members/development-cases/{pk}",
        api_list="/api/v1/members/development-cases",
        enterprise_of=lambda o: o.practitioner.enterprise,
    )
)
register(
    MatrixType(
        "members.developmentrecord",
        _record,
        console=False,  # shown inline on the case page
        enterprise_of=lambda o: o.case.practitioner.enterprise,
    )
)
register(
    MatrixType(
        "members.transferletter",
        _transfer,
        api_detail="/api/v1/members/transfers/{pk}",
        api_list="/api/v1/members/transfers",
        enterprise_of=lambda o: o.member.enterprise,
        change_data=lambda o: {"receipt_on": "2026-03-05"},
    )
)
register(
    MatrixType(
        "members.flowingmember",
        _flowing,
        api_detail="/api/v1/members/flowing-members/{pk}",
        api_list="/api/v1/members/flowing-members",
        enterprise_of=lambda o: o.member.enterprise,
        change_data=lambda o: {
            "unit": o.unit_id,
            "home_organisation": "改",
            "home_region": "改",
            "registered_on": "2026-03-01",
            "status": "ended",
        },
    )
)
register(
    MatrixType(
        "members.incomedeclaration",
        _declaration,
        api_detail="/api/v1/members/dues/declarations/{pk}",
        api_list="/api/v1/members/dues/declarations",
        enterprise_of=lambda o: o.member.enterprise,
        change_data=lambda o: {
            "member": o.member_id,
            "month": "2026-03-01",
            "basis": "wage",
            "net_income": "9999",
        },
    )
)
register(
    MatrixType(
        "members.duespayment",
        _payment,
        api_detail="/api/v1/members/dues/payments/{pk}",
        api_list="/api/v1/members/dues/payments",
        enterprise_of=lambda o: o.member.enterprise,
    )
)
register(
    MatrixType(
        "members.course",
        _course,
        api_detail="/api/v1/members/courses/{pk}",
        api_list="/api/v1/members/courses",
        change_data=lambda o: {
            "title": "改",
            "kind": "theory",
            "mode": "offline",
            "hours": "3",
            "unit": o.unit_id,
        },
    )
)
register(
    MatrixType(
        "members.studyrecord",
        _study,
        api_detail="/api/v1/members/study-records/{pk}",
        api_list="/api/v1/members/study-records",
        enterprise_of=lambda o: o.practitioner.enterprise,
    )
)

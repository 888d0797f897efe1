"""Demo funds: 建设启动资金 for each of the 5 行业党委 (paid out, partly spent; last year's closed with its
balance and grade) and 党建工作经费 for the newest branches — most paid out and spent on the fixed purposes,
one approved and waiting for payment, one waiting for review, one refused with its reason, and one
payment reversed by a counter-entry. Through the services as the system actor; deterministic; idempotent."""

import datetime

from django.db.models import F
from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.funds import services
from xinye.funds.choices import FundKind
from xinye.funds.models import Allocation
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit

ACTOR = system_actor("demo")
NEW_BRANCHES = 8

# (month, day, purpose, amount, description) — 党建经费 rules: no wages, hospitality or gifts
STARTUP_LINES = [
    (3, 18, "training", "4860.00", "行业党建指导员和党务工作者培训班（2 期）场地及教材费"),
    (5, 9, "venue", "6320.00", "行业党建服务站标识标牌及党建宣传展板制作"),
    (7, 1, "activity", "2150.50", "“七一”行业主题党日活动组织费用"),
    (9, 20, "honours", "1800.00", "年度优秀党员、最美骑手（快递员、司机）表彰证书及奖牌"),
]
WORK_LINES = [
    (4, 12, "activity", "860.00", "主题党日：参观革命烈士陵园交通费"),
    (6, 28, "venue", "1450.00", "党员活动室桌椅及学习资料架"),
    (8, 15, "care", "900.00", "走访慰问生病住院的党员骑手"),
    (10, 24, "training", "520.00", "党员学习教育读本"),
]
STATES = ["paid", "paid", "paid", "paid", "reversed", "approved", "applied", "rejected"]


def _day(year: int, month: int, day: int) -> datetime.date:
    return min(datetime.date(year, month, day), timezone.localdate())


def _fund(unit, kind, year, *, amount=None, purpose=""):
    existing = Allocation.objects.filter(unit=unit, kind=kind, year=year).first()
    if existing is not None:
        return None
    return services.apply_for_funds(
        actor=ACTOR,
        kind=kind,
        unit=unit,
        year=year,
        amount=amount or services.standard_amount(kind),
        purpose=purpose,
    )


def _pay_and_spend(allocation, year, lines, voucher):
    services.approve(allocation, actor=ACTOR, note="符合条件，同意按标准拨付")
    services.disburse(allocation, actor=ACTOR, date=_day(year, 2, 26), voucher=voucher)
    for month, day, purpose, amount, description in lines:
        services.record_spending(
            allocation,
            actor=ACTOR,
            date=_day(year, month, day),
            purpose=purpose,
            amount=amount,
            description=description,
        )


def load(world: dict) -> None:
    year = timezone.localdate().year
    committees = OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_COMMITTEE).order_by("sort", "code")
    for i, committee in enumerate(committees):
        previous = _fund(
            committee, FundKind.STARTUP, year - 1, purpose=f"{committee.name}组建启动：阵地建设、培训和宣传"
        )
        if previous is not None:
            _pay_and_spend(previous, year - 1, STARTUP_LINES[: 2 + i % 3], f"记-{year - 1}-{i + 1:03d}")
            services.close_year(
                previous,
                actor=ACTOR,
                performance="excellent" if i % 2 == 0 else "good",
                note="资金按用途使用，票据齐全；结余结转下年度使用",
                date=_day(year, 1, 15),
            )
        current = _fund(committee, FundKind.STARTUP, year, purpose=f"{committee.name}年度建设启动资金")
        if current is not None:
            _pay_and_spend(current, year, STARTUP_LINES[: 1 + (i + 1) % 4], f"记-{year}-{i + 1:03d}")

    branches = OrgUnit.objects.filter(
        kind__in=(UnitKind.BRANCH, UnitKind.JOINT_BRANCH), is_active=True
    ).order_by(F("party_organisation__founded_on").desc(nulls_last=True), "code")[:NEW_BRANCHES]
    for i, (branch, state) in enumerate(zip(branches, STATES, strict=False)):
        allocation = _fund(branch, FundKind.WORK, year, purpose=f"新建党组织“{branch.name}”党建工作经费")
        if allocation is None:
            continue
        if state == "applied":
            continue
        if state == "rejected":
            services.reject(
                allocation, actor=ACTOR, reason="该党支部本年度已由所在旗县拨付党建工作经费，不重复安排"
            )
            continue
        if state == "approved":
            services.approve(allocation, actor=ACTOR, note="同意，待财务拨付")
            continue
        if state == "reversed":
            services.approve(allocation, actor=ACTOR, note="同意")
            wrong = services.disburse(
                allocation, actor=ACTOR, date=_day(year, 3, 2), voucher=f"记-{year}-2{i:02d}"
            )
            services.reverse_disbursement(
                wrong, actor=ACTOR, reason="收款账户有误，退回重拨", date=_day(year, 3, 5)
            )
            services.disburse(allocation, actor=ACTOR, date=_day(year, 3, 8), voucher=f"记-{year}-3{i:02d}")
            continue
        _pay_and_spend(allocation, year, WORK_LINES[: 1 + i % 4], f"记-{year}-1{i:02d}")

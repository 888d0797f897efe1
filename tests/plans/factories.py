"""Builders for the plans tests (plain functions, through the services where a rule applies)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.core import workdays
from xinye.plans import services
from xinye.plans.models import Drive, Goal, Plan, PlanNotice, PlanTask

SYSTEM = system_actor("test")


def office(world, code="djb-kerqin-delivery"):
    return world["units"][code]


def make_plan(owner, *, year=None, **extra) -> Plan:
    year = year or timezone.localdate().year
    return Plan.objects.create(
        year=year, owner=owner, title=extra.pop("title", f"{owner.name}{year}年工作方案")
    )


def make_goal(plan, *, indicator="reported", target="10", **extra) -> Goal:
    return Goal.objects.create(
        plan=plan, title=extra.pop("title", "测试目标"), indicator=indicator, target=Decimal(target), **extra
    )


def make_task(office_unit, *, issuer=None, due=None, now=None, **extra) -> PlanTask:
    issuer = issuer or office_unit.parent
    now = now or timezone.now()
    due = due or workdays.add_workdays(workdays.local_date(now), 10)
    return services.issue_task(
        actor=SYSTEM,
        office=office_unit,
        issuer=issuer,
        title=extra.pop("title", "测试任务"),
        due_date=due,
        now=now,
        **extra,
    )


def make_notice(office_unit, **extra) -> PlanNotice:
    return PlanNotice.objects.create(
        kind="supervision",
        unit=office_unit,
        sender=office_unit.parent,
        message=extra.pop("message", "请说明情况"),
        reply_required=True,
        reply_due=timezone.localdate() + datetime.timedelta(days=3),
        **extra,
    )


def make_drive(owner, **extra) -> Drive:
    today = timezone.localdate()
    return Drive.objects.create(
        title=extra.pop("title", "测试攻坚行动"),
        owner=owner,
        start=extra.pop("start", today - datetime.timedelta(days=10)),
        deadline=extra.pop("deadline", today + datetime.timedelta(days=39)),
        **extra,
    )

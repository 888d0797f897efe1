"""Builders for the enterprise services tests (plain functions; rows saved directly so the matrix can place
them under any unit kind)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from tests.ledger.factories import make_enterprise
from xinye.support.models import (
    EnterpriseNeed,
    Institution,
    Match,
    MatchEvent,
    NeedReminder,
    NeedTask,
    Policy,
    PolicyReach,
    Product,
)


def make_need(unit, *, enterprise=None, kind="financing", **extra) -> EnterpriseNeed:
    enterprise = enterprise or make_enterprise(unit)
    return EnterpriseNeed.objects.create(
        enterprise=enterprise,
        kind=kind,
        title=extra.pop("title", "扩大站点需要周转资金"),
        unit=enterprise.unit,
        region=enterprise.region,
        **extra,
    )


def make_task(unit, *, need=None, **extra) -> NeedTask:
    need = need or make_need(unit)
    now = timezone.now()
    return NeedTask.objects.create(
        need=need, unit=unit, assigned_at=now, due_at=now + datetime.timedelta(days=10), **extra
    )


def make_reminder(unit) -> NeedReminder:
    task = make_task(unit)
    return NeedReminder.objects.create(
        key=f"test:{task.pk}", kind="overdue", task=task, unit=unit, message="催办：测试"
    )


def make_policy(unit, **extra) -> Policy:
    return Policy.objects.create(
        title=extra.pop("title", "新就业形态劳动者职业伤害保障试点"),
        issuer=extra.pop("issuer", "通辽市人力资源和社会保障局"),
        applies_to=extra.pop("applies_to", "外卖、快递平台站点及其骑手"),
        effective_from=extra.pop("effective_from", datetime.date(2026, 1, 1)),
        unit=unit,
        region=unit.region,
        **extra,
    )


def make_reach(unit, *, policy=None, kind="told") -> PolicyReach:
    enterprise = make_enterprise(unit)
    return PolicyReach.objects.create(policy=policy or make_policy(unit), enterprise=enterprise, kind=kind)


def make_institution(unit, *, kind="bank", **extra) -> Institution:
    return Institution.objects.create(
        name=extra.pop("name", "测试银行通辽分行"), kind=kind, unit=unit, region=unit.region, **extra
    )


def make_product(unit, *, institution=None, kind="loan", **extra) -> Product:
    institution = institution or make_institution(unit, kind="bank" if kind == "loan" else "insurer")
    return Product.objects.create(
        institution=institution,
        name=extra.pop("name", "小微创业贷"),
        kind=kind,
        max_amount=extra.pop("max_amount", Decimal("500000")),
        **extra,
    )


def make_event(unit, **extra) -> MatchEvent:
    return MatchEvent.objects.create(
        title=extra.pop("title", "新业态企业银企对接会"),
        held_on=extra.pop("held_on", datetime.date(2026, 11, 20)),
        unit=unit,
        region=unit.region,
        **extra,
    )


def make_match(unit, *, enterprise=None, institution=None, kind="loan", **extra) -> Match:
    enterprise = enterprise or make_enterprise(unit)
    institution = institution or make_institution(unit, kind="bank" if kind == "loan" else "insurer")
    return Match.objects.create(
        enterprise=enterprise, institution=institution, kind=kind, region=enterprise.region, **extra
    )

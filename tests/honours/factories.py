"""Builders for the campaigns tests (plain functions)."""

import datetime
import itertools
import uuid

from django.utils import timezone

from tests.ledger.factories import make_enterprise, make_practitioner
from xinye.honours.choices import NominationSource, NomineeStatus, Stage
from xinye.honours.models import Campaign, Exemplar, NegativeRecord, Nominee

_seq = itertools.count(1)


def phone() -> str:
    return f"137{uuid.uuid4().int % 10**8:08d}"


def make_campaign(unit, *, stage=Stage.NOMINATING, kind="best_rider", **extra) -> Campaign:
    """A campaign of `unit` whose current stage ends in a week (the earlier stages' days already past)."""
    today = timezone.localdate()
    order = [Stage.NOMINATING, Stage.REVIEWING, Stage.VOTING, Stage.PUBLICISING]
    at = order.index(stage) if stage in order else 4
    days = {}
    for i, name in enumerate(("nominate_until", "review_until", "vote_until", "publicise_until")):
        days[name] = today + datetime.timedelta(days=7 * (i - at + 1) - (0 if i >= at else 7))
    days.update({k: extra.pop(k) for k in list(extra) if k in days})
    return Campaign.objects.create(
        kind=kind,
        title=extra.pop("title", f"测试评选{next(_seq)}"),
        year=extra.pop("year", today.year),
        industry=extra.pop("industry", unit.industry or ""),
        unit=unit,
        quota=extra.pop("quota", 3),
        stage=stage,
        **days,
        **extra,
    )


def make_person(unit=None, *, enterprise=None, industry=None, **extra):
    """A practitioner in the ledger (an enterprise of `unit`), with a phone of their own."""
    if enterprise is None:
        enterprise = make_enterprise(unit, industry=industry)
    return make_practitioner(enterprise, phone=extra.pop("phone", None) or phone(), **extra)


def make_nominee(campaign, practitioner=None, *, status=NomineeStatus.APPROVED, votes=0, **extra) -> Nominee:
    if practitioner is None:
        practitioner = make_person(campaign.unit, industry=campaign.industry or None)
    return Nominee.objects.create(
        campaign=campaign,
        practitioner=practitioner,
        name=extra.pop("name", practitioner.name),
        enterprise_name=practitioner.enterprise.name,
        region_id=practitioner.region_id,
        industry=practitioner.industry,
        story=extra.pop("story", "风雨无阻，热心助人"),
        source=extra.pop("source", NominationSource.UNIT),
        status=status,
        votes=votes,
        **extra,
    )


def make_record(practitioner, *, closed_on=None, **extra) -> NegativeRecord:
    return NegativeRecord.objects.create(
        practitioner=practitioner,
        kind=extra.pop("kind", "complaint"),
        note=extra.pop("note", "顾客有效投诉"),
        closed_on=closed_on,
        unit_id=practitioner.unit_id,
        industry=practitioner.industry,
        **extra,
    )


def make_exemplar(unit, **extra) -> Exemplar:
    return Exemplar.objects.create(
        name=extra.pop("name", "李四"),
        honour=extra.pop("honour", "2025年度最美骑手"),
        year=extra.pop("year", 2025),
        industry=extra.pop("industry", unit.industry or ""),
        region_id=extra.pop("region_id", unit.region_id),
        unit=unit,
        story=extra.pop("story", "十年如一日"),
        **extra,
    )


def make_worker(phone_number: str | None = None, unit_code: str = "street-kerqin-1-c1"):
    """A portal worker signed in with `phone_number` (a fresh one when not given)."""
    from xinye.orgs.models import OrgUnit
    from xinye.workers.models import Worker

    unit = OrgUnit.objects.get(code=unit_code)
    return Worker.objects.create(
        phone=phone_number or phone(), name=f"投票人{next(_seq)}", unit=unit, region=unit.region
    )

"""Learning (学习教育): courses, study records and hours."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from xinye.accounts.permissions import require
from xinye.core.errors import Refused
from xinye.ledger.models import PartyMember, Practitioner
from xinye.members.choices import (
    CourseKind,
    StudySource,
)
from xinye.members.models import (
    Course,
    DevelopmentCase,
    StudyRecord,
)

READS = ("clean_course", "clean_study", "party_unit_of", "study_hours")


def party_unit_of(practitioner: Practitioner, fallback=None):
    """The party organisation a person's study belongs to: their membership, their open case, or else."""
    member = PartyMember.objects.filter(practitioner=practitioner).only("unit_id").first()
    if member is not None:
        return member.unit
    case = DevelopmentCase.objects.filter(practitioner=practitioner).order_by("-updated_at").first()
    if case is not None:
        return case.unit
    return fallback or practitioner.unit


def clean_course(hours) -> Decimal:
    """A course's hours (Refused unless more than 0)."""
    hours = Decimal(hours)
    if hours <= 0:
        raise Refused({"hours": "学时须大于 0"})
    return hours


@transaction.atomic
def create_course(
    *, title, unit, kind=CourseKind.THEORY, mode="offline", hours=1, held_on=None, provider="", actor
) -> Course:
    """A course (党课, 培训) held by the party organisation `unit`."""
    require(actor, "add", model=Course, unit=unit)
    course = Course.objects.create(
        title=title,
        unit=unit,
        kind=kind,
        mode=mode,
        hours=clean_course(hours),
        held_on=held_on,
        provider=provider,
    )
    require(actor, "add", course)
    return course


def clean_study(*, course: Course | None, title: str, hours) -> Decimal:
    """A study record names a course or what was studied; its hours are not negative. Returns the hours."""
    if course is None and not title:
        raise Refused({"title": "请选择课程或填写学习内容"})
    hours = Decimal(hours if hours is not None else (course.hours if course else 0))
    if hours < 0:
        raise Refused({"hours": "学时不能为负数"})
    return hours


@transaction.atomic
def record_study(
    practitioner: Practitioner,
    date: datetime.date,
    *,
    course: Course | None = None,
    hours=None,
    kind: str | None = None,
    title: str = "",
    points: int | None = None,
    source: str = StudySource.HERE,
    platform: str = "",
    actor,
) -> StudyRecord:
    """Record one person's study (a course here, or free-standing), under their party organisation."""
    unit = party_unit_of(practitioner, course.unit if course else None)
    require(actor, "add", model=StudyRecord, unit=unit)
    record = StudyRecord.objects.create(
        practitioner=practitioner,
        unit=unit,
        course=course,
        kind=kind or (course.kind if course else CourseKind.THEORY),
        title=title or (course.title if course else ""),
        date=date,
        hours=clean_study(course=course, title=title, hours=hours),
        points=points,
        source=source,
        platform=platform,
    )
    require(actor, "add", record)
    return record


def study_hours(records, *, group: str = "member", date_from=None, date_to=None) -> list[dict]:
    """Hours and points summed by member (person), by organisation, or by month, over a restricted queryset."""
    if date_from:
        records = records.filter(date__gte=date_from)
    if date_to:
        records = records.filter(date__lte=date_to)
    if group == "month":
        records = records.annotate(period=TruncMonth("date"))
    fields = {
        "member": ["practitioner_id", "practitioner__name", "unit__name"],
        "unit": ["unit_id", "unit__name"],
        "kind": ["kind"],
        "month": ["period"],
    }.get(group)
    if fields is None:
        raise Refused("分组方式须为 member（人员）、unit（党组织）、kind（类别）或 month（月份）")
    rows = (
        records.values(*fields)
        .annotate(hours=Sum("hours"), points=Sum("points"), records=Count("id"))
        .order_by("-hours", *fields)
    )
    out = []
    for r in rows:
        item = {"hours": r["hours"] or Decimal("0"), "points": r["points"] or 0, "records": r["records"]}
        if group == "member":
            item.update(id=r["practitioner_id"], name=r["practitioner__name"], unit=r["unit__name"])
        elif group == "unit":
            item.update(id=r["unit_id"], name=r["unit__name"], unit=r["unit__name"])
        elif group == "month":
            item.update(id=None, name=f"{r['period']:%Y-%m}", unit="")
        else:
            item.update(id=None, name=CourseKind(r["kind"]).label, unit="")
        out.append(item)
    return out

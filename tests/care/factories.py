"""Builders for the personal services tests (plain functions)."""

import datetime

from django.utils import timezone

from xinye.care.models import ServiceOffer, ServiceSession


def make_offer(unit, *, kind="legal_aid", station=None, **extra) -> ServiceOffer:
    return ServiceOffer.objects.create(
        kind=kind,
        title=extra.pop("title", f"测试{kind}服务"),
        unit=unit,
        region=unit.region,
        station=station,
        phone=extra.pop("phone", "0475-1234567"),
        **extra,
    )


def make_session(offer, *, days=3, capacity=30, **extra) -> ServiceSession:
    start = extra.pop("starts_at", None) or timezone.now() + datetime.timedelta(days=days)
    return ServiceSession.objects.create(
        offer=offer, starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=capacity, **extra
    )

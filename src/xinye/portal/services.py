"""Portal services: what the worker pages do across apps — 备案 with the volunteer sign-up, erasing a
worker's data everywhere, and submissions to the appeal and hazard apps (each retried request finds its
first result by idempotency key).

The worker record itself, consent and the privacy notices are `xinye.workers.services`; the portal composes
them with the apps above the worker identity. Writes take a required keyword `worker` (the signed-in worker
is their actor, and they touch only their own rows). Sign-in, before there is a worker, is in signin.py.
Refusals are `Refused` with a Chinese message."""

import functools
import uuid

from django.db import transaction
from django.utils import translation

from xinye.appeals import services as appeals
from xinye.appeals.choices import AppealCategory
from xinye.core.errors import Refused
from xinye.hazards import services as hazards
from xinye.portal import rules
from xinye.stations import services as stations
from xinye.volunteers import services as volunteers
from xinye.workers import services as workers
from xinye.workers.models import NoticeKind, Worker

READS = (
    "clean_key",
    "portal_key",
    "is_sensitive_category",
    "sensitive_appeal_categories",
)


# --- the worker's 备案 and erasure, across apps ------------------------------------------------------


@transaction.atomic
def register(
    *,
    worker: Worker,
    station=None,
    community=None,
    name: str,
    occupation: str = "",
    enterprise_name: str = "",
    id_number: str = "",
    volunteer: bool = False,
    volunteer_skills: str = "",
) -> Worker:
    """The 备案 form, in one transaction: the worker record (workers.services.register) with the community —
    the station's, when they registered at a station —, the station of registration (held by the stations
    app: stations.services.record_registration) and, if ticked, the volunteer sign-up."""
    if station is not None:
        community = station.unit
    worker = workers.register(
        worker=worker,
        community=community,
        name=name,
        occupation=occupation,
        enterprise_name=enterprise_name,
        id_number=id_number,
    )
    stations.record_registration(worker=worker, station=station)
    if volunteer:
        volunteers.register_volunteer(worker=worker, skills=volunteer_skills)
    return worker


@transaction.atomic
def delete_worker_data(*, worker: Worker) -> None:
    """Delete the worker's personal data (PIPL art. 47): appeals and reports stay for the record but
    lose every link to the person; the worker row and consents go; check-ins keep only counts."""
    for module in (appeals, hazards, volunteers):
        module.anonymise_worker(worker=worker)
    workers.delete_worker(worker=worker)


# --- submissions (the appeal and hazard apps own the rows, their checks and rate limits) -------------


def clean_key(key: str) -> str:
    try:
        return str(uuid.UUID(str(key)))
    except ValueError:
        raise Refused("表单已失效，请刷新页面后重新提交")


def portal_key(worker: Worker, key: str) -> str:
    """The idempotency key sent on: the form's uuid4, bound to this worker (≤ 64 characters)."""
    return f"portal-{worker.pk}-{clean_key(key)}"


def is_sensitive_category(label: str) -> bool:
    return any(word in str(label) for word in rules.sensitive_appeal_labels())


def sensitive_appeal_categories() -> frozenset[str]:
    """The appeal categories whose Chinese label names a personal difficulty (rules.sensitive_appeal_labels),
    matched in Chinese whatever language the request is in, so a translated label cannot skip the consent."""
    return _sensitive_categories(tuple(rules.sensitive_appeal_labels()))


@functools.lru_cache(maxsize=4)
def _sensitive_categories(words: tuple) -> frozenset[str]:
    with translation.override("zh-hans"):
        return frozenset(
            value for value, label in AppealCategory.choices if any(word in str(label) for word in words)
        )


def submit_appeal(*, worker: Worker, category: str, text: str, photos=(), key: str, region=None):
    """File an appeal through the appeals app; a retried form (same key) returns the first appeal.
    Categories about personal difficulties need the separate sensitive consent first."""
    if category in sensitive_appeal_categories():
        if not workers.has_consent(worker, NoticeKind.SENSITIVE):
            raise Refused("反映个人困难需先单独同意《敏感个人信息处理规则》")
    return appeals.submit_appeal(
        worker=worker,
        category=category,
        text=text,
        photos=tuple(photos),
        idempotency_key=portal_key(worker, key),
        source="portal",
        region=None if worker.region_id else region,  # the worker's own region first (appeals reads it)
    )


def submit_report(
    *,
    worker: Worker,
    category: str,
    description: str,
    latitude,
    longitude,
    photo=None,
    key: str,
    coord_system: str = "wgs84",
):
    """File a 随手拍 report about a place (never about tracking a person) through the hazards app."""
    return hazards.submit_report(
        worker=worker,
        category=category,
        description=description,
        latitude=latitude,
        longitude=longitude,
        coord_system=coord_system,
        photo=photo,
        idempotency_key=portal_key(worker, key),
    )

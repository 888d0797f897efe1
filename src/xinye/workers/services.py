"""Worker services: the worker record (备案, corrections, erasure of the row), consent to the privacy
notices, and publishing a notice.

Worker-facing writes take a required keyword `worker` (the signed-in worker is their actor, and they touch
only their own rows); staff-facing ones (publishing a notice) take `actor`. What spans other apps — signing
up as a volunteer with the 备案, anonymising a worker's appeals and reports before the row goes — is
composed by the portal (portal/services.py), above the apps it calls. Refusals are `Refused` with a
Chinese message."""

import time

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone

from xinye.accounts.permissions import actor_user, require
from xinye.core import loops, workdays
from xinye.core.crypto import keyed_hash
from xinye.core.errors import Refused
from xinye.core.validators import clean_id_number
from xinye.ledger.models import Practitioner
from xinye.orgs.services import require_citywide
from xinye.workers import rules
from xinye.workers.choices import RIGHTS_TRANSITIONS, RightsKind, RightsStatus
from xinye.workers.models import Consent, NoticeKind, PrivacyNotice, RightsRequest, Worker

READS = (
    "worker_for_phone",
    "current_notice_id",
    "forget_current_notices",
    "has_consent",
    "clean_correction",
    "clean_rights_answer",
    "rights_due_at",
)

# --- workers and consent ----------------------------------------------------------------------------


def worker_for_phone(phone: str) -> Worker | None:
    return Worker.objects.filter(phone_hash=keyed_hash(phone)).first()


_current_notice: dict[str, tuple[float, int | None]] = {}


def current_notice_id(kind: str) -> int | None:
    """The current notice's id, remembered for a minute per process (asked on every signed-in request);
    forgotten at once when a notice is saved in this process (workers/apps.py)."""
    cached = _current_notice.get(kind)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    notice = PrivacyNotice.current(kind)
    _current_notice[kind] = (time.monotonic() + 60, notice.pk if notice else None)
    return notice.pk if notice else None


def forget_current_notices() -> None:
    _current_notice.clear()


def has_consent(worker: Worker, kind: str) -> bool:
    """Consent to the *current* version of the notice of this kind, not withdrawn (one query; the
    first versions are published by a migration, so there is always a notice to agree to)."""
    current = (
        PrivacyNotice.objects.filter(kind=kind, published_at__lte=timezone.now())
        .order_by("-published_at")
        .values("pk")[:1]
    )
    return Consent.objects.filter(
        worker=worker, notice_id=Subquery(current), withdrawn_at__isnull=True
    ).exists()


@transaction.atomic
def give_consent(*, worker: Worker, kind: str, ip: str | None = None) -> Consent | None:
    notice = PrivacyNotice.current(kind)
    if notice is None:
        return None
    existing = Consent.objects.filter(worker=worker, notice=notice, withdrawn_at__isnull=True).first()
    return existing or Consent.objects.create(worker=worker, notice=notice, kind=kind, ip=ip or None)


@transaction.atomic
def withdraw_consent(*, worker: Worker, kind: str) -> None:
    """Withdrawing the sensitive consent erases what it covered (the ID number and its link)."""
    Consent.objects.filter(worker=worker, kind=kind, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if kind == NoticeKind.SENSITIVE and (worker.id_number or worker.practitioner_id):
        worker.id_number = ""
        worker.practitioner = None
        worker.save()


# --- privacy notices (staff) ------------------------------------------------------------------------


@transaction.atomic
def publish_notice(
    *, actor, kind: str, version: str, title: str, text: str, published_at=None
) -> PrivacyNotice:
    """Publish a new version of a privacy notice; every worker is asked to agree to it again. A notice
    holds for the whole city, so only 市级管理员 and 系统管理员 publish one (leak 9 of the spine issue:
    a county admin published a city-wide notice). Published versions are never edited, only superseded."""
    require_citywide(actor=actor, action="add", model=PrivacyNotice)
    if kind not in NoticeKind.values:
        raise Refused({"kind": [f"未知的告知类型：{kind}"]})
    if PrivacyNotice.objects.filter(kind=kind, version=version).exists():
        raise Refused({"version": [f"版本 {version} 已发布，请使用新的版本号"]})
    if not (title or "").strip() or not (text or "").strip():
        raise Refused("标题和正文不能为空")
    notice = PrivacyNotice.objects.create(
        kind=kind, version=version, title=title, text=text, published_at=published_at or timezone.now()
    )
    require(actor, "add", notice)
    return notice


# --- the worker record ------------------------------------------------------------------------------


def _clean_id_for(worker: Worker, id_number: str) -> str:
    if not id_number:
        return ""
    if not has_consent(worker, NoticeKind.SENSITIVE):
        raise Refused("填写身份证号前，请先单独同意《敏感个人信息处理规则》")
    try:
        return clean_id_number(id_number).number
    except ValueError as exc:
        raise Refused({"id_number": [str(exc)]})


def _link_practitioner(worker: Worker) -> None:
    worker.practitioner = (
        Practitioner.objects.filter(id_hash=keyed_hash(worker.id_number)).first()
        if worker.id_number
        else None
    )


@transaction.atomic
def register(
    *,
    worker: Worker,
    community,
    name: str,
    occupation: str = "",
    enterprise_name: str = "",
    id_number: str = "",
) -> Worker:
    """备案 with a community (chosen, or the one running the station the worker registered at — that station
    is held by the stations app, stations.services.record_registration): the worker's unit and region
    follow, so that community's staff see them. An ID number (sensitive consent required) links the
    practitioner ledger."""
    if community is None:
        raise Refused("请选择备案的服务站或社区")
    name = (name or "").strip()
    if not name:
        raise Refused("请填写姓名")
    worker.name = name[:32]
    worker.occupation = occupation or ""
    worker.enterprise_name = (enterprise_name or "").strip()[:128]
    worker.unit = community
    worker.region = community.region
    if id_number:
        worker.id_number = _clean_id_for(worker, id_number)
        _link_practitioner(worker)
    worker.registered_at = worker.registered_at or timezone.now()
    worker.save()
    return worker


@transaction.atomic
def correct_data(
    *, worker: Worker, name: str, occupation: str, enterprise_name: str, id_number: str | None
) -> Worker:
    """The worker corrects their own data (PIPL art. 46). An empty ID number removes it."""
    worker.name = (name or "").strip()[:32]
    worker.occupation = occupation or ""
    worker.enterprise_name = (enterprise_name or "").strip()[:128]
    if id_number is not None:
        worker.id_number = _clean_id_for(worker, id_number.strip())
        _link_practitioner(worker)
    worker.save()
    return worker


@transaction.atomic
def delete_worker(*, worker: Worker) -> None:
    """Delete the worker row and their consents (PIPL art. 47). The rows of other apps that point at the
    worker must have let go of the person first (portal.services.delete_worker_data does both)."""
    worker.delete()


# --- rights requests (PIPL art. 44–47) --------------------------------------------------------------

RIGHTS_TEXT_MAX = 500


def rights_due_at(start=None):
    """When a request made at `start` must be answered: 15 working days on the working-day calendar."""
    return workdays.add(start or timezone.now(), rules.rights_request_span())


def clean_correction(*, record: str, wrong: str, should_be: str) -> tuple[str, str, str]:
    """A correction names the record, what is wrong and what it should be; refuses naming the field."""
    errors = {}
    record, wrong, should_be = ((v or "").strip() for v in (record, wrong, should_be))
    if not record:
        errors["record"] = ["请选择需要更正的记录"]
    for field, value, label in (("wrong", wrong, "哪里有误"), ("should_be", should_be, "应更正为")):
        if not value:
            errors[field] = [f"请填写“{label}”"]
        elif len(value) > RIGHTS_TEXT_MAX:
            errors[field] = [f"“{label}”不能超过 {RIGHTS_TEXT_MAX} 字（现有 {len(value)} 字）"]
    if errors:
        raise Refused(errors)
    return record[:128], wrong, should_be


@transaction.atomic
def request_correction(*, worker: Worker, unit, record: str, wrong: str, should_be: str) -> RightsRequest:
    """The worker asks for a correction of a record `unit` holds (PIPL art. 46): a task in that unit's
    queue, due in 15 working days. The portal names the record and its unit (portal.services)."""
    record, wrong, should_be = clean_correction(record=record, wrong=wrong, should_be=should_be)
    if unit is None:
        raise Refused({"record": ["找不到负责该记录的单位，请拨打服务站电话咨询"]})
    now = timezone.now()
    return RightsRequest.objects.create(
        worker=worker,
        kind=RightsKind.CORRECTION,
        unit=unit,
        record=record,
        wrong=wrong,
        should_be=should_be,
        created_at=now,
        due_at=rights_due_at(now),
    )


@transaction.atomic
def record_self_service(*, worker: Worker, kind: str, unit, record: str = "") -> RightsRequest | None:
    """What the worker did themself at once — a download of their data, a withdrawal, a deletion — recorded
    as a request already done, so the unit's queue and its figures show every exercise of a right. A worker
    with no unit at all (never registered, nothing filed) leaves no row: no unit holds anything of theirs."""
    if kind not in (RightsKind.ACCESS, RightsKind.WITHDRAWAL, RightsKind.DELETION):
        raise Refused({"kind": [f"该类型须由单位办理：{kind}"]})
    if unit is None:
        return None
    now = timezone.now()
    return RightsRequest.objects.create(
        worker=worker,
        kind=kind,
        unit=unit,
        record=record[:128],
        status=RightsStatus.DONE,
        created_at=now,
        due_at=rights_due_at(now),
        handled_at=now,
    )


def clean_rights_answer(answer: str) -> str:
    """An answer is required (what was corrected, or why not) and at most 500 characters."""
    answer = (answer or "").strip()
    if not answer:
        raise Refused({"answer": ["请填写答复：更正了什么，或不予更正的理由"]})
    if len(answer) > RIGHTS_TEXT_MAX:
        raise Refused({"answer": [f"答复不能超过 {RIGHTS_TEXT_MAX} 字（现有 {len(answer)} 字）"]})
    return answer


@transaction.atomic
def answer_rights_request(request: RightsRequest, *, actor, accept: bool, answer: str) -> RightsRequest:
    """Staff of the holding unit answer a correction: done (they made the correction in the record, and say
    so) or refused (with the reason). The worker sees the state and the answer under 我的数据."""
    require(actor, "change", request)
    request = RightsRequest.objects.select_for_update().get(pk=request.pk)
    answer = clean_rights_answer(answer)
    loops.apply_transition(
        request, RIGHTS_TRANSITIONS, RightsStatus.DONE if accept else RightsStatus.REFUSED, RightsStatus
    )
    request.answer = answer
    request.handled_by = actor_user(actor)
    request.handled_at = timezone.now()
    request.save()
    require(actor, "change", request)
    return request


# --- retention (xinye purge) ------------------------------------------------------------------------


@transaction.atomic
def purge_rights_requests(*, actor, before, dry_run: bool = False) -> int:
    """Handled requests older than `before` lose what was asked and answered and the worker link; kind,
    unit, dates and outcome stay for the figures."""
    require_citywide(actor=actor, action="change", model=RightsRequest)
    rows = RightsRequest.objects.exclude(status=RightsStatus.OPEN).filter(handled_at__lt=before)
    rows = rows.exclude(worker__isnull=True, record="")  # already purged
    if dry_run:
        return rows.count()
    count = 0
    for row in rows:
        row.worker, row.record, row.wrong, row.should_be, row.answer = None, "", "", "", ""
        row.save()
        count += 1
    return count


@transaction.atomic
def purge_consent_ips(*, actor, before, dry_run: bool = False) -> int:
    """The IP address kept with a consent is dropped after the retention period; the consent stays."""
    require_citywide(actor=actor, action="change", model=Consent)
    rows = Consent.objects.filter(given_at__lt=before, ip__isnull=False)
    return rows.count() if dry_run else rows.update(ip=None)

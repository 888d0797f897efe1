"""Portal services: what the worker pages do across apps — 备案 with the volunteer sign-up, erasing a
worker's data everywhere, and submissions to the appeal and hazard apps (each retried request finds its
first result by idempotency key).

The worker record itself, consent and the privacy notices are `xinye.workers.services`; the portal composes
them with the apps above the worker identity. Writes take a required keyword `worker` (the signed-in worker
is their actor, and they touch only their own rows). Sign-in, before there is a worker, is in signin.py.
Refusals are `Refused` with a Chinese message."""

import datetime
import functools
import uuid

from django.db import models, transaction
from django.utils import timezone, translation

from xinye.appeals import services as appeals
from xinye.appeals.choices import AppealCategory
from xinye.appeals.models import Appeal
from xinye.audit.services import log_sensitive_access
from xinye.care.models import ServiceSignup
from xinye.core.errors import Refused
from xinye.hazards import services as hazards
from xinye.hazards.models import HazardReport
from xinye.honours.models import Nominee, Objection, Vote
from xinye.orgs.models import OrgUnit
from xinye.orgs.services import require_citywide
from xinye.portal import rules
from xinye.portal.models import SmsCode, SmsOutbox
from xinye.stations import services as stations
from xinye.volunteers import services as volunteers
from xinye.workers import services as workers
from xinye.workers.choices import RightsKind
from xinye.workers.models import NoticeKind, Worker

READS = (
    "clean_key",
    "portal_key",
    "is_sensitive_category",
    "sensitive_appeal_categories",
    "worker_data",
    "correction_records",
    "holding_unit",
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
    lose every link to the person; the worker row and consents go; check-ins keep only counts. The
    deletion is recorded (without the person) in the holding unit's rights queue."""
    workers.record_self_service(worker=worker, kind=RightsKind.DELETION, unit=holding_unit(worker))
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


# --- the worker's rights: see and download, correct, withdraw (PIPL art. 44–47) ---------------------


def holding_unit(worker: Worker):
    """The unit answering for the worker's own record: their community (备案), else their county's 两新工委,
    else the top of the tree (the city's), so a request always reaches someone."""
    if worker.unit_id:
        return worker.unit
    return appeals.county_work_committee(worker.region) or OrgUnit.objects.filter(parent__isnull=True).first()


def _value(obj, field):
    value = getattr(obj, field.attname)
    if value is None or value == "":
        return ""
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(field, models.ForeignKey):
        return str(getattr(obj, field.name))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.fields.files.FieldFile):
        return value.name
    return value if isinstance(value, bool | int | float | str) else str(value)


HIDDEN_FIELDS = {"id", "worker", "idempotency_key", "created_by", "handled_by", "profile"}


def _row(obj) -> dict:
    """A row as the worker reads it: every stored field by its Chinese name, unmasked (it is theirs), without
    lookup hashes, keys and staff accounts."""
    return {
        str(f.verbose_name): _value(obj, f)
        for f in obj._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and not f.name.endswith("_hash")
    }


def worker_data(worker: Worker) -> dict:
    """Everything xinye holds about `worker` (PIPL art. 45), section by section, their own rows only."""
    with translation.override("zh-hans"):
        data = {"个人信息": _row(worker)}
        data["同意记录"] = [_row(c) for c in worker.consents.select_related("notice")]
        registration = getattr(worker, "station_registration", None)
        data["备案服务站"] = _row(registration) if registration else {}
        data["对应从业人员台账"] = _row(worker.practitioner) if worker.practitioner_id else {}
        data["诉求"] = [_row(a) for a in Appeal.objects.filter(worker=worker).order_by("pk")]
        data["随手拍"] = [_row(r) for r in HazardReport.objects.filter(worker=worker).order_by("pk")]
        data["服务站签到"] = [_row(c) for c in worker.checkins.select_related("station").order_by("pk")]
        profile = getattr(worker, "volunteer_profile", None)
        data["志愿者登记"] = _row(profile) if profile else {}
        data["志愿活动报名"] = (
            [_row(s) for s in profile.signups.select_related("activity")] if profile else []
        )
        data["志愿服务时长"] = [_row(h) for h in profile.hours.all()] if profile else []
        data["暖心服务报名"] = [
            _row(s) for s in ServiceSignup.objects.filter(worker=worker).select_related("session")
        ]
        data["推荐的候选人"] = [_row(n) for n in Nominee.objects.filter(nominated_by_worker=worker)]
        data["投票记录"] = [_row(v) for v in Vote.objects.filter(worker=worker).select_related("nominee")]
        data["公示异议"] = [_row(o) for o in Objection.objects.filter(raised_by_worker=worker)]
        data["个人信息权利请求"] = [_row(r) for r in worker.rights_requests.select_related("unit")]
    return data


@transaction.atomic
def download_data(*, worker: Worker) -> dict:
    """The worker downloads their data: logged as an export of the worker's own record and recorded done
    in the holding unit's rights queue (查阅复制)."""
    data = worker_data(worker)
    log_sensitive_access("export", obj=worker, reason="本人下载个人信息（个人信息保护法第四十五条）")
    workers.record_self_service(worker=worker, kind=RightsKind.ACCESS, unit=holding_unit(worker))
    return {"导出时间": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"), **data}


def correction_records(worker: Worker) -> list[tuple[str, str, object]]:
    """The records a worker may ask to correct: (key, Chinese label, the unit that holds it)."""
    out = [("worker", "我的备案信息（姓名、职业、企业、社区、身份证号）", holding_unit(worker))]
    registration = getattr(worker, "station_registration", None)
    if registration is not None:
        out.append(("registration", f"备案服务站：{registration.station.name}", registration.station.unit))
    for appeal in Appeal.objects.filter(worker=worker).select_related("unit").order_by("-pk")[:50]:
        out.append(
            (f"appeal:{appeal.pk}", f"诉求 {appeal.number}（{appeal.get_category_display()}）", appeal.unit)
        )
    for report in HazardReport.objects.filter(worker=worker).select_related("unit").order_by("-pk")[:50]:
        when = timezone.localtime(report.created_at).strftime("%Y-%m-%d")
        out.append((f"report:{report.pk}", f"随手拍 {when}（{report.get_category_display()}）", report.unit))
    profile = getattr(worker, "volunteer_profile", None)
    if profile is not None:
        out.append(("volunteer", "志愿者登记与服务时长", profile.unit))
    return out


@transaction.atomic
def request_correction(*, worker: Worker, record: str, wrong: str, should_be: str):
    """Ask the unit that holds `record` (a key from correction_records) to correct it."""
    choices = {key: (label, unit) for key, label, unit in correction_records(worker)}
    if record not in choices:
        raise Refused({"record": ["请选择需要更正的记录"]})
    label, unit = choices[record]
    return workers.request_correction(
        worker=worker, unit=unit, record=label, wrong=wrong, should_be=should_be
    )


# What withdrawing each consent stops (shown on the page before the worker confirms; each is tested).
WITHDRAWAL_EFFECTS = {
    NoticeKind.GENERAL: (
        "退出登录；“我的”、提交诉求、随手拍、报名活动等需要登录的功能停止使用，重新同意后才能再用",
        "志愿者登记停用：不再出现在社区的志愿者名册中，也不能再报名志愿活动",
        "已报名、尚未开始的志愿活动自动取消",
    ),
    NoticeKind.SENSITIVE: (
        "删除您填写的身份证号",
        "解除与从业人员台账的对应关系，社区和主管部门不再看到这一对应",
        "不能再提交“生活困难”“心理”等涉及个人困难的诉求，重新单独同意后才能再提交",
    ),
}
WITHDRAWAL_KEEPS = (
    "撤回前已提交的诉求和随手拍继续办理，按保存期限保存后匿名化；如需删除，请使用“删除我的个人信息”",
)


@transaction.atomic
def withdraw_consent(*, worker: Worker, kind: str) -> None:
    """Withdraw a consent (PIPL art. 15) and stop what it covered (WITHDRAWAL_EFFECTS); recorded done in the
    holding unit's rights queue. The portal signs the worker out after a general withdrawal."""
    if kind not in NoticeKind.values:
        raise Refused({"kind": [f"未知的告知类型：{kind}"]})
    workers.withdraw_consent(worker=worker, kind=kind)
    if kind == NoticeKind.GENERAL:
        volunteers.withdraw_worker(worker=worker)
    label = str(NoticeKind(kind).label)
    workers.record_self_service(
        worker=worker, kind=RightsKind.WITHDRAWAL, unit=holding_unit(worker), record=f"撤回《{label}》"
    )


# --- retention (xinye purge) ------------------------------------------------------------------------


@transaction.atomic
def purge_sms_codes(*, actor, before, dry_run: bool = False) -> int:
    """Sign-in codes older than `before` are deleted: they are the SMS rate-limit rows too, whose longest
    window is an hour (portal.rules.code_rate_limits); the codes are single use and live 5 minutes. So are
    the outbox entries of codes the gateway did not take (sent or dropped long before `before`)."""
    require_citywide(actor=actor, action="delete", model=Worker)
    rows = SmsCode.objects.filter(created_at__lt=before)
    queued = SmsOutbox.objects.filter(created_at__lt=before)
    if dry_run:
        return rows.count() + queued.count()
    deleted, _ = rows.delete()
    dropped, _ = queued.delete()
    return deleted + dropped

"""Retention (`xinye purge`, daily from `xinye tick`): every kind of record is kept for its period
(workers.rules.RETENTION_DEFAULTS, overridden by XINYE_RETENTION_DAYS; docs/operations.md has the table), then
anonymised where the statistics must keep counting it, else deleted — each by its owning app's service.
What a run did is written to the change log as one entry with the count per kind. The change log's own
retention is the audit app's (`xinye audit purge`), never this."""

import datetime
from dataclasses import dataclass, field

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from xinye.appeals import services as appeals
from xinye.audit.models import ChangeLog
from xinye.audit.services import log_event
from xinye.core import workdays
from xinye.hazards import services as hazards
from xinye.portal import services as portal
from xinye.volunteers import services as volunteers
from xinye.workers import rules
from xinye.workers import services as workers

NOTE_PREFIX = "保存期限清理"


def _expired_sessions(*, actor, before, dry_run=False) -> int:
    """Sessions past their own expiry (signed-out or idle visitors): deleted. `before` is now."""
    rows = Session.objects.filter(expire_date__lt=before)
    if dry_run:
        return rows.count()
    deleted, _ = rows.delete()
    return deleted


def _ip_addresses(*, actor, before, dry_run=False) -> int:
    return workers.purge_consent_ips(actor=actor, before=before, dry_run=dry_run)


# (kind in RETENTION_DEFAULTS, Chinese label of what happens, the owning app's function)
KINDS = [
    ("closed_appeals", "已办结诉求匿名化", appeals.anonymise_closed_appeals),
    ("closed_reports", "已关闭随手拍匿名化", hazards.anonymise_closed_reports),
    ("rights_requests", "已办结权利请求匿名化", workers.purge_rights_requests),
    ("cancelled_signups", "已取消的志愿活动报名删除", volunteers.purge_cancelled_signups),
    ("sms_codes", "短信验证码与限频记录删除", portal.purge_sms_codes),
    ("ip_addresses", "同意记录中的 IP 地址删除", _ip_addresses),
    ("expired_sessions", "过期会话删除", _expired_sessions),
]


@dataclass
class PurgeResult:
    lines: list = field(default_factory=list)  # (kind, label, days, count)
    dry_run: bool = False
    skipped: bool = False  # xinye tick: the day's purge already ran

    @property
    def total(self) -> int:
        return sum(line[3] for line in self.lines)

    @property
    def details(self) -> list[str]:
        verb = "将处理" if self.dry_run else "已处理"
        return [f"{label}（保存 {days} 天）：{verb} {count} 条" for _kind, label, days, count in self.lines]

    @property
    def summary(self) -> str:
        if self.skipped:
            return "保存期限清理：今日已执行"
        head = "保存期限清理（预演，未改动数据）" if self.dry_run else "保存期限清理"
        return f"{head}：共 {self.total} 条"


def purge(*, actor, now=None, dry_run: bool = False) -> PurgeResult:
    """Apply every retention period as of `now`; with `dry_run`, count what would change and change nothing.
    One transaction: a failure leaves nothing half-purged. Logged (unless a dry run) with the count per kind."""
    now = now or timezone.now()
    result = PurgeResult(dry_run=dry_run)
    with transaction.atomic():
        for kind, label, function in KINDS:
            days = rules.retention_days(kind)
            count = function(actor=actor, before=now - datetime.timedelta(days=days), dry_run=dry_run)
            result.lines.append((kind, label, days, count))
        if not dry_run:
            counts = "；".join(f"{label} {count} 条" for _kind, label, _days, count in result.lines)
            log_event("delete", note=f"{NOTE_PREFIX}（xinye purge）：{counts}")
    return result


def ran_today(now=None) -> bool:
    start = workdays.start_of_next_day(now or timezone.now(), 0)
    return ChangeLog.objects.filter(action="delete", note__startswith=NOTE_PREFIX, time__gte=start).exists()


def tick(*, actor, now=None) -> PurgeResult:
    """`xinye tick`'s duty: the purge once a day (the first tick after midnight), otherwise nothing."""
    if ran_today(now):
        return PurgeResult(skipped=True)
    return purge(actor=actor, now=now)

"""Retention (`xinye purge`, daily from `xinye tick`): old rows are anonymised where the statistics count them
(and the statistics do not move), deleted where nothing counts them; young rows are left alone; a dry run
changes nothing; every run is logged with its counts."""

import datetime
import io
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.appeals.choices import AppealStatus, EventKind, TaskStatus
from xinye.appeals.models import Appeal, AppealEvent, AppealTask
from xinye.appeals.services import statistics
from xinye.appeals.services.retention import RETAINED_TEXT
from xinye.audit.models import ChangeLog
from xinye.console import retention
from xinye.portal.models import SmsCode
from xinye.workers import services as worker_services
from xinye.workers.models import Consent, NoticeKind, Worker

NOW = timezone.now()
YEARS_AGO = NOW - datetime.timedelta(days=4 * 365)
WEEK_AGO = NOW - datetime.timedelta(days=7)


def _worker(unit, phone):
    worker = Worker.objects.create(phone=phone, name="骑手老张", unit=unit, region=unit.region)
    worker_services.give_consent(worker=worker, kind=NoticeKind.GENERAL, ip="10.1.2.3")
    return worker


def _closed_appeal(worker, unit, closed_at, **extra):
    appeal = Appeal.objects.create(
        worker=worker,
        category="wages",
        limit_kind="general",
        text="老张的工资被拖欠 3000 元，电话 13904759999",
        unit=unit,
        region=unit.region,
        status=AppealStatus.RATED,
        idempotency_key=str(uuid.uuid4()),
        submitted_at=closed_at - datetime.timedelta(days=5),
        closed_at=closed_at,
        answer="已协调平台补发",
        satisfied=True,
        rating_comment="谢谢老李帮忙",
        **extra,
    )
    AppealTask.objects.create(
        appeal=appeal,
        unit=unit,
        status=TaskStatus.FINISHED,
        assigned_at=appeal.submitted_at,
        signed_at=appeal.submitted_at,
        finished_at=closed_at,
        answer="已联系老张本人",
    )
    return appeal


@pytest.fixture
def rows(world):
    unit = world["units"]["street-kerqin-1-c1"]
    old_worker, young_worker = _worker(unit, "13904752001"), _worker(unit, "13904752002")
    Consent.objects.filter(worker=old_worker).update(given_at=YEARS_AGO)
    old = _closed_appeal(old_worker, unit, YEARS_AGO)
    young = _closed_appeal(young_worker, unit, WEEK_AGO)
    SmsCode.objects.create(phone_hash="a", code_hash="x", created_at=YEARS_AGO, expires_at=YEARS_AGO)
    SmsCode.objects.create(phone_hash="b", code_hash="y", created_at=NOW, expires_at=NOW)
    Session.objects.create(session_key="old" * 8, session_data="", expire_date=WEEK_AGO)
    Session.objects.create(
        session_key="new" * 8, session_data="", expire_date=NOW + datetime.timedelta(hours=1)
    )
    return {"old": old, "young": young, "old_worker": old_worker, "young_worker": young_worker}


def _stats():
    total, per_unit = statistics(AppealTask.objects.all(), now=NOW)
    return total, [(r.unit.pk, r.tasks, r.finished, r.rated, r.satisfied) for r in per_unit]


def test_purge_anonymises_old_rows_keeps_the_statistics_and_leaves_young_rows(rows):
    counted = (Appeal.objects.filter(category="wages", status=AppealStatus.RATED).count(), _stats())

    result = retention.purge(actor=system_actor("test"), now=NOW)

    old, young = Appeal.objects.get(pk=rows["old"].pk), Appeal.objects.get(pk=rows["young"].pk)
    assert old.worker_id is None and old.text == RETAINED_TEXT
    assert old.answer == "" and old.rating_comment == "" and old.tasks.get().answer == ""
    # what the statistics count stays
    assert (old.category, old.unit_id, old.region_id, old.status, old.satisfied) == (
        "wages",
        rows["old"].unit_id,
        rows["old"].region_id,
        AppealStatus.RATED,
        True,
    )
    assert old.closed_at == rows["old"].closed_at and old.submitted_at == rows["old"].submitted_at
    assert (Appeal.objects.filter(category="wages", status=AppealStatus.RATED).count(), _stats()) == counted
    assert AppealEvent.objects.filter(appeal=old, kind=EventKind.ANONYMISED).exists()
    # young rows untouched
    assert young.worker_id == rows["young_worker"].pk and "老张" in young.text and young.answer
    # sign-in codes, IPs and sessions
    assert list(SmsCode.objects.values_list("phone_hash", flat=True)) == ["b"]
    assert Consent.objects.get(worker=rows["old_worker"]).ip is None
    assert Consent.objects.get(worker=rows["young_worker"]).ip == "10.1.2.3"
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new" * 8]

    counts = {kind: count for kind, _label, _days, count in result.lines}
    assert counts["closed_appeals"] == 1 and counts["sms_codes"] == 1 and counts["ip_addresses"] == 1
    entry = ChangeLog.objects.filter(action="delete", note__startswith=retention.NOTE_PREFIX).get()
    assert "已办结诉求匿名化 1 条" in entry.note and "短信验证码与限频记录删除 1 条" in entry.note

    # a second run finds nothing more to do
    again = retention.purge(actor=system_actor("test"), now=NOW)
    assert dict((k, c) for k, _l, _d, c in again.lines)["closed_appeals"] == 0


def test_dry_run_prints_what_it_would_do_and_changes_nothing(rows):
    out = io.StringIO()
    call_command("purge", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "已办结诉求匿名化（保存 1095 天）：将处理 1 条" in text and "预演" in text
    assert Appeal.objects.get(pk=rows["old"].pk).worker_id == rows["old_worker"].pk
    assert SmsCode.objects.count() == 2
    assert not ChangeLog.objects.filter(note__startswith=retention.NOTE_PREFIX).exists()


def test_periods_are_settings(rows, settings):
    settings.XINYE_RETENTION_DAYS = {"closed_appeals": 3}
    retention.purge(actor=system_actor("test"), now=NOW)
    assert Appeal.objects.get(pk=rows["young"].pk).worker_id is None  # a week old is past 3 days


def test_tick_purges_once_a_day(rows):
    first = retention.tick(actor=system_actor("tick"), now=NOW)
    second = retention.tick(actor=system_actor("tick"), now=NOW)
    assert first.total >= 3 and second.skipped and second.summary == "保存期限清理：今日已执行"
    assert ChangeLog.objects.filter(note__startswith=retention.NOTE_PREFIX).count() == 1


def test_a_county_admin_may_not_purge_the_city(rows):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="全市数据"):
        call_command("purge", "--actor", "kerqin_admin", stdout=io.StringIO())
    assert Appeal.objects.get(pk=rows["old"].pk).worker_id is not None


def test_old_closed_reports_and_handled_requests_lose_the_person_and_keep_the_rest(rows, world):
    from tests.workers.matrix_types import _rights_request
    from xinye.hazards.models import HazardReport
    from xinye.workers.choices import RightsStatus

    unit, worker = world["units"]["street-kerqin-1-c1"], rows["old_worker"]
    common = {"category": "manhole", "description": "井盖缺失", "latitude": 43.6, "longitude": 122.2}
    old = HazardReport.objects.create(
        worker=worker,
        unit=unit,
        region=unit.region,
        status="closed",
        closed_at=YEARS_AGO,
        idempotency_key=str(uuid.uuid4()),
        **common,
    )
    young = HazardReport.objects.create(
        worker=worker,
        unit=unit,
        region=unit.region,
        status="closed",
        closed_at=WEEK_AGO,
        idempotency_key=str(uuid.uuid4()),
        **common,
    )
    handled = _rights_request(unit, world)
    handled.status, handled.answer, handled.handled_at = RightsStatus.DONE, "已更正", YEARS_AGO
    handled.save()
    open_one = _rights_request(unit, world)

    retention.purge(actor=system_actor("test"), now=NOW)

    old.refresh_from_db(), young.refresh_from_db(), handled.refresh_from_db(), open_one.refresh_from_db()
    assert old.worker_id is None and (old.category, old.unit_id, old.status) == ("manhole", unit.pk, "closed")
    assert young.worker_id == worker.pk
    assert handled.worker_id is None and handled.wrong == handled.answer == "" and handled.status == "done"
    assert open_one.worker_id is not None and open_one.wrong == "姓名错了"  # an open request is never purged

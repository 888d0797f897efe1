"""`core.compiled` is gone (spine issue, redesign item 6): it bypassed models' own save(), and the appeal
number needed a raw UPDATE the change log never saw. The number is now part of the appeal's one INSERT. What used it — the appeal and its first event, the
change log, the session row, the signed-in worker — goes through the ORM, and the change log sees every
write."""

import importlib
import pathlib

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.utils import timezone

from tests.appeals.helpers import key, worker
from xinye.appeals import services
from xinye.appeals.models import Appeal
from xinye.audit.models import ChangeLog
from xinye.core.sessions.db import SessionStore

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "xinye"


def test_the_module_is_gone_and_nothing_uses_it():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("xinye.core.compiled")
    users = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "core.compiled" in path.read_text(encoding="utf-8")
        or "from xinye.core import compiled" in path.read_text(encoding="utf-8")
    ]
    assert users == []


def test_the_appeal_number_is_written_through_save_and_logged(world):
    w = worker()
    appeal = services.submit_appeal(
        worker=w, category="wages", text="平台扣押押金不退", idempotency_key=key()
    )
    stored = Appeal.objects.get(pk=appeal.pk)
    assert (
        stored.number == appeal.number == f"SQ{timezone.localtime(stored.submitted_at):%Y%m%d}{stored.pk:05d}"
    )
    logs = list(
        ChangeLog.objects.filter(content_type__model="appeal", object_id=str(appeal.pk)).order_by("id")
    )
    # One INSERT carries the number (its id reserved first, core.bulk.next_pk): one change-log row, with it.
    assert [entry.action for entry in logs] == ["create"]
    assert logs[0].after["number"] == appeal.number
    assert logs[0].after["text"] != "平台扣押押金不退"  # masked in the log


def test_a_plain_save_numbers_a_new_appeal_too(world):
    w = worker()
    appeal = Appeal(worker=w, category="wages", text="拖欠工资三个月", unit=w.unit, region=w.region)
    appeal.idempotency_key = key()
    appeal.save()
    assert Appeal.objects.get(pk=appeal.pk).number == appeal.number and appeal.number.startswith("SQ")
    appeal.save()  # a second save keeps the number
    assert Appeal.objects.get(pk=appeal.pk).number == appeal.number


def test_session_store_reads_live_sessions_and_drops_expired_ones(db):
    live = DjangoSessionStore()
    live["who"] = 42
    live.create()
    assert SessionStore(live.session_key).load() == {"who": 42}

    expired = DjangoSessionStore()
    expired["who"] = 7
    expired.set_expiry(-1)
    expired.create()
    store = SessionStore(expired.session_key)
    assert store.load() == {}
    assert store.session_key is None  # a new session is made, as Django's store does

    assert SessionStore("no-such-session-key-000000000000").load() == {}

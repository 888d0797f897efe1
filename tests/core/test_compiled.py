"""core.compiled: the reused statements give what the ORM gives — same instance, same row, same signals."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db.models.functions import Now
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from tests.appeals.helpers import worker
from xinye.appeals.models import Appeal, AppealEvent
from xinye.audit.models import ChangeLog
from xinye.core import compiled
from xinye.core.sessions.db import SessionStore
from xinye.portal.models import Worker


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_get_reads_the_same_instance_as_the_orm(world):
    w = worker()  # encrypted phone, foreign keys, datetimes
    fast = compiled.get(Worker, w.pk)
    orm = Worker.objects.get(pk=w.pk)
    assert _values(fast) == _values(orm)
    assert fast.phone == w.phone and len(fast.phone) == 11  # decrypted, as the ORM's converters do
    assert not fast._state.adding and fast._state.db == "default"
    assert fast.unit == w.unit  # relations load as usual
    assert compiled.get(Worker, w.pk + 10**6) is None
    assert compiled.get(Worker, str(w.pk)).pk == w.pk  # the key prepared like the ORM's filter(pk=…)


def test_insert_writes_the_row_the_orm_writes(world):
    w = worker()
    appeal = Appeal(worker=w, category="wages", text="拖欠工资三个月", unit=w.unit, region=w.region)
    appeal.save()
    fields = {
        "appeal": appeal,
        "kind": "submitted",
        "actor_label": "从业人员",
        "public": True,
        "public_text": "诉求已提交",
        "created_at": timezone.now().replace(microsecond=123456),
    }
    fast = compiled.insert(AppealEvent(**fields))
    orm = AppealEvent.objects.create(**fields)
    assert fast.pk is not None and fast.pk != orm.pk
    assert not fast._state.adding and fast._state.db == "default"
    stored_fast, stored_orm = AppealEvent.objects.get(pk=fast.pk), AppealEvent.objects.get(pk=orm.pk)
    assert {**_values(stored_fast), "id": None} == {**_values(stored_orm), "id": None}
    assert stored_fast.created_at == fields["created_at"]


def test_insert_sends_the_save_signals_and_the_change_log_hears_them(world):
    heard = []

    def pre(sender, instance, **kwargs):
        heard.append(("pre", sender, instance.pk))

    def post(sender, instance, created, **kwargs):
        heard.append(("post", sender, instance.pk, created))

    pre_save.connect(pre, sender=Appeal)
    post_save.connect(post, sender=Appeal)
    try:
        w = worker()
        appeal = compiled.insert(
            Appeal(worker=w, category="wages", text="平台扣押押金不退", unit=w.unit, region=w.region)
        )
    finally:
        pre_save.disconnect(pre, sender=Appeal)
        post_save.disconnect(post, sender=Appeal)
    assert heard == [("pre", Appeal, None), ("post", Appeal, appeal.pk, True)]
    assert appeal.submitted_at is not None  # auto_now_add filled in, as save() does
    log = ChangeLog.objects.filter(object_id=str(appeal.pk), action="create").latest("id")
    assert log.content_type.model == "appeal"
    assert log.after["text"] != "平台扣押押金不退"  # masked in the log like every appeal text


def test_insert_leaves_database_expressions_to_the_orm(world):
    w = worker()
    appeal = Appeal.objects.create(
        worker=w, category="wages", text="拖欠工资三个月", unit=w.unit, region=w.region
    )
    event = compiled.insert(AppealEvent(appeal=appeal, kind="submitted", created_at=Now()))
    stored = AppealEvent.objects.get(pk=event.pk)
    assert abs(stored.created_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_insert_refuses_an_unsaved_related_object_like_save(world):
    w = Worker(phone="13900000000")  # never saved
    with pytest.raises(ValueError, match="unsaved related object"):
        compiled.insert(Appeal(worker=w, category="wages", text="拖欠工资三个月"))


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


def test_a_failed_insert_inside_a_transaction_marks_it_for_rollback_like_save(world):
    from django.db import IntegrityError, connection, transaction

    class Leave(Exception):
        pass

    w = worker()
    appeal = Appeal.objects.create(
        worker=w, category="wages", text="拖欠工资三个月", unit=w.unit, region=w.region
    )
    with pytest.raises(Leave), transaction.atomic():
        with pytest.raises(IntegrityError):
            compiled.insert(Appeal(pk=appeal.pk, worker=w, category="wages", text="重复的编号", unit=w.unit))
        assert connection.needs_rollback  # further queries here are refused, as after a failed save()
        raise Leave  # rolled back to the savepoint, so the test's own transaction goes on
    assert Appeal.objects.filter(pk=appeal.pk).get().text == "拖欠工资三个月"

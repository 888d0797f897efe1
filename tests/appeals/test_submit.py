"""Submitting appeals: idempotency, photos checked by content, rate limit, visit appeals."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from tests.appeals.helpers import JPEG, PNG, WEBP, key, upload, worker
from xinye.accounts.permissions import system_actor
from xinye.appeals import services
from xinye.appeals.choices import AppealCategory, AppealStatus
from xinye.appeals.models import Appeal
from xinye.core.errors import OutOfScope, Refused
from xinye.core.uploads import check_image


def test_same_key_twice_gives_one_appeal(world):
    w = worker()
    k = key()
    first = services.submit_appeal(worker=w, category="wages", text="老板拖欠三个月工资", idempotency_key=k)
    again = services.submit_appeal(worker=w, category="wages", text="老板拖欠三个月工资", idempotency_key=k)
    assert first.pk == again.pk
    assert Appeal.objects.filter(idempotency_key=k).count() == 1
    assert first.unit == w.unit and first.status == AppealStatus.SUBMITTED
    assert first.number.startswith("SQ")
    assert first.timeline()[0][1] == "诉求已提交，等待受理"
    stored = Appeal.objects.get(pk=first.pk)
    assert (
        stored.number == first.number == f"SQ{timezone.localtime(stored.submitted_at):%Y%m%d}{stored.pk:05d}"
    )
    assert again.number == first.number and again.events.count() == 1  # the repeat wrote nothing


def test_a_repeat_refused_by_a_check_still_gets_its_first_appeal(world, settings):
    """The key is not looked up before the checks: a repeat they now refuse is answered from the key."""
    settings.XINYE_APPEAL_RATE_LIMIT = (1, 3600)
    w = worker()
    k = key()
    first = services.submit_appeal(worker=w, category="school", text="孩子入学遇到困难", idempotency_key=k)
    # the same request again: the rate limit (which the first counts into) would now refuse it
    again = services.submit_appeal(worker=w, category="school", text="孩子入学遇到困难", idempotency_key=k)
    assert again.pk == first.pk and Appeal.objects.filter(idempotency_key=k).count() == 1
    with pytest.raises(Refused, match="提交过于频繁"):
        services.submit_appeal(worker=w, category="school", text="孩子入学遇到困难", idempotency_key=key())


def test_staff_filing_needs_the_right_and_a_key_of_ones_own(world):
    staff = world["users"]["kerqin_admin"]
    region = world["units"]["lxgw-kerqin"].region
    k = key()
    first = services.file_appeal(
        actor=staff,
        category="school",
        text="走访中反映入学难",
        idempotency_key=k,
        source="visit",
        region=region,
    )
    again = services.file_appeal(
        actor=staff,
        category="school",
        text="走访中反映入学难",
        idempotency_key=k,
        source="visit",
        region=region,
    )
    assert again.pk == first.pk and Appeal.objects.filter(idempotency_key=k).count() == 1
    # someone who may not file appeals at all: not even their own key's answer
    with pytest.raises(OutOfScope):
        services.file_appeal(
            actor=world["users"]["auditor"],
            category="school",
            text="走访中反映入学难",
            idempotency_key=k,
            source="visit",
            region=region,
        )
    # another filer's key is refused, never answered with that filer's appeal
    with pytest.raises(Refused, match="请求编号已被使用"):
        services.file_appeal(
            actor=world["users"]["community_admin"],
            category="school",
            text="走访中反映入学难",
            idempotency_key=k,
            source="visit",
            region=region,
        )
    with pytest.raises(OutOfScope):
        services.file_appeal(
            actor=None, category="school", text="走访中反映入学难", idempotency_key=key(), region=region
        )


def test_text_is_encrypted_at_rest(world):
    w = worker()
    a = services.submit_appeal(
        worker=w, category="hardship", text="家里老人住院需要帮助", idempotency_key=key()
    )
    with connection.cursor() as cur:
        cur.execute("select text from appeals_appeal where id = %s", [a.pk])
        raw = cur.fetchone()[0]
    assert "老人" not in raw
    assert Appeal.objects.get(pk=a.pk).text == "家里老人住院需要帮助"


def test_photos_checked_by_magic_bytes_not_extension(world):
    assert check_image(upload(PNG, "a.jpg")) == "png"
    assert check_image(upload(JPEG, "a.png")) == "jpg"
    assert check_image(upload(WEBP, "IMG_0001")) == "webp"
    with pytest.raises(ValidationError, match="扩展名"):  # an image under a name a browser would run
        check_image(upload(PNG, "a.html"))
    with pytest.raises(ValidationError, match="已损坏"):  # the right first bytes, but no image
        check_image(upload(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "a.png"))
    with pytest.raises(ValidationError, match="不是 JPEG、PNG 或 WebP"):
        check_image(upload(b"GIF89a" + b"\x00" * 20, "a.png"))
    with pytest.raises(ValidationError, match="超过 5 MB"):
        check_image(upload(PNG + b"\x00" * (5 * 1024 * 1024), "big.png"))
    w = worker()
    with pytest.raises(ValidationError, match="最多上传 3 张"):
        services.submit_appeal(
            worker=w,
            category="other",
            text="四张照片试试看",
            idempotency_key=key(),
            photos=[upload() for _ in range(4)],
        )
    a = services.submit_appeal(
        worker=w,
        category="other",
        text="两张照片的诉求",
        idempotency_key=key(),
        photos=[upload(), upload(JPEG, "x.jpg")],
    )
    assert sorted(p.content_type for p in a.photos.all()) == ["image/jpeg", "image/png"]


def test_a_7th_photo_is_refused_on_each_appeal_path(world):
    """The portal's worker and the staff filing an appeal: more photos than appeals.rules.MAX_PHOTOS (3) are
    refused with the Chinese message, and nothing is written."""
    before = Appeal.objects.count()
    with pytest.raises(ValidationError, match="最多上传 3 张照片（本次选择了 7 张）"):
        services.submit_appeal(
            worker=worker(),
            category="other",
            text="附上七张现场照片说明情况",
            idempotency_key=key(),
            photos=[upload() for _ in range(7)],
        )
    with pytest.raises(ValidationError, match="最多上传 3 张照片（本次选择了 7 张）"):
        services.file_appeal(
            actor=world["users"]["kerqin_admin"],
            source="staff",
            category="other",
            text="附上七张现场照片说明情况",
            region=world["units"]["lxgw-kerqin"].region,
            idempotency_key=key(),
            photos=[upload() for _ in range(7)],
        )
    assert Appeal.objects.count() == before


def test_rate_limit_per_worker(world, settings):
    settings.XINYE_APPEAL_RATE_LIMIT = (3, 3600)
    w = worker()
    for _ in range(3):
        services.submit_appeal(worker=w, category="jobs", text="想找一份夜班工作", idempotency_key=key())
    with pytest.raises(ValidationError, match="提交过于频繁"):
        services.submit_appeal(worker=w, category="jobs", text="想找一份夜班工作", idempotency_key=key())
    # a retry of an earlier submission is not a new submission
    k = Appeal.objects.filter(worker=w).first().idempotency_key
    assert services.submit_appeal(worker=w, category="jobs", text="想找一份夜班工作", idempotency_key=k)


def test_rate_limit_window_passes(world, settings):
    """Submissions older than the window no longer count (the times compared as the database stores them)."""
    import datetime

    import time_machine

    settings.XINYE_APPEAL_RATE_LIMIT = (2, 600)
    w = worker()
    start = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as t:
        for _ in range(2):
            services.submit_appeal(worker=w, category="jobs", text="想找一份夜班工作", idempotency_key=key())
        t.move_to(start + datetime.timedelta(seconds=599))
        with pytest.raises(ValidationError, match="每 10 分钟最多提交 2 件"):
            services.submit_appeal(worker=w, category="jobs", text="想找一份夜班工作", idempotency_key=key())
        t.move_to(start + datetime.timedelta(seconds=601))
        services.submit_appeal(worker=w, category="jobs", text="想找一份夜班工作", idempotency_key=key())
    assert Appeal.objects.filter(worker=w).count() == 3


def test_visit_appeal_by_staff(world):
    staff = world["users"]["kerqin_admin"]
    region = world["units"]["lxgw-kerqin"].region
    a = services.file_appeal(
        actor=staff,
        category=AppealCategory.SCHOOL,
        text="走访中骑手反映孩子入学难",
        idempotency_key=key(),
        source="visit",
        region=region,
    )
    assert a.worker is None and a.created_by == staff and a.region == region
    assert a.unit.kind == "community" and a.unit.region == region
    by_label = services.file_appeal(
        actor=system_actor("test"),
        category="子女入学",
        text="走访中收集的入学问题",
        idempotency_key=key(),
        source="visit",
        region=region,
    )
    assert by_label.category == AppealCategory.SCHOOL and by_label.created_by is None
    assert by_label.events.get().actor_label == "系统（test）"
    with pytest.raises(Refused, match="未知的诉求类别"):
        services.file_appeal(
            actor=staff,
            category="资金",
            text="走访中收集的问题",
            idempotency_key=key(),
            source="visit",
            region=region,
        )


def test_worker_submissions_need_the_worker(world):
    with pytest.raises(Refused, match="须有提出人"):
        services.submit_appeal(worker=None, category="other", text="没有提出人的诉求", idempotency_key=key())


def test_key_of_another_worker_is_refused(world):
    k = key()
    services.submit_appeal(worker=worker(), category="other", text="第一位骑手的诉求", idempotency_key=k)
    with pytest.raises(Refused, match="请求编号冲突"):
        services.submit_appeal(worker=worker(), category="other", text="第二位骑手的诉求", idempotency_key=k)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_identical_submissions_make_one_row(rebuild_world_after):
    from tests.conftest import build_world

    build_world()
    w = worker()
    k = key()
    results, errors = [], []
    barrier = threading.Barrier(20)

    def submit():
        from django.db import OperationalError

        try:
            barrier.wait()
            # The test database is SQLite in memory with a shared cache, whose table locks ignore the busy
            # timeout ("database table is locked"); a file database (WAL) or PostgreSQL waits instead. Only
            # that artefact is retried here: what is checked is that every caller gets the same single row.
            for attempt in range(100):
                try:
                    appeal = services.submit_appeal(
                        worker=w, category="wages", text="拖欠工资两个月", idempotency_key=k
                    )
                    break
                except OperationalError as exc:
                    if "locked" not in str(exc) or attempt == 99:
                        raise
                    time.sleep(0.01 * (1 + attempt % 5))
            results.append(appeal.pk)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert Appeal.objects.filter(idempotency_key=k).count() == 1
    assert len(set(results)) == 1 and len(results) == 20

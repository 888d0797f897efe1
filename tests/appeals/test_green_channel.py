"""小哥绿色通道: a registered worker's appeal in a green category gets the shorter limits on the holiday
calendar, is flagged to the handling unit, and is counted in its own statistics."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.appeals.helpers import key, worker
from xinye.accounts.permissions import system_actor
from xinye.appeals import rules, services

SYS = system_actor("test")
TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def registered_worker():
    return worker("street-kerqin-1-c1", registered_at=at(2026, 9, 1, 9, 0))


def file(w, category="legal_aid"):
    return services.submit_appeal(
        worker=w, category=category, text="平台扣了我三个月的工资，想找律师", idempotency_key=key()
    )


def test_green_appeal_gets_shorter_deadlines_across_national_day(world):
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        green = file(registered_worker())
        plain = file(worker("street-kerqin-1-c1"))  # not registered (备案): the ordinary limits
        (green_task,) = services.dispatch_appeal(green, actor=SYS)
        (plain_task,) = services.dispatch_appeal(plain, actor=SYS)

    assert green.green and not plain.green
    # 1–7 Oct are holidays. Ordinary general request: answer in 3 working days (8, 9, Sat 10 Oct 调休),
    # finish in 7 (…, 15 Oct), sign within 1 working day (8 Oct).
    assert local(plain.answer_due_at) == datetime.datetime(2026, 10, 10, 23, 59, 59)
    assert local(plain_task.due_at) == datetime.datetime(2026, 10, 15, 23, 59, 59)
    assert local(plain_task.sign_due_at) == datetime.datetime(2026, 10, 8, 23, 59, 59)
    # Green: answer in 1 working day (8 Oct), finish in 5 (8, 9, 10, 12, 13 Oct), sign within 2 hours.
    assert local(green.answer_due_at) == datetime.datetime(2026, 10, 8, 23, 59, 59)
    assert local(green.due_at) == datetime.datetime(2026, 10, 13, 23, 59, 59)
    assert local(green_task.due_at) == datetime.datetime(2026, 10, 13, 23, 59, 59)
    assert local(green_task.sign_due_at) == datetime.datetime(2026, 9, 30, 12, 0)
    assert [t for _at, t in green.timeline()][1] == "已通过小哥绿色通道受理，将于 2026-10-08 23:59 前答复"


def test_complaint_keeps_the_shorter_of_its_own_and_the_green_limit(world):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):  # Monday
        a = file(registered_worker(), category="wages")
        services.accept_appeal(a, actor=SYS)
    # complaint: 15 calendar days (17 Nov); green complaint: answer in 5 working days (3–7 Nov → 9 Nov is
    # the 5th: 3, 4, 5, 6, 9), finish in 10 working days (16 Nov)
    assert a.green
    assert local(a.answer_due_at) == datetime.datetime(2026, 11, 9, 23, 59, 59)
    assert local(a.due_at) == datetime.datetime(2026, 11, 16, 23, 59, 59)


def test_only_the_categories_the_city_marks_green(world, settings):
    w = registered_worker()
    assert not file(w, category="school").green
    settings.XINYE_GREEN_CHANNEL = {"categories": ["school"]}
    assert rules.green_channel()["categories"] == ["school"]
    assert file(w, category="school").green
    assert not file(w, category="legal_aid").green


def test_registering_before_acceptance_turns_the_channel_on(world):
    w = worker("street-kerqin-1-c1")
    a = file(w)
    assert not a.green
    w.registered_at = timezone.now()
    w.save()
    a.refresh_from_db()
    services.accept_appeal(a, actor=SYS)
    assert a.green


def test_handling_unit_sees_the_flag_and_its_own_statistics(world, client_for, api_client):
    a = file(registered_worker())
    (task,) = services.dispatch_appeal(a, actor=SYS)
    services.sign_task(task, actor=SYS)
    file(worker("street-kerqin-1-c1"))  # an ordinary one, not counted as green

    staff = client_for("community_admin")
    page = staff.get(reverse("appeals:work", args=[a.pk])).content.decode()
    assert "小哥绿色通道：从快办理" in page
    tasks = staff.get("/admin/appeals/appealtask/", {"appeal__green__exact": "1"}).content.decode()
    assert a.number in tasks
    stats = staff.get(reverse("appeals:stats")).content.decode()
    assert 'id="green"' in stats and "绿色通道合计" in stats

    body = api_client("community_admin").get("/api/v1/appeals/stats", {"unit": task.unit_id}).json()
    assert body["green"]["tasks"] == 1 and body["green"]["response_rate"] == 100.0
    assert body["total"]["tasks"] >= body["green"]["tasks"]
    listed = api_client("community_admin").get("/api/v1/appeal-tasks", {"green": "true"}).json()
    assert listed["items"] and all(t["green"] for t in listed["items"])

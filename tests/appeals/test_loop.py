"""The 12345 closed loop end to end on a fixed calendar (National Day 2026 in between), reminders and
escalation by `xinye tick` under a frozen clock, 回退, reopening on 不满意, and the three rates."""

import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.appeals.helpers import key, worker
from xinye.accounts.permissions import system_actor
from xinye.appeals import services
from xinye.appeals.choices import AppealStatus, EventKind, ReminderKind, TaskStatus
from xinye.appeals.models import AppealReminder, AppealTask
from xinye.core.errors import OutOfScope, Refused

SYS = system_actor("test")

TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def tick(traveller, moment) -> str:
    traveller.move_to(moment)
    out = StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def test_deadline_skips_national_day(world):
    with time_machine.travel(at(2026, 9, 30, 10, 0), tick=False):
        a = services.submit_appeal(
            worker=worker(), category="legal_aid", text="想咨询劳动仲裁怎么申请", idempotency_key=key()
        )
        services.accept_appeal(a, actor=SYS)
    # 3 working days after Wed 30 Sep: 1–7 Oct are holidays; Thu 8, Fri 9, Sat 10 Oct (调休 workday).
    assert local(a.answer_due_at) == datetime.datetime(2026, 10, 10, 23, 59, 59)
    assert a.timeline()[-1][1] == "已受理，将于 2026-10-10 23:59 前答复"


def test_full_loop_with_tick_reminder_escalation_and_return_visit(world):
    staff = world["users"]["community_admin"]
    w = worker("street-kerqin-1-c1")
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False) as t:
        a = services.submit_appeal(
            worker=w, category="legal_aid", text="平台扣钱不合理想要法律援助", idempotency_key=key()
        )
        (task,) = services.dispatch_appeal(a, actor=staff, instruction="请联系法律服务站")
        assert a.status == AppealStatus.DISPATCHED and task.unit == w.unit
        # general request: answer 3 working days (9-30, 10-8, 10-9), finish 7 working days → 14 Oct
        assert local(a.answer_due_at) == datetime.datetime(2026, 10, 9, 23, 59, 59)
        assert local(task.due_at) == datetime.datetime(2026, 10, 14, 23, 59, 59)
        assert local(task.sign_due_at) == datetime.datetime(2026, 9, 30, 23, 59, 59)

        t.move_to(at(2026, 9, 30, 9, 0))
        services.sign_task(task, actor=staff)
        assert task.signed_in_time
        services.add_progress(task, actor=staff, note="已约律师周四见面", public=True)

        assert "催办 0 件" in tick(t, at(2026, 10, 14, 12, 0))
        out = tick(t, at(2026, 10, 15, 0, 30))  # the day after the deadline
        assert "催办 1 件" in out
        task.refresh_from_db()
        assert task.is_overdue
        assert "催办 0 件" in tick(t, at(2026, 10, 15, 0, 40))  # idempotent
        reminder = AppealReminder.objects.get(task=task, kind=ReminderKind.OVERDUE)
        assert reminder.unit == task.unit

        # 督办: 5 working days after 14 Oct = 21 Oct
        assert "督办 0 件" in tick(t, at(2026, 10, 20, 23, 0))
        assert "督办 1 件" in tick(t, at(2026, 10, 21, 8, 0))
        assert "督办 0 件" in tick(t, at(2026, 10, 21, 9, 0))
        task.refresh_from_db()
        assert task.escalated_to == task.unit.parent
        esc = AppealReminder.objects.get(task=task, kind=ReminderKind.ESCALATION)
        assert esc.unit.code == "street-kerqin-1"

        t.move_to(at(2026, 10, 22, 10, 0))
        services.answer_task(task, actor=staff, answer="已联系律师提供法律援助")
        services.answer_appeal(a, actor=staff, answer="已为您安排法律援助律师")
        services.close_appeal(a, actor=staff)
        task.refresh_from_db()
        assert task.status == TaskStatus.FINISHED and a.status == AppealStatus.CLOSED
        assert "待回访 0 件" in tick(t, at(2026, 10, 22, 23, 0))
        assert "待回访 1 件" in tick(t, at(2026, 10, 23, 0, 1))
        assert "待回访 0 件" in tick(t, at(2026, 10, 23, 0, 2))

        t.move_to(at(2026, 10, 23, 9, 0))
        services.return_visit(a, actor=staff, note="电话回访")
        services.rate_appeal(a, worker=w, satisfied=False, comment="还没解决")
        a.refresh_from_db()
        task.refresh_from_db()
        assert a.status == AppealStatus.DISPATCHED and a.reopened_count == 1 and a.satisfied is False
        assert task.status == TaskStatus.SIGNED and task.due_at > timezone.now()

    texts = [text for _at, text in a.timeline()]
    assert texts[:4] == [
        "诉求已提交，等待受理",
        "已受理，将于 2026-10-09 23:59 前答复",
        "已转交" + w.unit.name + "办理",
        w.unit.name + "已签收，正在办理",
    ]
    assert "办理进展：已约律师周四见面" in texts
    assert "答复：已为您安排法律援助律师" in texts
    assert "评价：不满意（还没解决）" in texts
    assert texts[-1].startswith("已重新办理")
    kinds = list(a.events.values_list("kind", flat=True))
    assert EventKind.REMINDED in kinds and EventKind.ESCALATED in kinds and EventKind.VISIT_DUE in kinds
    assert all(e.created_at for e in a.events.all())


def test_return_of_misrouted_task_within_two_working_days(world):
    union = world["users"]["union_staff"]
    staff = world["users"]["community_admin"]
    w = worker("street-kerqin-1-c1")
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as t:  # Monday
        a = services.submit_appeal(
            worker=w, category="wages", text="包工头拖欠运费两个月", idempotency_key=key()
        )
        (task,) = services.dispatch_appeal(a, actor=staff)
        assert task.unit.code == "mass-union"
        t.move_to(at(2026, 11, 4, 18, 0))  # Wed: 2 working days after Mon end on Wed
        with pytest.raises(Refused, match="回退须说明理由"):
            services.return_task(task, actor=union, reason=" ")
        services.return_task(task, actor=union, reason="属于交通运输部门职责")
        a.refresh_from_db()
        assert task.status == TaskStatus.RETURNED and a.status == AppealStatus.ACCEPTED
        (again,) = services.dispatch_appeal(a, actor=staff, units=[world["units"]["dept-transport"]])
        assert a.status == AppealStatus.DISPATCHED
        t.move_to(at(2026, 11, 9, 9, 0))  # next Monday: too late
        with pytest.raises(Refused, match="回退须在派单后 2 个工作日内提出"):
            services.return_task(again, actor=world["users"]["transport_dept"], reason="不对")


def test_illegal_transitions_are_refused(world):
    a = services.submit_appeal(
        worker=worker(), category="other", text="一件普通的诉求", idempotency_key=key()
    )
    with pytest.raises(Refused, match="不能转为"):
        services.close_appeal(a, actor=SYS)
    with pytest.raises(Refused, match="诉求办结后才能评价"):
        services.rate_appeal(a, worker=a.worker, satisfied=True)
    (task,) = services.dispatch_appeal(a, actor=SYS)
    with pytest.raises(Refused, match="还有承办单位未答复"):
        services.answer_appeal(a, answer="好", actor=SYS)
    with pytest.raises(Refused, match="不能转为"):
        services.finish_task(task, actor=SYS)


def test_community_cannot_act_on_another_communitys_task(world):
    a = services.submit_appeal(
        worker=worker("street-naiman-1-c1"), category="jobs", text="想找送货的工作", idempotency_key=key()
    )
    (task,) = services.dispatch_appeal(a, actor=SYS)
    with pytest.raises(OutOfScope):
        services.sign_task(task, actor=world["users"]["community_admin"])


def test_complaint_extends_once_with_reason(world):
    a = services.submit_appeal(
        worker=worker(), category="contract", text="公司不签劳动合同", idempotency_key=key()
    )
    services.dispatch_appeal(a, actor=SYS)
    before = a.due_at
    services.extend_appeal(a, reason="需要劳动监察调查", actor=SYS)
    assert a.due_at > before and a.extended
    with pytest.raises(Refused, match="已延期一次"):
        services.extend_appeal(a, reason="再延", actor=SYS)


def test_three_rates_with_known_numbers(world):
    unit = world["units"]["street-kerqin-2-c3"]
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as t:
        tasks, appeals = [], []
        for i in range(4):
            w = worker("street-kerqin-2-c3")
            a = services.submit_appeal(
                worker=w, category="school", text=f"孩子入学咨询{i}", idempotency_key=key()
            )
            (task,) = services.dispatch_appeal(a, actor=SYS)
            tasks.append(task)
            appeals.append(a)
        services.sign_task(tasks[0], actor=SYS)
        services.sign_task(tasks[1], actor=SYS)
        for i in (0, 1):
            services.answer_task(tasks[i], answer="已联系学校", actor=SYS)
            services.answer_appeal(appeals[i], answer="已联系学校", actor=SYS)
            services.close_appeal(appeals[i], actor=SYS)
        services.rate_appeal(appeals[0], worker=appeals[0].worker, satisfied=True)
        services.rate_appeal(appeals[1], worker=appeals[1].worker, satisfied=False)  # reopens task 1
        t.move_to(at(2026, 11, 5, 9, 0))  # after the 1-working-day signing limit
        services.sign_task(tasks[2], actor=SYS)
        total, rows = services.statistics(services.period_tasks(AppealTask.objects.filter(unit=unit)))
    assert (total.tasks, total.signed_in_time, total.finished, total.rated, total.satisfied) == (
        4,
        2,
        1,
        2,
        1,
    )
    assert total.response_rate == Decimal("50.0")
    assert total.resolution_rate == Decimal("25.0")
    assert total.satisfaction_rate == Decimal("50.0")
    assert rows[0].unit == unit


def test_tick_spans_follow_their_configured_units(world, settings):
    """XINYE_APPEAL_REMIND_AFTER / _ESCALATE_AFTER / _RETURN_VISIT_AFTER are (amount, unit) with unit hours,
    days or workdays, and each unit is honoured (the escalation message names the span)."""
    settings.XINYE_APPEAL_REMIND_AFTER = (2, "hours")
    settings.XINYE_APPEAL_ESCALATE_AFTER = (3, "days")  # calendar days, across the weekend
    settings.XINYE_APPEAL_RETURN_VISIT_AFTER = (1, "workdays")
    staff = world["users"]["community_admin"]
    w = worker("street-kerqin-1-c1")
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as t:  # Monday
        a = services.submit_appeal(
            worker=w, category="legal_aid", text="平台扣钱不合理想要法律援助", idempotency_key=key()
        )
        (task,) = services.dispatch_appeal(a, actor=staff)
        due = timezone.localtime(task.due_at)
        # a reminder 2 hours after the deadline, not the next day
        assert "催办 0 件" in tick(t, due + datetime.timedelta(hours=1))
        assert "催办 1 件" in tick(t, due + datetime.timedelta(hours=2, minutes=1))
        # escalation at the start of the 3rd calendar day after the deadline's day, even on a weekend
        third = datetime.datetime.combine(due.date() + datetime.timedelta(days=3), datetime.time(0, 5), TZ)
        assert "督办 0 件" in tick(t, third - datetime.timedelta(hours=1))
        out = tick(t, third)
        assert "督办 1 件" in out and "逾期 3 天仍未办结" in out
        # closed on a Friday: the return visit is due on Monday, the next working day
        t.move_to(at(2026, 11, 20, 10, 0))
        services.sign_task(task, actor=staff)
        services.answer_task(task, actor=staff, answer="已联系律师提供法律援助")
        services.answer_appeal(a, actor=staff, answer="已为您安排法律援助律师")
        services.close_appeal(a, actor=staff)
        assert local(a.return_visit_due_at) == datetime.datetime(2026, 11, 23, 0, 0)
        assert "待回访 0 件" in tick(t, at(2026, 11, 22, 12, 0))
        assert "待回访 1 件" in tick(t, at(2026, 11, 23, 0, 1))


def test_tick_runs_as_the_system_actor_and_the_change_log_names_it(world):
    from xinye.audit.models import ChangeLog

    staff = world["users"]["community_admin"]
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as t:
        a = services.submit_appeal(
            worker=worker(), category="legal_aid", text="平台扣钱不合理想要法律援助", idempotency_key=key()
        )
        (task,) = services.dispatch_appeal(a, actor=staff)
        assert "督办 1 件" in tick(t, at(2026, 11, 30, 9, 0))
    escalated = ChangeLog.objects.filter(
        content_type__model="appealtask", object_id=str(task.pk), action="update"
    ).latest("id")
    assert (
        escalated.username == "tick"
        and escalated.user is None
        and "escalated_to_id" in escalated.changed_fields
    )
    labels = set(
        a.events.filter(kind__in=[EventKind.REMINDED, EventKind.ESCALATED]).values_list(
            "actor_label", flat=True
        )
    )
    assert labels == {"系统（tick）"}
    with pytest.raises(OutOfScope):  # reminders go to every unit: not a staff member's act
        services.tick(actor=staff)
    with pytest.raises(TypeError):
        services.tick()  # no actor, no tick

"""An enterprise's need on the appeals' loop, on a fixed calendar (National Day 2026 in between): deadlines
by kind on working days, 催办 and 督办 by `xinye tick` under a frozen clock, 回退, refusals."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from tests.appeals.test_loop import at, local, tick
from tests.ledger.factories import make_enterprise
from xinye.accounts.permissions import system_actor
from xinye.appeals.choices import EventKind, ReminderKind, TaskStatus
from xinye.core.errors import OutOfScope, Refused
from xinye.support import services
from xinye.support.choices import NeedStatus
from xinye.support.models import NeedReminder

SYS = system_actor("test")


@pytest.fixture
def kerqin_site(world):
    return make_enterprise(
        world["units"]["djb-kerqin-delivery"], name="美团外卖科尔沁区明仁站", staff_count=60
    )


def test_the_loop_with_deadlines_reminder_and_escalation(world, kerqin_site):
    county = world["users"]["kerqin_admin"]
    with time_machine.travel(at(2026, 9, 29, 10, 0), tick=False) as t:  # Tuesday before National Day
        need = services.file_need(
            actor=county, enterprise=kerqin_site, kind="policy", title="咨询骑手职业伤害保障参保办法"
        )
        assert need.unit == kerqin_site.unit and need.status == NeedStatus.SUBMITTED
        (task,) = services.dispatch_need(need, actor=county, instruction="请答复参保流程")
        # a policy question: the county 两新工委 by default (no 行业主管部门 in the matrix for this site);
        # signed within 1 working day, answered within 3, finished within 5 — 1–7 Oct are holidays, Sat
        # 10 Oct a 调休 working day: 30 Sep, 8, 9, 10, 12 Oct.
        assert task.unit.code == "lxgw-kerqin"
        assert local(task.sign_due_at) == datetime.datetime(2026, 9, 30, 23, 59, 59)
        assert local(need.answer_due_at) == datetime.datetime(2026, 10, 9, 23, 59, 59)
        assert local(task.due_at) == local(need.due_at) == datetime.datetime(2026, 10, 12, 23, 59, 59)
        assert need.status == NeedStatus.DISPATCHED

        t.move_to(at(2026, 9, 30, 9, 0))
        services.sign_need_task(task, actor=county)

        assert "企业需求：催办 0 件" in tick(t, at(2026, 10, 12, 22, 0))
        assert "企业需求：催办 1 件" in tick(t, at(2026, 10, 13, 0, 30))  # the day after the deadline
        assert "企业需求：催办 0 件" in tick(t, at(2026, 10, 13, 8, 0))  # idempotent
        reminder = NeedReminder.objects.get(task=task, kind=ReminderKind.OVERDUE)
        assert reminder.unit == task.unit and need.number in reminder.message

        # 督办 5 working days after the deadline (13, 14, 15, 16, 19 Oct) to the unit's superior
        assert "督办 0 件" in tick(t, at(2026, 10, 18, 23, 0))
        assert "督办 1 件" in tick(t, at(2026, 10, 19, 8, 0))
        assert "督办 0 件" in tick(t, at(2026, 10, 19, 9, 0))
        task.refresh_from_db()
        assert task.escalated_to.code == "tl-lxgw"
        assert NeedReminder.objects.get(task=task, kind=ReminderKind.ESCALATION).unit.code == "tl-lxgw"

        t.move_to(at(2026, 10, 20, 10, 0))
        services.answer_need_task(task, actor=county, answer="已告知经办流程和材料")
        services.answer_need(need, actor=county, answer="职业伤害保障由平台统一参保，站点配合提供名单")
        services.close_need(need, actor=county, resolved=True)
    need.refresh_from_db()
    task.refresh_from_db()
    assert need.status == NeedStatus.CLOSED and need.resolved is True and need.on_time is False
    assert task.status == TaskStatus.FINISHED
    kinds = list(need.events.values_list("kind", flat=True))
    assert kinds[:3] == [EventKind.SUBMITTED, EventKind.DISPATCHED, EventKind.SIGNED]
    assert EventKind.REMINDED in kinds and EventKind.ESCALATED in kinds and kinds[-1] == EventKind.CLOSED


def test_a_need_closed_in_time_counts_on_time_and_is_never_reminded(world, kerqin_site):
    county = world["users"]["kerqin_admin"]
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as t:
        need = services.file_need(
            actor=county, enterprise=kerqin_site, kind="insurance", title="为骑手统一投保意外险"
        )
        (task,) = services.dispatch_need(need, actor=county)
        assert task.unit.code == "mass-union"  # rider insurance: the 工会 by default
        union = world["users"]["union_staff"]
        services.sign_need_task(task, actor=union)
        services.answer_need_task(task, actor=union, answer="已对接人保财险团体意外险")
        services.answer_need(need, actor=county, answer="已对接")
        services.close_need(need, actor=county, resolved=True)
        assert "企业需求：催办 0 件，督办 0 件" in tick(t, at(2026, 12, 30, 9, 0))
    need.refresh_from_db()
    assert need.on_time is True


def test_return_within_two_working_days_then_redispatch(world, kerqin_site):
    county, union = world["users"]["kerqin_admin"], world["users"]["union_staff"]
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False) as t:  # Monday
        need = services.file_need(
            actor=county, enterprise=kerqin_site, kind="insurance", title="为骑手统一投保意外险"
        )
        (task,) = services.dispatch_need(need, actor=county)
        with pytest.raises(Refused, match="回退须说明理由"):
            services.return_need_task(task, actor=union, reason=" ")
        services.return_need_task(task, actor=union, reason="属于商业保险，请两新工委对接保险机构")
        need.refresh_from_db()
        assert need.status == NeedStatus.SUBMITTED  # waits for another unit
        (again,) = services.dispatch_need(need, actor=county, units=[world["units"]["lxgw-kerqin"]])
        t.move_to(at(2026, 11, 5, 9, 0))  # Thursday: past the 2-working-day window
        with pytest.raises(Refused, match="回退须在派单后 2 个工作日内提出"):
            services.return_need_task(again, actor=county, reason="派错了")


def test_refusals_name_the_field_and_write_nothing(world, kerqin_site):
    county = world["users"]["kerqin_admin"]
    with pytest.raises(Refused) as exc:
        services.file_need(actor=county, enterprise=kerqin_site, kind="loans", title="要贷款啊")
    assert exc.value.message_dict == {"kind": ["未知的需求类别：loans"]}
    with pytest.raises(Refused, match="至少 4 个字"):
        services.file_need(actor=county, enterprise=kerqin_site, kind="financing", title="钱")
    with pytest.raises(Refused, match="大于 0 元"):
        services.file_need(
            actor=county, enterprise=kerqin_site, kind="financing", title="需要周转资金", amount=-1
        )
    assert not kerqin_site.needs.exists()

    need = services.file_need(
        actor=county,
        enterprise=kerqin_site,
        kind="financing",
        title="需要周转资金",
        amount=Decimal("500000.004"),
    )
    assert need.amount == Decimal("500000.00")
    with pytest.raises(Refused, match="尚未派单"):
        services.answer_need(need, actor=county, answer="已办")
    with pytest.raises(Refused, match="不承办"):  # another county's community cannot take a 科尔沁区 need
        services.dispatch_need(need, actor=county, units=[world["units"]["street-naiman-1-c1"]])
    (task,) = services.dispatch_need(need, actor=county)
    with pytest.raises(Refused, match="已有在办任务"):
        services.dispatch_need(need, actor=county, units=[task.unit])
    with pytest.raises(Refused, match="还有承办单位未答复"):
        services.answer_need(need, actor=county, answer="已办")
    with pytest.raises(Refused, match="不能转为"):
        services.close_need(need, actor=county, resolved=True)
    with pytest.raises(Refused, match="不予受理须说明理由"):
        services.reject_need(need, actor=county, reason="")


def test_scope_a_county_files_for_its_own_enterprises_and_a_unit_works_only_its_tasks(world, kerqin_site):
    naiman = make_enterprise(world["units"]["djb-naiman-delivery"])
    county = world["users"]["kerqin_admin"]
    with pytest.raises(OutOfScope):
        services.file_need(actor=county, enterprise=naiman, kind="financing", title="需要周转资金")
    assert not naiman.needs.exists()
    with pytest.raises(OutOfScope):  # the secretary role has no grant on enterprise needs
        services.file_need(
            actor=world["users"]["secretary"], enterprise=kerqin_site, kind="financing", title="需要周转资金"
        )
    need = services.file_need(actor=county, enterprise=kerqin_site, kind="premises", title="需要分拣场地")
    (task,) = services.dispatch_need(need, actor=county, units=[world["units"]["street-kerqin-1-c1"]])
    with pytest.raises(OutOfScope):  # another community
        services.sign_need_task(task, actor=world["users"]["union_staff"])
    services.sign_need_task(task, actor=world["users"]["community_admin"])
    with pytest.raises(OutOfScope):  # the handling community works its task, not the need itself
        services.answer_need(need, actor=world["users"]["community_admin"], answer="已协调")
    with pytest.raises(OutOfScope):  # tick is the system's duty
        services.tick(actor=county)
    assert services.tick(actor=SYS).total == 0

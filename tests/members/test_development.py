"""Member development: order, every interval rule with its message, and a full path on a frozen clock."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from tests.members import factories as f
from xinye.accounts.permissions import system_actor
from xinye.core.errors import Refused
from xinye.ledger.choices import MembershipHeld, PoliticalStatus
from xinye.ledger.models import PartyMember
from xinye.members import services
from xinye.members.choices import CaseStatus, CourseKind
from xinye.members.models import DevelopmentStep, StepInterval
from xinye.members.services import StepRefused

SYSTEM = system_actor("test")

D = datetime.date
NOW = datetime.datetime(2026, 6, 30, 10, 0, tzinfo=datetime.UTC)

# A path that keeps every rule: (step, date)
PATH = [
    (1, D(2024, 1, 10)),
    (2, D(2024, 1, 25)),
    (3, D(2024, 3, 1)),
    (4, D(2024, 3, 10)),
    (5, D(2024, 3, 10)),
    (6, D(2024, 9, 1)),
    (6, D(2025, 3, 1)),
    (7, D(2025, 3, 1)),  # exactly 365 days after 2024-03-01
    (8, D(2025, 3, 5)),
    (9, D(2025, 3, 5)),
    (10, D(2025, 3, 20)),
    (11, D(2025, 4, 10)),
    (12, D(2025, 4, 20)),
    (13, D(2025, 4, 25)),
    (14, D(2025, 5, 1)),
    (15, D(2025, 5, 10)),
    (16, D(2025, 5, 20)),
    (17, D(2025, 6, 1)),
    (18, D(2025, 6, 10)),
    (19, D(2025, 6, 10)),
    (20, D(2025, 7, 1)),
    (21, D(2025, 12, 1)),
    (22, D(2026, 4, 20)),
    (23, D(2026, 5, 10)),  # exactly one year after the 支部大会
    (24, D(2026, 6, 1)),
    (25, D(2026, 6, 10)),
]


@pytest.fixture
def setup(world):
    office = world["units"]["djb-kerqin-delivery"]
    unit = f.branch(office, "测试骑手党支部")
    contacts = [f.member(office, "培养人甲", party_unit=unit), f.member(office, "培养人乙", party_unit=unit)]
    applicant = f.person(office, "王小骑", birth=D(1998, 2, 3))
    with time_machine.travel(NOW, tick=False):
        yield {"unit": unit, "office": office, "contacts": contacts, "applicant": applicant}


def _actors_for(step, s):
    return s["contacts"][:1] if step == 5 else s["contacts"] if step == 9 else []


TRAINING_DAY = D(2025, 4, 10)


def _train(s, hours=Decimal("24"), day=TRAINING_DAY):
    services.record_study(
        s["applicant"],
        day,
        kind=CourseKind.CANDIDATE_TRAINING,
        title="发展对象集中培训",
        hours=hours,
        actor=SYSTEM,
    )


def run_until(s, stop_before: int, *, train=True):
    """Open a case and keep the path up to (not including) the first `stop_before` step."""
    case = None
    for step, date in PATH:
        if step >= stop_before:
            break
        if step == 1:
            case = services.open_case(s["applicant"], s["unit"], date, actor=SYSTEM)
            continue
        if step == 15 and train:
            _train(s)
        services.record_step(case, step, date, actors=_actors_for(step, s), actor=SYSTEM)
    case.refresh_from_db()
    return case


def test_steps_and_intervals_are_data(db):
    assert DevelopmentStep.objects.count() == 25
    assert sorted(set(DevelopmentStep.objects.values_list("stage", flat=True))) == [1, 2, 3, 4, 5]
    assert DevelopmentStep.objects.get(number=15).name == "支部大会讨论"
    rule = StepInterval.objects.get(from_step__number=3, to_step__number=7)
    assert rule.min_days == 365 and "第十三条" in rule.source


def test_activist_year_refuses_too_early_with_days(setup):
    case = run_until(setup, 7)
    with pytest.raises(StepRefused) as exc:
        services.record_step(case, 7, D(2024, 9, 17), actor=SYSTEM)  # 200 days after 2024-03-01
    message = str(exc.value)
    assert "距确定为入党积极分子仅 200 天" in message
    assert "第十三条" in message and "一年以上" in message
    assert "还差 165 天" in message
    case.refresh_from_db()
    assert case.current_step == 6


def test_city_can_tighten_an_interval_without_code(setup):
    StepInterval.objects.filter(from_step__number=3, to_step__number=7).update(min_days=400)
    case = run_until(setup, 7)
    with pytest.raises(StepRefused, match="还差 35 天"):
        services.record_step(case, 7, D(2025, 3, 1), actor=SYSTEM)


def test_half_year_reviews_required_before_candidate(setup):
    case = services.open_case(setup["applicant"], setup["unit"], D(2024, 1, 10), actor=SYSTEM)
    for step, date in PATH[1:6]:  # up to the first review only
        services.record_step(case, step, date, actors=_actors_for(step, setup), actor=SYSTEM)
    with pytest.raises(StepRefused, match="应有 2 次考察记录，实有 1 次"):
        services.record_step(case, 7, D(2025, 3, 1), actor=SYSTEM)


def test_talk_within_one_month(setup):
    case = services.open_case(setup["applicant"], setup["unit"], D(2024, 1, 10), actor=SYSTEM)
    with pytest.raises(StepRefused) as exc:
        services.record_step(case, 2, D(2024, 2, 20), actor=SYSTEM)  # 41 days
    assert "已 41 天" in str(exc.value) and "第八条" in str(exc.value) and "超出 10 天" in str(exc.value)
    record = services.record_step(
        case, 2, D(2024, 2, 20), late_reason="申请人外出送件，无法按时谈话", actor=SYSTEM
    )
    assert record.late_reason


def test_age_at_application(setup):
    young = f.person(setup["office"], "小明", birth=D(2008, 6, 15))
    with pytest.raises(StepRefused, match="未满 18 周岁.*第六条"):
        services.open_case(young, setup["unit"], D(2026, 6, 1), actor=SYSTEM)
    assert (
        services.open_case(young, setup["unit"], D(2026, 6, 15), actor=SYSTEM).current_step == 1
    )  # 18 that day


def test_out_of_order_step_refused(setup):
    case = services.open_case(setup["applicant"], setup["unit"], D(2024, 1, 10), actor=SYSTEM)
    with pytest.raises(StepRefused, match="当前为第1步，下一步应为第2步，不能记录第3步"):
        services.record_step(case, 3, D(2024, 3, 1), actor=SYSTEM)


def test_future_date_refused(setup):
    case = services.open_case(setup["applicant"], setup["unit"], D(2026, 6, 1), actor=SYSTEM)
    with pytest.raises(StepRefused, match="晚于今天"):
        services.record_step(case, 2, D(2026, 7, 1), actor=SYSTEM)


def test_introducers_must_be_two_full_members(setup):
    case = run_until(setup, 9)
    with pytest.raises(StepRefused, match="2 名正式党员作入党介绍人，实有 1 名"):
        services.record_step(case, 9, D(2025, 3, 5), actors=setup["contacts"][:1], actor=SYSTEM)
    probationary = f.member(setup["office"], "预备党员丙", is_full=False, party_unit=setup["unit"])
    with pytest.raises(StepRefused, match="入党介绍人须为正式党员"):
        services.record_step(
            case, 9, D(2025, 3, 5), actors=[setup["contacts"][0], probationary], actor=SYSTEM
        )


def test_training_hours_checked_before_branch_vote(setup):
    case = run_until(setup, 15, train=False)
    _train(setup, Decimal("16"))
    with pytest.raises(StepRefused) as exc:
        services.record_step(case, 15, D(2025, 5, 10), actor=SYSTEM)
    assert "仅 16 学时" in str(exc.value) and "第十九条" in str(exc.value) and "还差 8 学时" in str(exc.value)
    _train(setup, Decimal("8"), day=D(2025, 4, 11))
    services.record_step(case, 15, D(2025, 5, 10), actor=SYSTEM)


def test_three_day_training_also_satisfies(setup):
    case = run_until(setup, 15, train=False)
    for day in (D(2025, 4, 10), D(2025, 4, 11), D(2025, 4, 12)):
        _train(setup, Decimal("6"), day=day)
    services.record_step(case, 15, D(2025, 5, 10), actor=SYSTEM)  # 18 学时 but 3 days


def test_approval_within_three_months(setup):
    case = run_until(setup, 17)
    with pytest.raises(StepRefused) as exc:
        services.record_step(case, 17, D(2025, 9, 1), actor=SYSTEM)  # 114 days after 2025-05-10
    assert "已 114 天" in str(exc.value) and "第二十八条" in str(exc.value) and "三个月" in str(exc.value)
    assert not PartyMember.objects.filter(practitioner=setup["applicant"]).exists()


def test_probation_one_year_and_extension(setup):
    case = run_until(setup, 23)
    with pytest.raises(StepRefused, match="仅 300 天.*还差 65 天"):
        services.record_step(case, 23, D(2026, 3, 6), actor=SYSTEM)
    services.record_step(case, 23, D(2026, 5, 10), actor=SYSTEM)


def test_extension_moves_the_conversion_date(setup):
    case = run_until(setup, 23)
    with pytest.raises(Refused, match="不能少于 6 个月"):
        services.extend_probation(case, 3, D(2026, 4, 1), reason="表现一般", actor=SYSTEM)
    services.extend_probation(case, 6, D(2026, 4, 1), reason="支部大会决定延长", actor=SYSTEM)
    with pytest.raises(Refused, match="只能延长一次"):
        services.extend_probation(case, 6, D(2026, 4, 2), reason="再次", actor=SYSTEM)
    case.refresh_from_db()
    with pytest.raises(StepRefused, match="还差 184 天"):  # 2025-05-10 + 18 months = 2026-11-10
        services.record_step(case, 23, D(2026, 5, 10), actor=SYSTEM)
    assert services.probation_end(case) == D(2026, 11, 10)
    assert services.next_step(case).earliest == D(2026, 11, 10)


def test_cancel_probationary_membership(setup):
    case = run_until(setup, 20)
    assert PartyMember.objects.get(practitioner=setup["applicant"]).is_full is False
    services.close_case(case, D(2026, 6, 1), "支部大会决定取消预备党员资格", actor=SYSTEM)
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    assert not PartyMember.objects.filter(practitioner=setup["applicant"]).exists()
    setup["applicant"].refresh_from_db()
    assert setup["applicant"].political_status == PoliticalStatus.MASSES


def test_full_path_from_application_to_full_member(setup):
    applicant = setup["applicant"]
    seen = {}
    case = None
    for step, date in PATH:
        if step == 1:
            case = services.open_case(
                applicant, setup["unit"], date, documents=[("入党申请书", None)], actor=SYSTEM
            )
        else:
            if step == 15:
                _train(setup)
            info = services.next_step(case)
            assert info.earliest is None or info.earliest <= date
            services.record_step(case, step, date, actors=_actors_for(step, setup), actor=SYSTEM)
        applicant.refresh_from_db()
        seen[step] = applicant.political_status
    assert seen[1] == PoliticalStatus.APPLICANT
    assert seen[3] == PoliticalStatus.ACTIVIST
    assert seen[7] == PoliticalStatus.CANDIDATE
    assert seen[17] == PoliticalStatus.PROBATIONARY
    assert seen[24] == PoliticalStatus.FULL
    member = PartyMember.objects.get(practitioner=applicant)
    assert member.is_full and member.joined_on == D(2025, 5, 10) and member.full_member_on == D(2026, 5, 10)
    assert member.unit == setup["unit"] and member.membership_held == MembershipHeld.HERE
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and case.current_step == 25
    assert case.records.count() == 26  # two half-year reviews
    assert case.records.get(step__number=9).actors.count() == 2
    assert services.next_step(case).step is None


def test_next_step_shows_earliest_date(setup):
    case = run_until(setup, 7)
    info = services.next_step(case)
    assert info.step.number == 7 and info.earliest == D(2025, 3, 1)
    assert [s.number for s in info.also] == [6]


def test_conversion_approval_within_three_months(setup):
    case = run_until(setup, 24)
    with time_machine.travel(datetime.datetime(2026, 9, 30, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(StepRefused) as exc:
            services.record_step(case, 24, D(2026, 8, 20), actor=SYSTEM)  # 102 days after the 2026-05-10 vote
        assert (
            "已 102 天" in str(exc.value)
            and "第三十五条" in str(exc.value)
            and "超出 10 天" in str(exc.value)
        )
        services.record_step(
            case, 24, D(2026, 8, 20), late_reason="上级党委换届，经组织部门同意延期审批", actor=SYSTEM
        )
    assert PartyMember.objects.get(practitioner=setup["applicant"]).is_full

import datetime

from tests.matrix import MatrixType, register
from tests.teams.factories import make_worker, member_of, org_for
from xinye.teams.models import (
    Incentive,
    ReserveCandidate,
    TeamAssessment,
    TermReminder,
    TrainingPlan,
    VanguardPost,
)


def _enterprise(row):
    return row.organisation.enterprises.first()


def _worker(unit, world):
    return make_worker(
        org_for(unit), post="committee_member", enterprise_post="副总经理", management_level="senior"
    )


def _reserve(unit, world):
    org = org_for(unit)
    row = ReserveCandidate(
        organisation=org, member=member_of(org), post="secretary", added_on=datetime.date(2026, 1, 5)
    )
    row.place_in(org)
    row.save()
    return row


def _plan(unit, world):
    return TrainingPlan.objects.create(
        unit=unit, year=2026, title="年度党务工作者培训计划", industry=unit.industry or ""
    )


def _incentive(unit, world):
    worker = _worker(unit, world)
    row = Incentive(
        worker=worker,
        kind="subsidy",
        title="岗位补贴",
        amount="600.00",
        granted_on=datetime.date(2026, 6, 30),
    )
    row.place_in(worker.organisation)
    row.save()
    return row


def _assessment(unit, world):
    worker = _worker(unit, world)
    row = TeamAssessment(worker=worker, year=2025, grade="competent")
    row.place_in(worker.organisation)
    row.save()
    return row


def _vanguard(unit, world):
    org = org_for(unit)
    row = VanguardPost(
        organisation=org,
        member=member_of(org),
        title="外卖配送党员先锋岗",
        since=datetime.date(2026, 3, 1),
        enterprise=org.enterprises.first(),
    )
    row.place_in(org)
    row.save()
    return row


def _reminder(unit, world):
    worker = make_worker(org_for(unit), post="secretary", term_ends_on=datetime.date(2027, 1, 31))
    row = TermReminder(worker=worker, term_ends_on=worker.term_ends_on, message="任期届满提醒")
    row.place_in(worker.organisation)
    row.save()
    return row


register(
    MatrixType(
        "teams.partyworker",
        _worker,
        api_detail="/api/v1/party-workers/{pk}",
        api_list="/api/v1/party-workers",
        enterprise_of=_enterprise,
        api_writes=[("post", "/api/v1/party-workers/{pk}/remove", {"reason": "调离"})],
    )
)
register(
    MatrixType(
        "teams.reservecandidate",
        _reserve,
        api_detail="/api/v1/reserve-candidates/{pk}",
        api_list="/api/v1/reserve-candidates",
        enterprise_of=_enterprise,
    )
)
register(
    MatrixType(
        "teams.trainingplan",
        _plan,
        api_detail="/api/v1/training-plans/{pk}",
        api_list="/api/v1/training-plans",
    )
)
register(
    MatrixType(
        "teams.incentive",
        _incentive,
        api_detail="/api/v1/team-incentives/{pk}",
        api_list="/api/v1/team-incentives",
        enterprise_of=lambda i: _enterprise(i.worker),
    )
)
register(
    MatrixType(
        "teams.teamassessment",
        _assessment,
        api_detail="/api/v1/team-assessments/{pk}",
        api_list="/api/v1/team-assessments",
        enterprise_of=lambda a: _enterprise(a.worker),
    )
)
register(
    MatrixType(
        "teams.vanguardpost",
        _vanguard,
        api_detail="/api/v1/vanguard-posts/{pk}",
        api_list="/api/v1/vanguard-posts",
        enterprise_of=_enterprise,
    )
)
register(MatrixType("teams.termreminder", _reminder))

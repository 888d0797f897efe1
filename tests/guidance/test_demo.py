"""The guidance and orglife demos on top of the ledger demo: nothing re-assigned, a believable picture,
and a second run changes nothing."""

import datetime as dt

import pytest
import time_machine

from xinye.core.context import actor_context

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC), tick=False)
def test_demo_keeps_assignments_and_shows_some_organisations_not_running_normally(world):
    from xinye.demo import accounts as accounts_demo
    from xinye.demo import coverage as coverage_demo
    from xinye.demo import guidance as guidance_demo
    from xinye.demo import ledger as ledger_demo
    from xinye.demo import orglife as orglife_demo
    from xinye.demo import orgs as orgs_demo
    from xinye.guidance import services as guidance
    from xinye.guidance.models import InstructorAssessment, Visit
    from xinye.ledger.models import Enterprise, PartyOrganisation
    from xinye.orglife import services as orglife
    from xinye.orglife.models import Attendance, Meeting, OnlineGroup
    from xinye.orgs.models import Agent, Responsibility

    def rows():
        return set(
            Responsibility.objects.values_list("content_type_id", "object_id", "role", "unit_id", "agent_id")
        )

    def counts():
        return [m.objects.count() for m in (Visit, InstructorAssessment, Meeting, Attendance, OnlineGroup)]

    demo_world: dict = {}
    with actor_context(source="system", label="demo"):
        orgs_demo.load(demo_world)
        accounts_demo.load(demo_world)
        ledger_demo.load(demo_world)
        coverage_demo.load(demo_world)
        before = rows()
        guidance_demo.load(demo_world)
        orglife_demo.load(demo_world)
    assert rows() == before  # the demo never changes who answers for an enterprise
    assert demo_world["assignment_proposal"].items == []  # everything was assigned already
    visited = set(Visit.objects.values_list("agent_id", flat=True))
    assert len(visited) >= 0.9 * Agent.objects.count()
    assert InstructorAssessment.objects.filter(year=2025).count() == 50
    pending = guidance.overdue_list(Agent.objects.all(), Enterprise.objects.all())
    assert any(r.status == "overdue" for _a, r in pending)
    results = orglife.assess_all(PartyOrganisation.objects.all(), "2026Q3")
    bad = [h for h in results if not h.normal]
    assert len(results) == 53 and 0 < len(bad) <= 10
    assert Meeting.objects.filter(quorum_met=False).exists()
    assert OnlineGroup.objects.filter(meetings__is_online=True).exists()

    snapshot = counts()
    with actor_context(source="system", label="demo"):
        guidance_demo.load(demo_world)
        orglife_demo.load(demo_world)
    assert counts() == snapshot and rows() == before

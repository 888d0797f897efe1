"""The teams demo: every organisation has a 书记 with a history somewhere, and every figure is non-trivial;
the seed's figures are untouched; a second run changes nothing."""

import pytest

from xinye.core.context import actor_context

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("full_demo")]


def test_the_demo_fills_every_figure(full_demo, world, api_client):
    from xinye.demo import teams as teams_demo
    from xinye.ledger.models import PartyOrganisation
    from xinye.teams.models import PartyWorker, ReserveCandidate, TeamAssessment, TrainingPlan, VanguardPost

    client = api_client("city_admin")
    stats = client.get("/api/v1/stats/party-workers").json()
    assert stats["organisations_without_secretary"] == 0
    assert stats["secretaries"] == 53 == PartyOrganisation.objects.count()
    assert stats["committee_members"] > 0 and stats["party_workers"] > 0
    assert stats["terms_ending_90d"] > 0
    assert 0 < stats["cross_appointment_rate"] < 1
    assert stats["full_time"] > 0 and stats["part_time"] > stats["full_time"]
    assert 0 < stats["training_completion_rate"] < 1
    assert len(stats["age_structure"]) >= 3 and len(stats["education_structure"]) >= 3
    # history: earlier secretaries, and secretaries dispatched from outside with their dispatching unit
    ended = PartyWorker.objects.filter(post="secretary", until__isnull=False)
    assert ended.count() >= 1
    dispatched = PartyWorker.objects.filter(post="secretary", source="dispatched", until__isnull=True)
    assert dispatched.exists() and all(w.dispatched_from for w in dispatched)
    items = client.get("/api/v1/party-workers", {"post": "secretary", "limit": 100}).json()
    assert items["count"] == 53
    assert ReserveCandidate.objects.exists() and TrainingPlan.objects.exists()
    # the committee the ledger shows is the roster's 委员, in every organisation
    from xinye.teams.services import committee_of

    for org in PartyOrganisation.objects.prefetch_related("committee"):
        assert set(org.committee.all()) == set(committee_of(org)), org
    assert PartyOrganisation.objects.filter(committee__isnull=False).exists()
    assert TeamAssessment.objects.exists() and VanguardPost.objects.exists()
    # the seed's figures stay as they were
    overview = client.get("/api/v1/stats/overview").json()
    assert (overview["party_members"], overview["party_organisations"]["total"]) == (350, 53)
    # idempotent
    counts = (PartyWorker.objects.count(), TrainingPlan.objects.count(), VanguardPost.objects.count())
    with actor_context(source="system", label="demo"):
        teams_demo.load({})
    assert (PartyWorker.objects.count(), TrainingPlan.objects.count(), VanguardPost.objects.count()) == counts

"""The demo pairs: 机关, 国企, 事业单位 and 社区 organisations paired with enterprise branches and with enterprises
without one, activities covering all six 联, some pairs silent this quarter; the seed's figures unchanged;
idempotent."""

import pytest

from tests.conftest import login
from xinye.core.context import actor_context
from xinye.demo import pairing as pairing_demo
from xinye.ledger.models import PartyOrganisation
from xinye.pairing.models import Pairing, PairingActivity

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("full_demo")]


def test_the_demo_pairs_cover_all_six_links_and_some_are_silent(full_demo, world):
    counts = (Pairing.objects.count(), PairingActivity.objects.count())
    assert counts[0] >= 15 and counts[1] >= 60
    assert set(Pairing.objects.values_list("host_sector", flat=True)) == {
        "organ",
        "soe",
        "institution",
        "community",
    }
    assert Pairing.objects.filter(enterprise__isnull=False).count() >= 5

    stats = login("city_admin").get("/api/v1/stats/pairings").json()
    assert all(stats["by_link"][link] > 0 for link in stats["by_link"]) and len(stats["by_link"]) == 6
    assert 3 <= stats["pairs_without_activity_this_quarter"] < stats["pairings"]
    listed = login("city_admin").get("/api/v1/pairings", {"limit": 100}).json()
    assert listed["count"] == counts[0]
    assert {link for item in listed["items"] for link in item["links"]} == set(stats["by_link"])
    # the county sees the pairs of its enterprises and of its own communities, not the others
    kerqin = login("kerqin_admin").get("/api/v1/pairings", {"limit": 100}).json()
    assert 0 < kerqin["count"] < counts[0]

    # the seed's 53 enterprise organisations are still 53: the hosts are not enterprise organisations
    assert PartyOrganisation.objects.count() == 53
    with actor_context(source="system", label="demo"):
        pairing_demo.load({})
    assert (Pairing.objects.count(), PairingActivity.objects.count()) == counts

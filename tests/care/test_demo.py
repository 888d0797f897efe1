"""The demo catalogue: every kind of service in every county, coming sessions, idempotent."""

from tests.stations.factories import make_station
from xinye.care.choices import ServiceKind
from xinye.care.models import ServiceOffer, ServiceSession
from xinye.demo import care as care_demo
from xinye.demo.orgs import COUNTIES


def test_the_catalogue_is_filled_for_every_county(world):
    station = make_station(world["units"]["street-kerqin-1-c1"])
    care_demo.load({})
    counts = (ServiceOffer.objects.count(), ServiceSession.objects.count())
    for code, _name, _level, _slug in COUNTIES:
        kinds = set(ServiceOffer.objects.filter(region_id=code).values_list("kind", flat=True))
        assert kinds == set(ServiceKind.values), code
    assert ServiceOffer.objects.filter(station=station, kind="legal_aid").exists()
    assert ServiceSession.objects.filter(offer__kind="red_education", offer__region_id="150502").count() == 2
    care_demo.load({})
    assert (ServiceOffer.objects.count(), ServiceSession.objects.count()) == counts

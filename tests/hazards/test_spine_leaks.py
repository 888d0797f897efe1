"""Regression tests for the 随手拍 routing leaks of the spine issue (#12), as the role that would exploit them:
`kerqin_admin` (科尔沁区) labelling a station with another county, or creating a unit with a code a routing
rule names, must not capture 科尔沁左翼中旗's reports."""

import pytest

from tests.appeals.helpers import key, worker
from tests.stations.factories import make_station
from xinye.hazards import services
from xinye.orgs.models import OrgUnit, Region
from xinye.stations.models import Station
from xinye.stations.services import save_station

SPOT = (43.6001, 122.2601)  # where a 科尔沁左翼中旗 worker finds the problem


def _report(w, category="sanitation", at=SPOT):
    return services.submit_report(
        worker=w,
        category=category,
        description="垃圾堆积",
        latitude=at[0],
        longitude=at[1],
        idempotency_key=key(),
    )


@pytest.fixture
def border_station(world):
    """A station of a 科尔沁区 community, saved by `kerqin_admin` a few metres from the spot."""
    station = Station(
        name="科尔沁区边界服务站",
        unit=world["units"]["street-kerqin-2-c1"],
        region=Region.objects.get(code="150502"),
        address="边界路1号",
        latitude=SPOT[0],
        longitude=SPOT[1] + 0.0001,
        status="open",
    )
    return save_station(station, actor=world["users"]["kerqin_admin"])


def test_a_station_labelled_with_another_county_does_not_capture_its_reports(world, api_client):
    """`kerqin_admin` hangs a station under its own community but labels it 科尔沁左翼中旗 (150521), next to
    the spot: the station is not anchored where it says, so the report goes to the county's own station."""
    own = make_station(world["units"]["street-kzzq-1-c2"], lat=SPOT[0] + 0.05, lng=SPOT[1])  # farther away
    decoy = make_station(world["units"]["street-kerqin-2-c1"], lat=SPOT[0], lng=SPOT[1] + 0.0001)
    Station.objects.filter(pk=decoy.pk).update(region_id="150521")
    w = worker("street-kzzq-2-c1")
    report = _report(w)
    assert report.unit == own.unit and report.region_id == "150521"
    assert api_client("kerqin_admin").get(f"/api/v1/hazards/{report.pk}").status_code == 404
    # without any anchored station near, it stays in the reporter's county: their community
    Station.objects.filter(pk=own.pk).update(status="closed")
    report = _report(w)
    assert report.unit == w.unit and report.region_id == "150521"


def test_a_report_is_handled_where_it_is(world, border_station):
    """属地: the nearest anchored station's community handles a report, whoever files it, and the report
    counts in that station's county."""
    for community in ("street-kerqin-1-c1", "street-kzzq-2-c1"):
        report = _report(worker(community))
        assert report.unit == border_station.unit and report.region_id == "150502"


def test_a_department_code_claimed_by_a_county_admin_takes_no_other_countys_reports(
    world, settings, api_client
):
    settings.XINYE_HAZARD_ROUTING = {"sanitation": "dept-sanitation"}
    response = api_client("kerqin_admin").post(
        "/api/v1/org-units",
        {
            "code": "dept-sanitation",
            "name": "环卫所",
            "kind": "community",
            "region": "150502",
            "parent": world["units"]["street-kerqin-2"].pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    claimed = OrgUnit.objects.get(code="dept-sanitation")
    w = worker("street-kzzq-1-c1")
    report = _report(w)
    assert report.unit != claimed and report.unit == w.unit and report.region_id == "150521"
    assert api_client("kerqin_admin").get(f"/api/v1/hazards/{report.pk}").status_code == 404
    # the code serves its own county
    assert _report(worker("street-kerqin-1-c1")).unit == claimed

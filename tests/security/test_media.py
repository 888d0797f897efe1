"""Uploaded files: appeal and hazard photos are served only to users who may see their record (appeal
photos only with view_sensitive, and logged); station photos stay public for the portal."""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from tests.appeals.helpers import PNG, key, upload, worker
from tests.ledger.factories import make_enterprise
from tests.stations.factories import make_station
from xinye.appeals.models import Appeal, AppealPhoto
from xinye.audit.models import ChangeLog
from xinye.hazards.models import HazardReport
from xinye.stations.models import StationPhoto


def _appeal_photo(world) -> AppealPhoto:
    unit = world["units"]["djb-kerqin-delivery"]
    appeal = Appeal.objects.create(
        unit=unit,
        region=unit.region,
        enterprise=make_enterprise(unit),
        category="wages",
        limit_kind="complaint",
        text="骑手反映被拖欠工资",
        idempotency_key=uuid.uuid4().hex,
    )
    photo = AppealPhoto(appeal=appeal, content_type="image/png")
    photo.file.save(f"{appeal.number}-1.png", ContentFile(PNG), save=True)
    return photo


def _hazard(world) -> HazardReport:
    unit = world["units"]["street-kerqin-1-c1"]
    report = HazardReport.objects.create(
        category="manhole",
        description="井盖缺失",
        latitude=43.6,
        longitude=122.26,
        unit=unit,
        region=unit.region,
        idempotency_key=uuid.uuid4().hex,
    )
    report.photo.save(f"hazard-{report.pk}.png", ContentFile(PNG), save=True)
    return report


def test_appeal_photo_is_served_to_a_user_who_may_see_the_appeal_and_logged(world, client_for):
    photo = _appeal_photo(world)
    before = ChangeLog.objects.filter(action="view_sensitive").count()
    r = client_for("kerqin_admin").get(photo.file.url)
    assert r.status_code == 200
    served = b"".join(r.streaming_content)
    assert served.startswith(PNG[:8])  # the photo, re-encoded without its metadata when it was stored
    assert ChangeLog.objects.filter(action="view_sensitive").count() == before + 1


@pytest.mark.parametrize("username", [None, "union_staff", "instructor", "auditor"])
def test_appeal_photo_is_not_served_outside_scope_or_without_view_sensitive(world, client_for, username):
    photo = _appeal_photo(world)
    client = client_for(username) if username else Client()
    assert client.get(photo.file.url).status_code == 404


def test_hazard_photo_is_not_public(world, client_for):
    report = _hazard(world)
    assert Client().get(report.photo.url).status_code == 404
    assert client_for("community_admin").get(report.photo.url).status_code == 200
    assert client_for("kerqin_admin").get(report.photo.url).status_code == 200
    assert client_for("union_staff").get(report.photo.url).status_code == 404


def test_unknown_media_path_is_not_served(world, client_for, settings):
    (settings.MEDIA_ROOT / "appeals").mkdir(parents=True)
    (settings.MEDIA_ROOT / "appeals" / "orphan.png").write_bytes(PNG)
    assert client_for("city_admin").get("/media/appeals/orphan.png").status_code == 404
    assert client_for("city_admin").get("/media/../pyproject.toml").status_code == 404


def test_station_photos_stay_public_for_the_portal(world):
    station = make_station(world["units"]["street-kerqin-1-c1"])
    photo = StationPhoto(station=station, caption="门头")
    photo.image.save("station.png", ContentFile(PNG), save=True)
    assert Client().get(photo.image.url).status_code == 200


def test_photo_names_are_not_guessable(world):
    """A stored photo's name is random: not the appeal number, not the report id, and two photos of one
    appeal get two names."""
    from xinye.appeals import services
    from xinye.hazards import services as hazard_services

    appeal = services.submit_appeal(
        worker=worker(),
        category="wages",
        text="骑手反映被拖欠工资",
        photos=[upload(), upload()],
        idempotency_key=key(),
    )
    names = [p.file.name.rsplit("/", 1)[-1] for p in appeal.photos.all()]
    assert len(set(names)) == 2
    for name in names:
        stem = name.split(".")[0]
        assert appeal.number not in name and len(stem) >= 24
    report = hazard_services.submit_report(
        worker=worker(),
        category="manhole",
        description="井盖缺失，夜里很危险",
        latitude=43.62,
        longitude=122.26,
        photo=upload(),
        idempotency_key=key(),
    )
    stem = report.photo.name.rsplit("/", 1)[-1].split(".")[0]
    assert "hazard" not in stem and str(report.pk) != stem and len(stem) >= 24

import itertools

from tests.matrix import MatrixType, register
from tests.stations.factories import make_station
from xinye.stations.models import StationCheckIn, StationRegistration
from xinye.workers.models import Worker

_phones = itertools.count(1)


def _worker(unit, world):
    return Worker.objects.create(
        phone=f"1380475{next(_phones):04d}", name="测试骑手", unit=unit, region=unit.region
    )


def _checkin(unit, world):
    import datetime

    station = make_station(unit)
    return StationCheckIn.objects.create(
        station=station, worker=_worker(unit, world), day=datetime.date(2026, 11, 28)
    )


register(
    MatrixType(
        "stations.station",
        lambda unit, world: make_station(unit),
        api_detail="/api/v1/stations/{pk}",
        api_list="/api/v1/stations",
        change_data=lambda o: {"code": o.code, "name": "改名", "status": "closed"},
    )
)


def _registration(unit, world):
    from django.utils import timezone

    return StationRegistration.objects.create(
        worker=_worker(unit, world), station=make_station(unit), registered_at=timezone.now()
    )


register(MatrixType("stations.stationcheckin", _checkin))
# shown on the worker's console page (workers admin), not a console list of its own
register(MatrixType("stations.stationregistration", _registration, console=False))
register(MatrixType("workers.worker", _worker, change_data=lambda o: {"name": "改名"}))

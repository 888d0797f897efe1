"""Demo workers (registered at 科尔沁区 stations, with consent) and some check-ins over the last two weeks.
Deterministic; idempotent (workers keyed by phone; check-ins only made when the demo workers have none)."""

import datetime
import random

from django.utils import timezone

from xinye.core.crypto import keyed_hash
from xinye.ledger.choices import Occupation
from xinye.stations.choices import StationStatus
from xinye.stations.models import StationCheckIn
from xinye.stations.services import record_registration
from xinye.workers.models import NoticeKind, Worker
from xinye.workers.services import give_consent

NAMES = ["张伟", "王磊", "李强", "刘洋", "陈杰", "杨帆", "赵敏", "黄勇", "周涛", "吴静", "徐亮", "孙浩"]
OCCUPATIONS = [Occupation.RIDER, Occupation.COURIER, Occupation.RIDE_DRIVER, Occupation.TRUCK_DRIVER]


def load(world: dict) -> None:
    rng = random.Random(475)
    stations = [s for s in world.get("stations", []) if s.status == StationStatus.OPEN]
    if not stations:
        return
    kerqin = [s for s in stations if s.region_id == "150502"]
    workers = []
    for i, name in enumerate(NAMES):
        phone = f"1390475{i:04d}"
        station = kerqin[(i * 7) % len(kerqin)]
        worker = Worker.objects.filter(phone_hash=keyed_hash(phone)).first()
        if worker is None:
            worker = Worker(
                phone=phone,
                name=name,
                occupation=OCCUPATIONS[i % len(OCCUPATIONS)],
                enterprise_name=["美团外卖科尔沁站", "顺丰速运通辽营业部", "滴滴出行", "通辽货运联盟"][i % 4],
                unit=station.unit,
                region=station.region,
                registered_at=timezone.now(),
            )
            worker.save()
            record_registration(worker=worker, station=station)
        give_consent(worker=worker, kind=NoticeKind.GENERAL)
        workers.append(worker)
    world["workers"] = workers
    if StationCheckIn.objects.filter(worker__in=workers).exists():
        return
    today = timezone.localdate()
    rows = []
    for worker in workers:
        for back in range(14):
            if rng.random() < 0.45:
                day = today - datetime.timedelta(days=back)
                for station in {rng.choice(kerqin[:20]) for _ in range(rng.randint(1, 2))}:
                    rows.append(StationCheckIn(station=station, worker=worker, day=day))
    StationCheckIn.objects.bulk_create(rows, ignore_conflicts=True)

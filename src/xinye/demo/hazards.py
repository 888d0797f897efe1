"""Demo hazard reports: ~40 across the counties near service stations, in every state, with a few
nearby duplicates. Deterministic (seeded); idempotent (keyed by idempotency key)."""

import datetime
import random

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.hazards import services
from xinye.hazards.choices import CloseReason, HazardCategory, HazardSource, HazardStatus
from xinye.hazards.models import HazardEvent, HazardReport

SEED = 311
N = 40
DEMO = system_actor("demo")
CENTRES = {  # WGS-84 town centres, used when no stations are loaded
    "150502": (43.6172, 122.2630),
    "150521": (44.1280, 123.3120),
    "150522": (42.9580, 122.3560),
    "150523": (43.6020, 121.3190),
    "150524": (42.7350, 121.7760),
    "150525": (42.8670, 120.6580),
    "150526": (44.5550, 120.9050),
    "150581": (45.5320, 119.6570),
    "150571": (43.6000, 122.3200),
}
TEXTS = {
    HazardCategory.ROAD_DAMAGE: "路面塌陷出现大坑，夜间骑车危险",
    HazardCategory.MANHOLE: "人行道井盖缺失，已用锥桶临时围挡",
    HazardCategory.FIRE: "小区楼道堆放杂物，电动车在楼道充电",
    HazardCategory.LIGHTS: "这段路路灯连续几晚不亮",
    HazardCategory.PERSON_IN_NEED: "公交站有位老人迷路，天冷需要帮助",
    HazardCategory.EPIDEMIC: "商场入口消毒设施损坏",
    HazardCategory.SANITATION: "路边垃圾堆积多日无人清运",
    HazardCategory.OTHER: "交通信号灯故障，路口拥堵",
}


def _backdate(report: HazardReport, start) -> None:
    """Spread a demo report's steps over the past days (the services stamp them with the current time)."""
    for k, event in enumerate(report.events.order_by("pk")):
        HazardEvent.objects.filter(pk=event.pk).update(created_at=start + datetime.timedelta(hours=6 * k))
    steps = report.events.count()
    HazardReport.objects.filter(pk=report.pk).update(
        created_at=start,
        acknowledged_at=start + datetime.timedelta(hours=6) if report.acknowledged_at else None,
        closed_at=start + datetime.timedelta(hours=6 * (steps - 1)) if report.closed_at else None,
    )


def load(world: dict) -> None:
    if HazardReport.objects.filter(idempotency_key="demo-hazard-0").exists():
        return
    rng = random.Random(SEED)
    workers = world.get("demo_workers") or world.get("workers") or []
    stations = [s for s in world.get("stations", [])][:200]
    categories = list(HazardCategory.values)
    made = []
    for i in range(N):
        worker = workers[i % len(workers)] if workers else None
        if i % 8 == 7 and made:  # a second report of the same problem, ~20 m away
            base = made[-1]
            lat, lng, category = base.latitude + 0.00018, base.longitude, base.category
        else:
            if stations:
                s = stations[(i * 13) % len(stations)]
                lat, lng = s.latitude, s.longitude
            else:
                lat, lng = CENTRES[sorted(CENTRES)[i % len(CENTRES)]]
            lat += rng.uniform(-0.004, 0.004)
            lng += rng.uniform(-0.004, 0.004)
            category = categories[i % len(categories)]
        filing = dict(
            category=category,
            description=TEXTS[category],
            latitude=lat,
            longitude=lng,
            idempotency_key=f"demo-hazard-{i}",
            coord_system="wgs84",
        )
        if worker is not None:
            report = services.submit_report(worker=worker, **filing)
        else:
            report = services.file_report(actor=DEMO, source=HazardSource.STAFF, **filing)
        made.append(report)
        start = timezone.now() - datetime.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 12))
        stage = i % 5
        if stage >= 1:
            services.set_status(report, HazardStatus.ACKNOWLEDGED, note="已收到，正在核实", actor=DEMO)
        if stage >= 2:
            services.set_status(report, HazardStatus.IN_PROGRESS, note="已通知责任单位", actor=DEMO)
        if stage >= 3:
            services.close_report(
                report, actor=DEMO, reason=CloseReason.FIXED, note="已处理完毕，感谢您的上报"
            )
        _backdate(report, start)
    for report in made:
        report.refresh_from_db()
        if report.status != HazardStatus.CLOSED:
            dups = services.duplicates_of(report)
            if dups and dups[0][0].pk < report.pk:
                services.close_report(
                    report,
                    actor=DEMO,
                    reason=CloseReason.DUPLICATE,
                    duplicate_of=dups[0][0],
                    note="与已有上报为同一问题，合并处理",
                )

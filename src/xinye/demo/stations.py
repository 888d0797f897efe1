"""350 service stations (domain.md: the seed's figure) across the 9 county-level units, most in 科尔沁区.

Each is run by a community of its county; some are hosted by an enterprise (when the ledger demo made
enterprises), a business district or a building. Deterministic (fixed seed) and idempotent (keyed by code).
"""

import random

from xinye.accounts.permissions import system_actor
from xinye.ledger.choices import CoordSystem
from xinye.stations import services
from xinye.stations.choices import EXTRA_AMENITIES, STANDARD_AMENITIES, Amenity, HostKind, StationStatus
from xinye.stations.models import Station

TOTAL = 350
ACTOR = system_actor("demo")
# county code → (slug, stations, WGS-84 centre of the seat, spread in degrees)
COUNTY_STATIONS = {
    "150502": ("kerqin", 150, (43.6225, 122.2560), 0.060),
    "150521": ("kzzq", 30, (44.1270, 123.3120), 0.025),
    "150522": ("kzhq", 25, (42.9550, 122.3570), 0.025),
    "150523": ("kailu", 30, (43.6010, 121.3190), 0.025),
    "150524": ("kulun", 20, (42.7350, 121.7760), 0.020),
    "150525": ("naiman", 25, (42.8670, 120.6630), 0.025),
    "150526": ("zalute", 25, (44.5560, 120.9050), 0.025),
    "150581": ("hlgl", 25, (45.5320, 119.6570), 0.025),
    "150571": ("kfq", 20, (43.5800, 122.3300), 0.020),
}
assert sum(n for _s, n, _c, _d in COUNTY_STATIONS.values()) == TOTAL

DISTRICTS = ["万达广场商圈", "明仁大街商圈", "西拉木伦商圈", "火车站商圈", "建国路商圈"]
BUILDINGS = ["金融大厦", "电商产业园", "创业大厦", "物流港综合楼", "科技园A座"]
KINDS = ["服务站", "驿站", "暖心驿站", "党建服务站"]


def _enterprises_by_region(world) -> dict:
    found = world.get("enterprises") or []
    if isinstance(found, dict):
        found = list(found.values())
    out: dict = {}
    for enterprise in found:
        region_id = getattr(enterprise, "region_id", None)
        if region_id:
            out.setdefault(region_id, []).append(enterprise)
    return out


def load(world: dict) -> None:
    rng = random.Random(20261128)
    regions = world["regions"]
    communities = sorted(world["communities"].values(), key=lambda u: u.code)
    enterprises = _enterprises_by_region(world)
    stations = []
    for region_code, (slug, count, (clat, clng), spread) in COUNTY_STATIONS.items():
        region = regions[region_code]
        local = [c for c in communities if c.region_id == region_code]
        local_enterprises = sorted(enterprises.get(region_code, []), key=lambda e: e.pk)
        for i in range(count):
            community = local[i % len(local)]
            roll = rng.random()
            host_enterprise, host_name = None, ""
            if roll < 0.12 and local_enterprises:
                kind = HostKind.ENTERPRISE
                host_enterprise = local_enterprises[i % len(local_enterprises)]
                name = f"{host_enterprise.name}新业态服务站"
            elif roll < 0.22:
                kind = HostKind.BUSINESS_DISTRICT
                host_name = f"{region.name}{DISTRICTS[i % len(DISTRICTS)]}"
                name = f"{host_name}{KINDS[i % len(KINDS)]}"
            elif roll < 0.30:
                kind = HostKind.BUILDING
                host_name = BUILDINGS[i % len(BUILDINGS)]
                name = f"{region.name}{host_name}{KINDS[i % len(KINDS)]}"
            else:
                kind = HostKind.COMMUNITY
                name = f"{community.name}新业态{KINDS[i % len(KINDS)]}"
            if i >= len(local) or kind != HostKind.COMMUNITY:
                name = f"{name}（{i + 1}号）"
            lat = clat + rng.uniform(-spread, spread)
            lng = clng + rng.uniform(-spread, spread) * 1.3
            extras = rng.sample(EXTRA_AMENITIES, rng.randint(1, 5))
            open_24h = Amenity.OPEN_24H in extras
            weekday = rng.choice(["08:00-20:00", "07:30-21:00", "09:00-18:00", "08:00-22:00"])
            weekend = rng.choice([weekday, "09:00-17:00", ""])
            status = StationStatus.OPEN
            if i % 47 == 46:
                status = StationStatus.PAUSED
            elif i % 97 == 96:
                status = StationStatus.CLOSED
            code = f"{slug}{i + 1:03d}"
            station = Station.objects.filter(code=code).first() or Station(code=code)
            fields = {
                "name": name[:128],
                "host_kind": kind,
                "unit": community,
                "region": region,
                "host_enterprise": host_enterprise,
                "host_name": host_name,
                "address": f"{community.name}{rng.randint(1, 199)}号",
                "latitude": round(lat, 6),
                "longitude": round(lng, 6),
                "coord_source": CoordSystem.GCJ02 if i % 3 == 0 else CoordSystem.WGS84,
                "amenities": [str(a) for a in STANDARD_AMENITIES + sorted(extras)],
                "hours": [weekday] * 5 + [weekend] * 2,
                "open_24h": open_24h,
                "holiday_note": "法定节假日照常开放" if i % 2 == 0 else "春节期间 10:00-16:00",
                "contact_name": f"{community.name[-4:-2]}站长",
                "contact_phone": f"0475{8000000 + i * 37 + int(region_code[-2:]):07d}",
                "status": status,
                "green_channel": i % 4 == 0,
                "description": "为快递员、外卖骑手、网约车司机等新就业群体提供歇脚、饮水、充电、热饭等暖心服务。",
            }
            for name_, value in fields.items():
                setattr(station, name_, value)
            stations.append(services.save_station(station, actor=ACTOR))
    world["stations"] = stations

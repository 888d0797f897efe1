import itertools

from xinye.stations.models import Station

_seq = itertools.count(1)


def make_station(unit, *, lat=43.62, lng=122.26, status="open", code=None, **extra) -> Station:
    n = next(_seq)
    return Station.objects.create(
        code=code or f"t{n:05d}",
        name=extra.pop("name", f"测试服务站{n}"),
        unit=unit,
        region=unit.region,
        address="测试路1号",
        latitude=lat,
        longitude=lng,
        status=status,
        amenities=extra.pop("amenities", ["rest", "water", "charging"]),
        **extra,
    )

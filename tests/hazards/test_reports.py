"""Hazard reports: filing, coordinates, routing, duplicates, workflow with notes the reporter sees."""

import pytest
from django.core.exceptions import ValidationError

from tests.appeals.helpers import JPEG, key, upload, worker
from xinye.accounts.permissions import system_actor
from xinye.core.errors import OutOfScope, Refused
from xinye.core.geo import wgs84_to_gcj02
from xinye.hazards import services
from xinye.hazards.choices import CloseReason, HazardStatus
from xinye.hazards.models import HazardReport

SYS = system_actor("test")
LAT, LNG = 43.6172, 122.2630  # 科尔沁区


def test_submit_is_idempotent_and_stores_wgs84(world):
    w = worker()
    glat, glng = wgs84_to_gcj02(LAT, LNG)
    k = key()
    r = services.submit_report(
        worker=w,
        category="manhole",
        description="井盖不见了",
        latitude=glat,
        longitude=glng,
        coord_system="gcj02",
        photo=upload(JPEG, "m.jpg"),
        idempotency_key=k,
    )
    again = services.submit_report(
        worker=w,
        category="manhole",
        description="井盖不见了",
        latitude=glat,
        longitude=glng,
        coord_system="gcj02",
        idempotency_key=k,
    )
    assert r.pk == again.pk and HazardReport.objects.filter(idempotency_key=k).count() == 1
    assert abs(r.latitude - LAT) < 1e-6 and abs(r.longitude - LNG) < 1e-6
    assert r.coord_source == "gcj02"
    assert r.photo.name.endswith(".jpg")
    assert r.status == HazardStatus.OPEN
    assert "已收到" in r.timeline()[0][1]


def test_routing_by_category_and_place(world):
    w = worker("street-kailu-1-c2")
    road = services.submit_report(
        worker=w,
        category="road_damage",
        description="路面塌陷一个坑",
        latitude=LAT,
        longitude=LNG,
        idempotency_key=key(),
    )
    assert road.unit.code == "dept-transport"
    fire = services.submit_report(
        worker=w,
        category="fire",
        description="楼道堆放杂物堵住消防通道",
        latitude=LAT,
        longitude=LNG,
        idempotency_key=key(),
    )
    assert fire.unit.kind == "community"


def test_bad_input_messages(world):
    w = worker()
    with pytest.raises(ValidationError, match="不支持的坐标系"):
        services.submit_report(
            worker=w,
            category="fire",
            description="有隐患",
            latitude=LAT,
            longitude=LNG,
            coord_system="mercator",
            idempotency_key=key(),
        )
    with pytest.raises(ValidationError, match="不是 JPEG"):
        services.submit_report(
            worker=w,
            category="fire",
            description="有隐患",
            latitude=LAT,
            longitude=LNG,
            photo=upload(b"%PDF-1.4" + b"\x00" * 20, "x.jpg"),
            idempotency_key=key(),
        )


def test_duplicates_within_50m_same_category_open(world):
    w = worker()
    a = services.submit_report(
        worker=w,
        category="lights",
        description="路灯不亮",
        latitude=LAT,
        longitude=LNG,
        idempotency_key=key(),
    )
    near = services.submit_report(
        worker=w,
        category="lights",
        description="这里路灯坏了",
        latitude=LAT + 0.0003,
        longitude=LNG,
        idempotency_key=key(),
    )  # ~33 m north
    far = services.submit_report(
        worker=w,
        category="lights",
        description="另一处路灯",
        latitude=LAT + 0.001,
        longitude=LNG,
        idempotency_key=key(),
    )  # ~111 m
    other = services.submit_report(
        worker=w, category="fire", description="消防隐患", latitude=LAT, longitude=LNG, idempotency_key=key()
    )
    found = [r for r, _d in services.duplicates_of(near)]
    assert a in found and far not in found and other not in found
    services.close_report(a, reason=CloseReason.FIXED, note="已更换灯泡", actor=SYS)
    assert a not in [r for r, _d in services.duplicates_of(near)]


def test_workflow_and_notes_the_reporter_sees(world):
    staff = world["users"]["community_admin"]
    w = worker()
    r = services.submit_report(
        worker=w,
        category="sanitation",
        description="垃圾堆积",
        latitude=LAT,
        longitude=LNG,
        idempotency_key=key(),
    )
    other = services.submit_report(
        worker=w,
        category="sanitation",
        description="垃圾很多",
        latitude=LAT,
        longitude=LNG,
        idempotency_key=key(),
    )
    r.unit = other.unit = world["units"]["street-kerqin-1-c1"]
    r.save()
    other.save()
    services.set_status(r, HazardStatus.ACKNOWLEDGED, actor=staff)
    services.set_status(r, HazardStatus.IN_PROGRESS, actor=staff, note="已通知环卫")
    services.add_note(r, actor=staff, note="内部：联系物业", public=False)
    services.close_report(r, actor=staff, reason=CloseReason.FIXED, note="已清运")
    texts = [t for _at, t in r.timeline()]
    assert texts[1:] == ["已确认，将安排处理", "正在处理：已通知环卫", "已关闭（已处理）：已清运"]
    with pytest.raises(Refused, match="须指明与哪一条重复"):
        services.close_report(other, actor=staff, reason=CloseReason.DUPLICATE)
    services.close_report(other, actor=staff, reason=CloseReason.DUPLICATE, duplicate_of=r)
    assert other.duplicate_of == r
    with pytest.raises(Refused, match="不能转为"):
        services.set_status(other, HazardStatus.IN_PROGRESS, actor=staff)


def test_out_of_scope_staff_cannot_change(world):
    r = services.submit_report(
        worker=worker("street-naiman-1-c1"),
        category="fire",
        description="电动车楼道充电",
        latitude=LAT,
        longitude=LNG,
        idempotency_key=key(),
    )
    r.unit = world["units"]["street-naiman-1-c1"]
    r.save()
    with pytest.raises(OutOfScope):
        services.set_status(r, HazardStatus.ACKNOWLEDGED, actor=world["users"]["community_admin"])


def test_anonymise_keeps_report_without_person(world):
    w = worker()
    r = services.submit_report(
        worker=w, category="fire", description="隐患", latitude=LAT, longitude=LNG, idempotency_key=key()
    )
    assert services.anonymise_worker(worker=w) == 1
    r.refresh_from_db()
    assert r.worker is None


def test_rate_limit_on_reports(world, settings):
    settings.XINYE_HAZARD_RATE_LIMIT = (2, 3600)
    w = worker()
    for _ in range(2):
        services.submit_report(
            worker=w, category="fire", description="隐患", latitude=LAT, longitude=LNG, idempotency_key=key()
        )
    with pytest.raises(ValidationError, match="提交过于频繁"):
        services.submit_report(
            worker=w, category="fire", description="隐患", latitude=LAT, longitude=LNG, idempotency_key=key()
        )


def test_console_pages(world, client_for):
    from django.urls import reverse

    r = services.submit_report(
        worker=worker(),
        category="fire",
        description="楼道堆物",
        latitude=LAT,
        longitude=LNG,
        idempotency_key=key(),
    )
    r.unit = world["units"]["street-kerqin-1-c1"]
    r.save()
    dup = services.submit_report(
        worker=worker(),
        category="fire",
        description="楼道堆了很多东西",
        latitude=LAT + 0.0001,
        longitude=LNG,
        idempotency_key=key(),
    )
    c = client_for("community_admin")
    page = c.get(reverse("admin:hazards_hazardreport_change", args=[r.pk]))
    assert page.status_code == 200 and f"#{dup.pk}" in page.content.decode()
    url = reverse("hazards:work", args=[r.pk])
    assert c.get(url).status_code == 200
    c.post(url, {"action": "acknowledged", "text": "马上处理"})
    c.post(url, {"action": "close", "reason": "duplicate", "duplicate_of": dup.pk, "text": ""})
    r.refresh_from_db()
    assert r.status == HazardStatus.CLOSED and r.duplicate_of == dup
    assert client_for("community_admin").get(reverse("hazards:work", args=[dup.pk])).status_code in (200, 404)


def test_routed_to_the_nearest_stations_community(world):
    from tests.stations.factories import make_station

    near = world["units"]["street-kulun-1-c2"]
    far = world["units"]["street-kulun-2-c1"]
    make_station(near, lat=42.7350, lng=121.7760)
    make_station(far, lat=42.80, lng=121.90)
    r = services.submit_report(
        worker=worker("street-kerqin-1-c1"),
        category="sanitation",
        description="垃圾堆积",
        latitude=42.7352,
        longitude=121.7761,
        idempotency_key=key(),
    )
    assert r.unit == near and r.region == near.region

"""Demo personal services: in every county a 红色教育 site with two coming sessions, a 子女入学 contact with
its rules, a 法律援助 point at a station with its on-duty times, a 心理辅导 hotline, and a job posting with a
job fair — the legal-aid points and red-education sites held at the county's stations. A few demo workers
signed up. Deterministic; idempotent."""

import datetime

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.care import services
from xinye.care.models import ServiceOffer, ServiceSession
from xinye.demo.orgs import COUNTIES
from xinye.orgs.models import OrgUnit
from xinye.stations.choices import StationStatus
from xinye.stations.models import Station

ACTOR = system_actor("demo")
# Real memorial sites of 通辽 where there is one; elsewhere the county's own party-history base.
RED_SITES = {"150502": "通辽市革命烈士陵园", "150523": "麦新纪念馆"}


def _catalogue(code: str, county: str) -> list[dict]:
    return [
        {
            "kind": "red_education",
            "title": RED_SITES.get(code, f"{county}党史教育基地"),
            "hours": "周二至周日 9:00-16:30（周一闭馆）",
            "details": "面向快递员、外卖骑手、网约车司机的主题党日和红色教育，讲解员带领参观，约 2 小时。",
            "contact": "宣教部",
            "phone": "0475-8210" + code[-3:],
            "at_station": 0,
            "sessions": [(6, 9, "基地东门集合"), (13, 14, "基地东门集合")],
        },
        {
            "kind": "school",
            "title": f"{county}新就业形态劳动者子女入学服务",
            "hours": "工作日 8:30-12:00，14:30-17:30",
            "details": "凭居住证、劳动合同或平台在岗证明，随迁子女按“相对就近”原则在居住地入学；"
            "每年 6 月集中登记，8 月公布学校，插班生随时咨询。",
            "contact": "教育局基础教育股",
            "phone": "0475-8230" + code[-3:],
        },
        {
            "kind": "legal_aid",
            "title": f"{county}小哥法律援助工作站",
            "hours": "周三、周六 14:00-17:00 律师驻站值班；12348 全天热线",
            "details": "欠薪、工伤、交通事故、平台处罚申诉的免费法律咨询和法律援助申请，当场受理。",
            "contact": "值班律师",
            "phone": "12348",
            "at_station": 1,
        },
        {
            "kind": "counselling",
            "title": f"{county}心理援助热线与驿站心理咨询",
            "hours": "热线 24 小时；驿站咨询每月第一个周五 15:00-18:00",
            "details": "压力疏导、情绪困扰、家庭矛盾，专职心理咨询师一对一，严格保密。",
            "contact": "心理咨询师",
            "phone": "12356",
        },
        {
            "kind": "jobs",
            "title": f"{county}新业态岗位招聘会",
            "hours": "岗位信息每周一更新",
            "details": "配送站长、分拣员、货车司机、网约车司机等岗位，现场签约；另有技能培训报名。",
            "contact": "人社局就业服务中心",
            "phone": "0475-8250" + code[-3:],
            "sessions": [(10, 9, "县人力资源市场一楼大厅")],
        },
    ]


def load(world: dict) -> None:
    if ServiceOffer.objects.filter(title=RED_SITES["150502"]).exists():
        return
    today = timezone.localdate()
    now = timezone.localtime()
    sessions = []
    for code, county, _level, slug in COUNTIES:
        owner = OrgUnit.objects.get(code=f"lxgw-{slug}")
        stations = list(
            Station.objects.filter(region_id=code, status=StationStatus.OPEN).order_by("code")[:2]
        )
        for spec in _catalogue(code, county):
            index = spec.pop("at_station", None)
            station = stations[index % len(stations)] if index is not None and stations else None
            dates = spec.pop("sessions", [])
            offer = services.save_offer(
                ServiceOffer(
                    unit=station.unit if station is not None else owner,
                    station=station,
                    address=station.address if station is not None else f"{county}人民政府政务服务中心",
                    valid_from=today.replace(month=1, day=1),
                    valid_until=today.replace(month=12, day=31) + datetime.timedelta(days=365),
                    **spec,
                ),
                actor=ACTOR,
            )
            for days, hour, place in dates:
                start = (now + datetime.timedelta(days=days)).replace(
                    hour=hour, minute=0, second=0, microsecond=0
                )
                sessions.append(
                    services.save_session(
                        ServiceSession(
                            offer=offer,
                            starts_at=start,
                            ends_at=start + datetime.timedelta(hours=2),
                            place=place,
                            capacity=30,
                        ),
                        actor=ACTOR,
                    )
                )
    workers = [w for w in (world.get("demo_workers") or world.get("workers") or []) if w.region_id]
    for w in workers[:12]:
        mine = [s for s in sessions if s.offer.region_id == w.region_id]
        if mine:
            services.sign_up(mine[0], worker=w)

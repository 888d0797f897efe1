"""The 通辽 organisation structure (domain.md pillar 1). Idempotent: units are keyed by code.

The 53 行业党建办 spread (9 county-level units × 5 industries = 45, plus 8 area offices where riders and
couriers concentrate):
- every county-level unit has one office per industry (45);
- 科尔沁区, the urban core, splits 外卖骑手, 快递 and 物流 into 东片/西片 (+3 offices) and 外卖骑手 again
  into 城北片 (+1);
- 霍林郭勒市 splits 外卖骑手 and 快递 by 片区 (+2);
- 通辽经济技术开发区 has a second 物流 office for its logistics park (+1);
- 开鲁县 has a second 大货车（网约车） office for its freight yard (+1).
"""

from xinye.accounts.permissions import system_actor
from xinye.core.choices import Industry
from xinye.orgs import services
from xinye.orgs.choices import RegionLevel, UnitKind
from xinye.orgs.models import OrgUnit, Region

ACTOR = system_actor("demo")

CITY = "150500"
COUNTIES = [
    ("150502", "科尔沁区", RegionLevel.COUNTY, "kerqin"),
    ("150521", "科尔沁左翼中旗", RegionLevel.COUNTY, "kzzq"),
    ("150522", "科尔沁左翼后旗", RegionLevel.COUNTY, "kzhq"),
    ("150523", "开鲁县", RegionLevel.COUNTY, "kailu"),
    ("150524", "库伦旗", RegionLevel.COUNTY, "kulun"),
    ("150525", "奈曼旗", RegionLevel.COUNTY, "naiman"),
    ("150526", "扎鲁特旗", RegionLevel.COUNTY, "zalute"),
    ("150581", "霍林郭勒市", RegionLevel.COUNTY, "hlgl"),
    ("150571", "通辽经济技术开发区", RegionLevel.ZONE, "kfq"),
]
COUNTY_SLUG = {code: slug for code, _n, _l, slug in COUNTIES}

INDUSTRY_COMMITTEE_NAMES = {
    Industry.INTERNET: "通辽市互联网行业党委",
    Industry.DELIVERY: "通辽市外卖骑手行业党委",
    Industry.EXPRESS: "通辽市快递行业党委",
    Industry.FREIGHT: "通辽市大货车（网约车）行业党委",
    Industry.LOGISTICS: "通辽市物流行业党委",
}
SHORT = {
    Industry.INTERNET: "互联网",
    Industry.DELIVERY: "外卖骑手",
    Industry.EXPRESS: "快递",
    Industry.FREIGHT: "大货车（网约车）",
    Industry.LOGISTICS: "物流",
}
# (county code, industry, area name) — the 8 extra area offices described above.
EXTRA_OFFICES = [
    ("150502", Industry.DELIVERY, "东片"),
    ("150502", Industry.EXPRESS, "东片"),
    ("150502", Industry.LOGISTICS, "东片"),
    ("150502", Industry.DELIVERY, "城北片"),
    ("150581", Industry.DELIVERY, "二片"),
    ("150581", Industry.EXPRESS, "二片"),
    ("150571", Industry.LOGISTICS, "物流园区"),
    ("150523", Industry.FREIGHT, "货运场站"),
]
# 行业主管部门, each leading one industry's 分块负责.
DEPARTMENTS = [
    ("dept-transport", "通辽市交通运输局", Industry.FREIGHT),
    ("dept-post", "通辽市邮政管理局", Industry.EXPRESS),
    ("dept-commerce", "通辽市商务局", Industry.LOGISTICS),
    ("dept-market", "通辽市市场监督管理局", Industry.DELIVERY),
    ("dept-cac", "中共通辽市委网络安全和信息化委员会办公室", Industry.INTERNET),
]
DEPARTMENT_FOR_INDUSTRY = {industry: code for code, _name, industry in DEPARTMENTS}
MASS_ORGS = [
    ("mass-union", "通辽市总工会"),
    ("mass-youth", "共青团通辽市委"),
    ("mass-women", "通辽市妇女联合会"),
]
STREETS = {
    "150502": ["科尔沁街道", "明仁街道", "施介街道", "永清街道", "红星街道", "西门街道"],
    "150521": ["保康镇", "花吐古拉镇"],
    "150522": ["甘旗卡镇", "吉尔嘎朗镇"],
    "150523": ["开鲁镇", "东风镇"],
    "150524": ["库伦镇", "额勒顺镇"],
    "150525": ["大沁他拉镇", "八仙筒镇"],
    "150526": ["鲁北镇", "巨日合镇"],
    "150581": ["珠斯花街道", "沙尔呼热街道"],
    "150571": ["辽河镇", "木里图镇"],
}
COMMUNITY_NAMES = [
    "和平",
    "团结",
    "建国",
    "民主",
    "胜利",
    "新华",
    "幸福",
    "光明",
    "育新",
    "永安",
    "东升",
    "西苑",
    "南湖",
    "北站",
    "朝阳",
    "文化",
    "康乐",
    "富民",
    "安居",
    "兴隆",
]


def _unit(code, name, kind, region, parent=None, industry="", answers_to=None, sort=0) -> OrgUnit:
    """Create or refresh a unit through the orgs services (keyed by code, so the loader is idempotent)."""
    fields = {
        "code": code,
        "name": name,
        "kind": kind,
        "region_id": region.pk,
        "parent_id": parent.pk if parent else None,
        "industry": industry,
        "answers_to_id": answers_to.pk if answers_to else None,
        "sort": sort,
    }
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        return services.create_unit(actor=ACTOR, **fields)
    if any(getattr(unit, key) != value for key, value in fields.items()):
        return services.update_unit(unit, actor=ACTOR, **fields)
    return unit


def load_regions() -> dict[str, Region]:
    province, _ = services.save_region("150000", actor=ACTOR, name="内蒙古自治区", level=RegionLevel.PROVINCE)
    city, _ = services.save_region(
        CITY, actor=ACTOR, name="通辽市", level=RegionLevel.CITY, parent_id=province.pk
    )
    regions = {CITY: city}
    for code, name, level, _slug in COUNTIES:
        regions[code], _ = services.save_region(
            code,
            actor=ACTOR,
            name=name,
            level=level,
            parent_id=city.pk,
            is_functional_zone=level == RegionLevel.ZONE,
        )
    return regions


def load(world: dict) -> None:
    regions = load_regions()
    city = regions[CITY]
    root = _unit("tl-zzb", "中共通辽市委组织部", UnitKind.ORG_DEPARTMENT, city)
    city_wc = _unit("tl-lxgw", "通辽市两新工委", UnitKind.WORK_COMMITTEE, city, parent=root)
    committees = {}
    for i, (industry, name) in enumerate(INDUSTRY_COMMITTEE_NAMES.items()):
        committees[industry] = _unit(
            f"hydw-{industry}",
            name,
            UnitKind.INDUSTRY_COMMITTEE,
            city,
            parent=city_wc,
            industry=industry,
            sort=i,
        )
    departments = {}
    for i, (code, name, industry) in enumerate(DEPARTMENTS):
        departments[code] = _unit(
            code, name, UnitKind.DEPARTMENT, city, parent=city_wc, industry=industry, sort=10 + i
        )
    mass = {
        code: _unit(code, name, UnitKind.MASS_ORG, city, parent=city_wc, sort=20 + i)
        for i, (code, name) in enumerate(MASS_ORGS)
    }

    county_wcs, offices, streets, communities = {}, [], {}, {}
    for ci, (code, name, _level, slug) in enumerate(COUNTIES):
        region = regions[code]
        wc = _unit(
            f"lxgw-{slug}", f"{name}两新工委", UnitKind.WORK_COMMITTEE, region, parent=city_wc, sort=100 + ci
        )
        county_wcs[code] = wc
        for ii, industry in enumerate(Industry.values):
            offices.append(
                _unit(
                    f"djb-{slug}-{industry}",
                    f"{name}{SHORT[industry]}行业党建办",
                    UnitKind.INDUSTRY_OFFICE,
                    region,
                    parent=wc,
                    industry=industry,
                    answers_to=committees[industry],
                    sort=ii,
                )
            )
        for si, street_name in enumerate(STREETS[code]):
            street = _unit(
                f"street-{slug}-{si + 1}",
                f"{name}{street_name}",
                UnitKind.STREET,
                region,
                parent=wc,
                sort=50 + si,
            )
            streets[street.code] = street
            per_street = 5 if code == "150502" else 4
            for k in range(per_street):
                cname = COMMUNITY_NAMES[(si * per_street + k + ci * 3) % len(COMMUNITY_NAMES)]
                community = _unit(
                    f"{street.code}-c{k + 1}",
                    f"{street_name}{cname}社区",
                    UnitKind.COMMUNITY,
                    region,
                    parent=street,
                    sort=k,
                )
                communities[community.code] = community
    for code, industry, area in EXTRA_OFFICES:
        slug = COUNTY_SLUG[code]
        name = dict((c, n) for c, n, _l, _s in COUNTIES)[code]
        offices.append(
            _unit(
                f"djb-{slug}-{industry}-{area}",
                f"{name}{SHORT[industry]}行业党建办（{area}）",
                UnitKind.INDUSTRY_OFFICE,
                regions[code],
                parent=county_wcs[code],
                industry=industry,
                answers_to=committees[industry],
                sort=9,
            )
        )
    world.update(
        {
            "regions": regions,
            "root": root,
            "city_wc": city_wc,
            "committees": committees,
            "departments": departments,
            "mass_orgs": mass,
            "county_wcs": county_wcs,
            "offices": offices,
            "streets": streets,
            "communities": communities,
        }
    )

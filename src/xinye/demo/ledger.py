"""The 通辽 survey ledger of the seed, synthetic but realistic, reproducing its figures exactly:
310 enterprises, 10,381 practitioners, 350 party members, 53 party organisations (1 党委 + 52 党支部, some of
them 联合党支部), 50 党建指导员, 179 驻企联络员 and 100 % work coverage.

Deterministic (random.Random(SEED), fixed reference date) and idempotent: a second run finds the enterprises
by their credit codes and only refills `world`.
"""

import datetime
import random
from collections import defaultdict

from django.db import transaction

from xinye.accounts.permissions import system_actor
from xinye.audit.services import record_bulk, snapshot
from xinye.core.choices import Industry
from xinye.demo.orgs import COUNTIES, DEPARTMENT_FOR_INDUSTRY, STREETS
from xinye.ledger import signals
from xinye.ledger.choices import EnterpriseType, Occupation, PoliticalStatus
from xinye.ledger.models import Enterprise, PartyMember, PartyOrganisation, Practitioner
from xinye.orgs.choices import ResponsibilityRole, UnitKind
from xinye.orgs.models import OrgUnit

# Everything the demo writes through the services is written as the demo, which the change log names.
DEMO = system_actor("demo")
SEED = 20260415
REFERENCE_DATE = datetime.date(2026, 6, 30)  # ages 18–58 on this date; keeps every demo identical

TOTAL_ENTERPRISES = 310
TOTAL_PRACTITIONERS = 10_381
TOTAL_MEMBERS = 350
TOTAL_INSTRUCTORS = 50
TOTAL_LIAISONS = 179
INDEPENDENT_BRANCHES = 44  # + 1 党委 + JOINT_BRANCHES 联合党支部 = 53 organisations, 52 of them 党支部
JOINT_BRANCHES = 8

# Enterprises per county-level unit (科尔沁区, the urban core, the largest).
COUNTY_ENTERPRISES = {
    "150502": 110,
    "150521": 28,
    "150522": 24,
    "150523": 30,
    "150524": 14,
    "150525": 28,
    "150526": 22,
    "150581": 30,
    "150571": 24,
}
# Industry shares (riders and couriers the largest).
INDUSTRY_SHARE = {
    Industry.EXPRESS: 0.32,
    Industry.DELIVERY: 0.30,
    Industry.LOGISTICS: 0.15,
    Industry.FREIGHT: 0.13,
    Industry.INTERNET: 0.10,
}
# County seats, WGS-84 (lat, lon) and the scatter (degrees) of sites around them.
COUNTY_CENTRE = {
    "150502": (43.6172, 122.2632, 0.045),
    "150521": (44.1273, 123.3129, 0.02),
    "150522": (42.9460, 122.3564, 0.02),
    "150523": (43.6029, 121.3192, 0.02),
    "150524": (42.7344, 121.7736, 0.015),
    "150525": (42.8450, 120.6583, 0.02),
    "150526": (44.5550, 120.9110, 0.02),
    "150581": (45.5328, 119.6637, 0.02),
    "150571": (43.5870, 122.3560, 0.03),
}
# 哲里木盟 codes (before 1999) for the same places; many people born before 1999 still carry them.
OLD_CODES = {
    "150502": "152301",
    "150521": "152322",
    "150522": "152323",
    "150523": "152324",
    "150524": "152325",
    "150525": "152326",
    "150526": "152327",
    "150581": "152302",
    "150571": "152301",
}
MIGRANT_CODES = ["150404", "150402", "152201", "152222", "220702", "220181", "210902", "210881", "150102"]
ROADS = [
    "建国路",
    "霍林河大街",
    "和平路",
    "西拉木伦大街",
    "民主路",
    "永清大街",
    "胜利路",
    "科尔沁大街",
    "明仁大街",
    "交通路",
    "新工二路",
    "红星大街",
    "滨河大道",
    "创业大道",
]
BRANDS = {
    Industry.DELIVERY: [
        ("美团外卖", "{c}{a}配送站", EnterpriseType.SITE),
        ("饿了么", "{c}{a}蜂鸟配送站", EnterpriseType.SITE),
        ("美团外卖", "{c}{a}众包服务站", EnterpriseType.SITE),
        ("闪送", "{c}{a}服务点", EnterpriseType.SITE),
    ],
    Industry.EXPRESS: [
        ("顺丰速运", "{c}{a}营业部", EnterpriseType.OUTLET),
        ("中通快递", "{c}{a}网点", EnterpriseType.OUTLET),
        ("圆通速递", "{c}{a}网点", EnterpriseType.OUTLET),
        ("韵达快递", "{c}{a}网点", EnterpriseType.OUTLET),
        ("申通快递", "{c}{a}网点", EnterpriseType.OUTLET),
        ("京东物流", "{c}{a}营业部", EnterpriseType.OUTLET),
        ("中国邮政", "{c}{a}揽投部", EnterpriseType.OUTLET),
        ("极兔速递", "{c}{a}网点", EnterpriseType.OUTLET),
    ],
    Industry.FREIGHT: [
        ("货拉拉", "{c}{a}车队", EnterpriseType.FLEET),
        ("满帮", "{c}{a}司机之家车队", EnterpriseType.FLEET),
        ("滴滴出行", "{c}{a}服务站", EnterpriseType.PLATFORM),
        ("", "{c}{a}运输有限公司", EnterpriseType.FLEET),
    ],
    Industry.LOGISTICS: [
        ("", "{c}{a}物流园", EnterpriseType.WAREHOUSE),
        ("", "{c}{a}仓储物流有限公司", EnterpriseType.WAREHOUSE),
        ("", "{c}{a}供应链管理有限公司", EnterpriseType.WAREHOUSE),
        ("", "{c}{a}城乡配送有限公司", EnterpriseType.FLEET),
    ],
    Industry.INTERNET: [
        ("", "{c}{a}直播电商基地", EnterpriseType.STUDIO),
        ("", "{c}{a}网络科技有限公司", EnterpriseType.STUDIO),
        ("", "{c}{a}电子商务产业园", EnterpriseType.STUDIO),
        ("", "{c}{a}文化传媒有限公司", EnterpriseType.STUDIO),
    ],
}
# Place-flavoured words for enterprise names: the county's own streets and towns, plus generic parts of town.
AREA_WORDS = ["东城", "西城", "城北", "城南", "新城", "站前", "工业园", "火车站", "东郊", "河西"]


def area_words(county: str) -> list[str]:
    own = [s.removesuffix("街道").removesuffix("镇") for s in STREETS[county]]
    return [w for w in own if w not in COUNTY_SHORT[county]] + AREA_WORDS


COUNTY_SHORT = {
    "150502": "科尔沁",
    "150521": "科左中旗",
    "150522": "科左后旗",
    "150523": "开鲁",
    "150524": "库伦",
    "150525": "奈曼",
    "150526": "扎鲁特",
    "150581": "霍林郭勒",
    "150571": "开发区",
}
STAFF_RANGE = {
    Industry.DELIVERY: (18, 75),
    Industry.EXPRESS: (12, 60),
    Industry.FREIGHT: (15, 55),
    Industry.LOGISTICS: (12, 45),
    Industry.INTERNET: (10, 35),
}
OCCUPATIONS = {
    Industry.DELIVERY: [(Occupation.RIDER, 90), (Occupation.DISPATCHER, 6), (Occupation.OFFICE, 4)],
    Industry.EXPRESS: [
        (Occupation.COURIER, 75),
        (Occupation.WAREHOUSE, 17),
        (Occupation.DISPATCHER, 4),
        (Occupation.OFFICE, 4),
    ],
    Industry.FREIGHT: [
        (Occupation.TRUCK_DRIVER, 60),
        (Occupation.RIDE_DRIVER, 32),
        (Occupation.DISPATCHER, 4),
        (Occupation.OFFICE, 4),
    ],
    Industry.LOGISTICS: [
        (Occupation.WAREHOUSE, 50),
        (Occupation.TRUCK_DRIVER, 30),
        (Occupation.DISPATCHER, 8),
        (Occupation.OFFICE, 12),
    ],
    Industry.INTERNET: [(Occupation.STREAMER, 55), (Occupation.OFFICE, 35), (Occupation.WAREHOUSE, 10)],
}
EDUCATION = [
    ("junior", 30),
    ("senior", 38),
    ("college", 20),
    ("bachelor", 10),
    ("primary", 1),
    ("postgrad", 1),
]
HAN_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
HAN_GIVEN_M = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
HAN_GIVEN_F = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
MONGOLIAN_SURNAMES = "包白宝韩吴陈胡孟敖鲍金乌何梁"
MONGOLIAN_GIVEN_M = [
    "巴特尔",
    "额尔敦",
    "苏和",
    "那仁",
    "阿拉坦",
    "宝音",
    "朝鲁",
    "哈斯",
    "满都拉",
    "孟和",
    "乌力吉",
    "巴雅尔",
    "特木尔",
    "额尔德木图",
    "图门",
    "毕力格",
    "吉日嘎拉",
    "达来",
    "布和",
    "巴图",
    "德力格尔",
    "铁木尔",
    "斯日古楞",
    "宝力道",
]
MONGOLIAN_GIVEN_F = [
    "乌日娜",
    "其其格",
    "斯琴",
    "图雅",
    "萨仁",
    "乌云",
    "娜仁",
    "高娃",
    "其木格",
    "琪琪格",
    "塔娜",
    "阿茹娜",
    "苏日娜",
    "格日乐",
    "萨日娜",
    "敖登",
    "乌兰",
    "托娅",
    "吉雅",
    "额尔敦其木格",
]
PHONE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184",
    "185", "186", "187", "188", "189", "191", "193", "198", "199",
]  # fmt: skip
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# --- identifiers ---


def org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714): 8 digits and its check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc_for(rng: random.Random, county: str) -> str:
    """A unified social credit code (GB 32100): 9 工商 + 1/2 企业/个体 + county code + org code + check."""
    from stdnum.cn import uscc

    body = "9" + rng.choice("1112") + county + org_code(rng)
    return body + uscc.calc_check_digit(body)


def id_number(rng: random.Random, code: str, birth: datetime.date, male: bool) -> str:
    """A resident ID (GB 11643): address, birth date, order (odd = male), check character."""
    from stdnum.cn import ric

    order = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{code}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check character


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def person(rng: random.Random, county: str, *, min_age=18, max_age=58, mongolian_share=0.25, male_share=0.8):
    """Name, ethnicity, gender, ID number of one synthetic person of this county."""
    male = rng.random() < male_share
    age_days = rng.randrange(min_age * 365 + 5, max_age * 365 + 300)
    birth = REFERENCE_DATE - datetime.timedelta(days=age_days)
    r = rng.random()
    if r < mongolian_share:
        ethnicity = "蒙古族"
    elif r < mongolian_share + 0.02:
        ethnicity = "满族"
    elif r < mongolian_share + 0.03:
        ethnicity = "回族"
    else:
        ethnicity = "汉族"
    if ethnicity == "蒙古族" and rng.random() < 0.55:
        given = rng.choice(MONGOLIAN_GIVEN_M if male else MONGOLIAN_GIVEN_F)
        name = given if rng.random() < 0.5 else rng.choice(MONGOLIAN_SURNAMES) + given
    else:
        surname = rng.choice(MONGOLIAN_SURNAMES) if ethnicity == "蒙古族" else rng.choice(HAN_SURNAMES)
        pool = HAN_GIVEN_M if male else HAN_GIVEN_F
        name = surname + "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))
    r = rng.random()
    if r < 0.08:
        code = rng.choice(MIGRANT_CODES)
    elif birth.year < 1999 and r < 0.45:
        code = OLD_CODES[county]
    elif county == "150571":
        code = "150571" if birth.year >= 2000 and r < 0.6 else "150502"
    else:
        code = county
    return {
        "name": name,
        "ethnicity": ethnicity,
        "male": male,
        "id_number": id_number(rng, code, birth, male),
    }


# --- the plan (pure, deterministic) ---


def largest_remainder(total: int, shares: dict) -> dict:
    raw = {k: total * v / sum(shares.values()) for k, v in shares.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = total - sum(out.values())
    for k in sorted(raw, key=lambda k: (-(raw[k] - out[k]), str(k)))[:rest]:
        out[k] += 1
    return out


def plan_enterprises(rng: random.Random) -> list[dict]:
    rows = []
    used_names = set()
    for county, count in COUNTY_ENTERPRISES.items():
        per_industry = largest_remainder(count, INDUSTRY_SHARE)
        lat0, lon0, spread = COUNTY_CENTRE[county]
        streets = STREETS[county]
        for industry, n in per_industry.items():
            for _ in range(n):
                for _attempt in range(50):
                    brand, pattern, etype = rng.choice(BRANDS[industry])
                    area = rng.choice(area_words(county))
                    cshort = COUNTY_SHORT[county]
                    if brand:
                        name = f"{brand}{cshort}{area}" + pattern.format(c="", a="").lstrip()
                    else:
                        prefix = "通辽" if county in ("150502", "150571") else ""
                        name = pattern.format(c=prefix + cshort, a=area)
                    if name not in used_names:
                        break
                used_names.add(name)
                street_index = rng.randrange(len(streets))
                rows.append(
                    {
                        "name": name,
                        "county": county,
                        "industry": industry,
                        "enterprise_type": etype,
                        "uscc": uscc_for(rng, county),
                        "street_index": street_index,
                        "address": f"{streets[street_index]}{rng.choice(ROADS)}{rng.randrange(1, 399)}号",
                        "latitude": round(lat0 + rng.uniform(-spread, spread), 6),
                        "longitude": round(lon0 + rng.uniform(-spread, spread) * 1.3, 6),
                        "weight": rng.uniform(*STAFF_RANGE[industry]),
                    }
                )
    assert len(rows) == TOTAL_ENTERPRISES
    # Staff: weights scaled to exactly 10,381, each site ≥ 10 (摸排 scope).
    scale = (TOTAL_PRACTITIONERS - 10 * len(rows)) / sum(r["weight"] for r in rows)
    raw = [r["weight"] * scale for r in rows]
    counts = [10 + int(x) for x in raw]
    rest = TOTAL_PRACTITIONERS - sum(counts)
    for i in sorted(range(len(rows)), key=lambda i: (-(raw[i] - int(raw[i])), i))[:rest]:
        counts[i] += 1
    for row, n in zip(rows, counts, strict=True):
        row["staff"] = n
    return rows


def plan_organisations(rng: random.Random, rows: list[dict]) -> dict:
    """Which enterprises have their own organisation, which sit in which joint branch, how many members each."""
    order = sorted(range(len(rows)), key=lambda i: -rows[i]["staff"])
    committee = order[0]
    # Own branches: the larger sites, spread over counties in proportion.
    own = []
    quota = largest_remainder(INDEPENDENT_BRANCHES, COUNTY_ENTERPRISES)
    for i in order[1:]:
        county = rows[i]["county"]
        if quota[county] > 0:
            own.append(i)
            quota[county] -= 1
    taken = {committee, *own}
    # Joint branches: neighbours of the same county and related industry (地域相邻、行业相近), 3–4 units each.
    joint_counties = ["150502", "150502", "150502", "150571", "150523", "150525", "150581", "150521"]
    groups = []
    for county in joint_counties:
        pool = [i for i in range(len(rows)) if rows[i]["county"] == county and i not in taken]
        seed = rng.choice(pool)
        lat, lon = rows[seed]["latitude"], rows[seed]["longitude"]
        related = {rows[seed]["industry"]}
        if rows[seed]["industry"] in (Industry.EXPRESS, Industry.LOGISTICS):
            related |= {Industry.EXPRESS, Industry.LOGISTICS}
        near = sorted(
            (i for i in pool if i != seed and rows[i]["industry"] in related),
            key=lambda i: (rows[i]["latitude"] - lat) ** 2 + (rows[i]["longitude"] - lon) ** 2,
        )
        group = [seed, *near[: rng.choice((2, 3, 3))]]
        groups.append(group)
        taken |= set(group)
    members = [0] * len(rows)
    full = [0] * len(rows)
    members[committee], full[committee] = 40, 35
    for i in own:
        n = rng.randint(3, 6)
        members[i], full[i] = n, max(3, n - rng.choice((0, 0, 1)))
    for group in groups:
        while True:
            counts = [rng.choice((1, 1, 2)) for _ in group]
            if sum(counts) >= 3:
                break
        for i, n in zip(group, counts, strict=True):
            members[i], full[i] = n, n
    # 应建尽建 candidates the coverage engine should find: ≥ 3 full members, no organisation yet.
    rest_pool = [i for i in order if i not in taken]
    candidates = rest_pool[:3]
    for i in candidates:
        members[i], full[i] = 3, 3
    remaining = TOTAL_MEMBERS - sum(members)
    assert remaining >= 0, remaining
    scattered = rest_pool[3:]
    rng.shuffle(scattered)
    k = 0
    while remaining > 0:
        i = scattered[k % len(scattered)]
        if members[i] < 2:
            members[i] += 1
            full[i] += 1 if rng.random() < 0.85 else 0
            remaining -= 1
        k += 1
    return {
        "committee": committee,
        "own": own,
        "groups": groups,
        "members": members,
        "full": full,
        "candidates": candidates,
    }


# --- loading ---


def _office(offices_by, county: str, industry: str, index: int) -> OrgUnit:
    options = offices_by[(county, industry)]
    return options[index % len(options)]


def _fill_world(world: dict, usccs: list[str]) -> None:
    from xinye.orgs.models import Agent

    by_uscc = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
    world["enterprises"] = [by_uscc[u] for u in usccs if u in by_uscc]
    world["agents"] = list(Agent.objects.filter(kind__in=["instructor", "liaison"]).order_by("pk"))
    world["instructors"] = [a for a in world["agents"] if a.kind == "instructor"]
    world["liaisons"] = [a for a in world["agents"] if a.kind == "liaison"]
    world["party_orgs"] = list(
        PartyOrganisation.objects.filter(enterprises__in=world["enterprises"])
        .select_related("unit")
        .distinct()
        .order_by("pk")
    )


def load(world: dict) -> None:
    rng = random.Random(SEED)
    rows = plan_enterprises(rng)
    usccs = [r["uscc"] for r in rows]
    if Enterprise.objects.filter(uscc__in=usccs).exists():
        _fill_world(world, usccs)
        return
    # One "enterprises changed" at the end rather than one per row written (whoever listens recomputes once).
    with transaction.atomic(), signals.batched():
        _load(world, rng, rows)
    _fill_world(world, usccs)


def _load(world: dict, rng: random.Random, rows: list[dict]) -> None:
    from xinye.ledger.services import (
        add_years,
        create_enterprise,
        create_party_organisation,
        set_committee,
        set_secretary,
    )
    from xinye.orgs.models import Agent
    from xinye.orgs.services import assign_responsibility

    regions = world["regions"]
    offices_by = defaultdict(list)
    for office in sorted(world["offices"], key=lambda o: (o.sort, o.code)):
        offices_by[(office.region_id, office.industry)].append(office)
    streets_by = {
        code: [world["streets"][f"street-{slug}-{i + 1}"] for i in range(len(STREETS[code]))]
        for code, _n, _l, slug in COUNTIES
    }
    communities_by_street = defaultdict(list)
    for community in sorted(world["communities"].values(), key=lambda c: c.code):
        communities_by_street[community.parent_id].append(community)

    # Enterprises (310): through the service one by one, so the change log has each creation.
    enterprises = []
    for idx, row in enumerate(rows):
        county = row["county"]
        legal = person(rng, county)["name"]  # drawn in this order: the seed gives the same ledger as before
        contact = person(rng, county)
        ent = create_enterprise(
            actor=DEMO,
            name=row["name"],
            uscc=row["uscc"],
            industry=row["industry"],
            enterprise_type=row["enterprise_type"],
            region=regions[county],
            unit=_office(offices_by, county, row["industry"], idx),
            address=row["address"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            staff_count=row["staff"],
            legal_representative=legal,
            contact_name=contact["name"],
            contact_phone=phone(rng),
        )
        enterprises.append(ent)

    plan = plan_organisations(rng, rows)

    # Practitioners (10,381): bulk, with the model's own derivations and the change log in bulk.
    seen = set()
    practitioners = []
    for idx, (row, ent) in enumerate(zip(rows, enterprises, strict=True)):
        county = row["county"]
        n_members, n_full = plan["members"][idx], plan["full"][idx]
        for k in range(row["staff"]):
            occupation = weighted(rng, OCCUPATIONS[row["industry"]])
            male_share = 0.55 if occupation in (Occupation.STREAMER, Occupation.OFFICE) else 0.9
            while True:
                # members are ≥ 23, so a full member joined at 18 or later and finished a year's probation
                who = person(rng, county, min_age=23 if k < n_members else 18, male_share=male_share)
                if who["id_number"] not in seen:
                    seen.add(who["id_number"])
                    break
            if k < n_full:
                status = PoliticalStatus.FULL
            elif k < n_members:
                status = PoliticalStatus.PROBATIONARY
            else:
                status = weighted(
                    rng,
                    [
                        (PoliticalStatus.MASSES, 870),
                        (PoliticalStatus.LEAGUE, 90),
                        (PoliticalStatus.APPLICANT, 25),
                        (PoliticalStatus.ACTIVIST, 10),
                        (PoliticalStatus.CANDIDATE, 5),
                    ],
                )
            p = Practitioner(
                name=who["name"],
                id_number=who["id_number"],
                phone=phone(rng),
                ethnicity=who["ethnicity"],
                education=weighted(rng, EDUCATION),
                occupation=occupation,
                political_status=status,
                enterprise=ent,
            )
            practitioners.append(p.fill_derived(ent))
    Practitioner.objects.bulk_create(practitioners, batch_size=1000)
    if practitioners[0].pk is None:  # backends without RETURNING: read the keys back by hash
        pks = dict(Practitioner.objects.filter(enterprise__in=enterprises).values_list("id_hash", "pk"))
        for p in practitioners:
            p.pk = pks[p.id_hash]
    record_bulk("create", Practitioner, [(p.pk, p.name, None, snapshot(p)) for p in practitioners])

    # Party organisations (53): 1 党委, 44 党支部, 8 联合党支部 — through the service.
    def founded(i):
        return datetime.date(2021, 3, 1) + datetime.timedelta(days=(i * 37 + rng.randrange(0, 30)) % 1700)

    orgs = []
    org_of_enterprise = {}
    committee = create_party_organisation(
        actor=DEMO,
        kind=UnitKind.PARTY_COMMITTEE,
        enterprises=[enterprises[plan["committee"]]],
        founded_on=founded(0),
    )
    orgs.append(committee)
    org_of_enterprise[plan["committee"]] = committee
    for n, i in enumerate(plan["own"], start=1):
        org = create_party_organisation(
            actor=DEMO, kind=UnitKind.BRANCH, enterprises=[enterprises[i]], founded_on=founded(n)
        )
        orgs.append(org)
        org_of_enterprise[i] = org
    for n, group in enumerate(plan["groups"], start=50):
        org = create_party_organisation(
            actor=DEMO,
            kind=UnitKind.JOINT_BRANCH,
            enterprises=[enterprises[i] for i in group],
            founded_on=founded(n),
        )
        orgs.append(org)
        for i in group:
            org_of_enterprise[i] = org

    # Party members (350): bulk, attached to their organisation (or, unorganised, to the office).
    members = [
        p for p in practitioners if p.political_status in (PoliticalStatus.FULL, PoliticalStatus.PROBATIONARY)
    ]
    ent_index = {e.pk: i for i, e in enumerate(enterprises)}
    party_members = []
    for p in members:
        i = ent_index[p.enterprise_id]
        org = org_of_enterprise.get(i)
        is_full = p.political_status == PoliticalStatus.FULL
        birth = p.birth_date
        joined = max(
            add_years(birth, 18) + datetime.timedelta(days=rng.randrange(30, 400)),
            REFERENCE_DATE - datetime.timedelta(days=rng.randrange(400, 365 * 20)),
        )
        if not is_full:
            joined = REFERENCE_DATE - datetime.timedelta(days=rng.randrange(30, 330))
        elsewhere = rng.random() < 0.12  # 流动党员: membership held where they came from
        party_members.append(
            PartyMember(
                practitioner=p,
                unit=org.unit if org else enterprises[i].unit,
                region_id=p.region_id,
                industry=p.industry,
                enterprise_id=p.enterprise_id,
                is_full=is_full,
                joined_on=joined,
                full_member_on=add_years(joined, 1) if is_full else None,
                membership_held="elsewhere" if elsewhere else ("here" if org else "none"),
                home_organisation=f"{rng.choice(['赤峰市', '兴安盟', '白城市', '阜新市', '沈阳市'])}某村党支部"
                if elsewhere
                else "",
            )
        )
    PartyMember.objects.bulk_create(party_members, batch_size=1000)
    if party_members[0].pk is None:
        pks = dict(PartyMember.objects.filter(practitioner__in=members).values_list("practitioner_id", "pk"))
        for m in party_members:
            m.pk = pks[m.practitioner_id]
    record_bulk(
        "create", PartyMember, [(m.pk, m.practitioner.name, None, snapshot(m)) for m in party_members]
    )
    assert len(party_members) == TOTAL_MEMBERS, len(party_members)

    # Secretaries (a full member of each organisation) and the 党委's committee.
    by_unit = defaultdict(list)
    for m in party_members:
        by_unit[m.unit_id].append(m)
    for org in orgs:
        full = [m for m in by_unit[org.unit_id] if m.is_full]
        set_secretary(org, full[0], actor=DEMO)
    set_committee(committee, [m for m in by_unit[committee.unit_id] if m.is_full][1:6], actor=DEMO)

    # Instructors (50) and liaisons (179), spread over the counties by their number of enterprises.
    instructors_per = largest_remainder(TOTAL_INSTRUCTORS, COUNTY_ENTERPRISES)
    liaisons_per = largest_remainder(TOTAL_LIAISONS, COUNTY_ENTERPRISES)
    agents = []
    by_county = defaultdict(list)
    for i, ent in enumerate(enterprises):
        by_county[rows[i]["county"]].append((i, ent))
    assignments = []  # (enterprise, role, unit or agent)
    for county, items in by_county.items():
        wc = world["county_wcs"][county]
        items = sorted(items, key=lambda t: (t[1].industry, t[1].name))
        n_i = instructors_per[county]
        instructors = []
        for _k in range(n_i):
            who = person(rng, county, min_age=28, max_age=56, male_share=0.6)
            lat, lon, spread = COUNTY_CENTRE[county]
            instructors.append(
                Agent(
                    kind="instructor",
                    name=who["name"],
                    phone=phone(rng),
                    unit=wc,
                    region=regions[county],
                    latitude=round(lat + rng.uniform(-spread, spread), 6),
                    longitude=round(lon + rng.uniform(-spread, spread), 6),
                )
            )
        n_l = liaisons_per[county]
        chunks = [items[k * len(items) // n_l : (k + 1) * len(items) // n_l] for k in range(n_l)]
        liaisons = []
        for chunk in chunks:
            who = person(rng, county, min_age=24, max_age=55, male_share=0.55)
            industry = chunk[0][1].industry
            liaisons.append(
                Agent(
                    kind="liaison",
                    name=who["name"],
                    phone=phone(rng),
                    unit=_office(offices_by, county, industry, 0),
                    region=regions[county],
                    industry=industry,
                )
            )
        for agent in instructors + liaisons:
            agent.save()
        agents += instructors + liaisons
        for pos, (_i, ent) in enumerate(items):
            assignments.append((ent, ResponsibilityRole.INSTRUCTOR, instructors[pos % n_i]))
        for chunk, liaison in zip(chunks, liaisons, strict=True):
            for _i, ent in chunk:
                assignments.append((ent, ResponsibilityRole.LIAISON, liaison))

    # The responsibility matrix: every enterprise has all its owners (100 % work coverage).
    departments = world["departments"]
    for i, ent in enumerate(enterprises):
        row = rows[i]
        street = streets_by[row["county"]][row["street_index"]]
        community = communities_by_street[street.pk][i % len(communities_by_street[street.pk])]
        assign_responsibility(
            ent, ResponsibilityRole.INDUSTRY_COMMITTEE, actor=DEMO, unit=world["committees"][ent.industry]
        )
        assign_responsibility(ent, ResponsibilityRole.COUNTY_OFFICE, actor=DEMO, unit=ent.unit)
        assign_responsibility(
            ent,
            ResponsibilityRole.DEPARTMENT,
            actor=DEMO,
            unit=departments[DEPARTMENT_FOR_INDUSTRY[ent.industry]],
        )
        assign_responsibility(ent, ResponsibilityRole.COMMUNITY, actor=DEMO, unit=community)
    for ent, role, agent in assignments:
        assign_responsibility(ent, role, actor=DEMO, agent=agent)

    _formation_cases(enterprises, plan)
    _link_demo_users(world, enterprises, orgs, agents)


def _formation_cases(enterprises, plan) -> None:
    """Two of the 应建尽建 enterprises are already on their way through 规范组建流程."""
    from xinye.ledger.services import apply_formation_transition, start_formation

    first, second = (enterprises[i] for i in plan["candidates"][:2])
    case = start_formation(
        actor=DEMO,
        enterprises=[first],
        date=datetime.date(2026, 5, 12),
        note="摸排发现 3 名正式党员，建议单独组建党支部",
    )
    apply_formation_transition(
        case, "application", actor=DEMO, date=datetime.date(2026, 5, 20), note="企业提交组建申请"
    )
    apply_formation_transition(
        case, "superior_approved", actor=DEMO, date=datetime.date(2026, 6, 3), note="行业党建办批复同意筹建"
    )
    start_formation(
        actor=DEMO, enterprises=[second], date=datetime.date(2026, 6, 15), note="指导员走访后提出组建建议"
    )


def _link_demo_users(world, enterprises, orgs, agents) -> None:
    from xinye.accounts.models import RoleAssignment
    from xinye.accounts.permissions import clear_cache
    from xinye.accounts.services import assign_role
    from xinye.ledger.services import update_party_organisation

    users = world.get("users") or {}
    kerqin = "150502"
    if "instructor" in users:
        agent = next(a for a in agents if a.kind == "instructor" and a.region_id == kerqin)
        agent.user = users["instructor"]
        agent.save()
    if "liaison" in users:
        agent = next(
            a
            for a in agents
            if a.kind == "liaison" and a.region_id == kerqin and a.industry == Industry.DELIVERY
        )
        agent.user = users["liaison"]
        agent.save()
    if "secretary" in users:
        user = users["secretary"]
        org = next(
            o
            for o in orgs
            if o.region_id == kerqin and o.industry == Industry.DELIVERY and o.unit.kind == UnitKind.BRANCH
        )
        RoleAssignment.objects.filter(user=user, role__code="secretary", unit__code="lxgw-kerqin").delete()
        assign_role(user, "secretary", org.unit, actor=DEMO)
        update_party_organisation(org, actor=DEMO, secretary_user=user)
        clear_cache(user)

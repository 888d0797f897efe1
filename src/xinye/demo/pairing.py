"""Demo 结对共建: party organisations of 机关 (the three 行业主管部门 closest to riders, couriers and drivers),
国企 (China Post, State Grid), 事业单位 (the city library, a county hospital) and 社区 paired with enterprises'
party branches and with enterprises that have none, each with this year's plan, activities over the past
year covering all six 联 (a few with photo or document evidence), last year's review — and a few pairs
silent this quarter. Dates are relative to today, so "this quarter" holds whenever the demo is loaded.
Deterministic; idempotent (keyed by the host organisations' codes)."""

import datetime
import struct
import zlib

from django.core.files.base import ContentFile
from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.ledger.models import Enterprise, PartyOrganisation
from xinye.orgs import services as org_services
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit
from xinye.pairing import services
from xinye.pairing.models import Pairing, PairingActivity

ACTOR = system_actor("demo")

# code, name, kind, sector, parent unit code
HOSTS = [
    ("pair-transport", "中共通辽市交通运输局机关支部委员会", UnitKind.BRANCH, "organ", "dept-transport"),
    ("pair-post", "中共通辽市邮政管理局机关支部委员会", UnitKind.BRANCH, "organ", "dept-post"),
    ("pair-commerce", "中共通辽市商务局机关支部委员会", UnitKind.BRANCH, "organ", "dept-commerce"),
    ("pair-chinapost", "中国邮政集团有限公司通辽市分公司党委", UnitKind.PARTY_COMMITTEE, "soe", "tl-zzb"),
    ("pair-grid", "国网通辽供电公司党委", UnitKind.PARTY_COMMITTEE, "soe", "tl-zzb"),
    ("pair-library", "通辽市图书馆党支部", UnitKind.BRANCH, "institution", "tl-zzb"),
    ("pair-hospital", "科尔沁区人民医院党总支", UnitKind.GENERAL_BRANCH, "institution", "lxgw-kerqin"),
    ("pair-c1", "科尔沁街道第一社区党委", UnitKind.PARTY_COMMITTEE, "community", "street-kerqin-1-c1"),
    ("pair-c2", "明仁街道第一社区党委", UnitKind.PARTY_COMMITTEE, "community", "street-kerqin-2-c1"),
]
# Which industry's enterprise branches each host pairs with (its own line of work where there is one).
HOST_INDUSTRY = {
    "pair-transport": "freight",
    "pair-post": "express",
    "pair-commerce": "logistics",
    "pair-chinapost": "express",
    "pair-grid": "internet",
    "pair-library": "delivery",
    "pair-hospital": "delivery",
    "pair-c1": "delivery",
    "pair-c2": "express",
}
# (title, links, participants, place) — what pairs in 通辽 actually do together
ACTIVITIES = [
    ("联合主题党日：重温入党誓词", ["organisation", "activity"], 26, "企业党员活动室"),
    ("机关党员走进配送站：暖心驿站共建共用", ["venue", "service"], 18, "新业态党建服务站"),
    ("政策宣讲与诉求收集座谈会", ["information", "service"], 22, "机关会议室"),
    ("“双向培养”骨干结对：入党积极分子培训", ["team", "organisation"], 15, "党校教室"),
    ("夏季送清凉、冬季送温暖慰问", ["service", "activity"], 40, "配送站点"),
    ("共享党建阵地：图书角与学习室开放", ["venue", "information"], 12, "机关党员活动中心"),
    ("交通安全与职业伤害保障讲座", ["information", "service", "team"], 35, "企业培训室"),
]
SILENT = {"pair-commerce", "pair-grid"}  # their last activity was last quarter
NEVER = {"pair-library"}  # paired this year, nothing held yet


def _png() -> bytes:
    """A tiny valid PNG (a red square), for the demo's photo evidence."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xc8\x1e\x1e" * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _host(code, name, kind, parent_code) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is not None:
        return unit
    parent = OrgUnit.objects.get(code=parent_code)
    return org_services.create_unit(
        actor=ACTOR, code=code, name=name, kind=kind, parent_id=parent.pk, region_id=parent.region_id
    )


def _partners(industry: str, region: str | None, taken: set[int], count: int) -> list[PartyOrganisation]:
    qs = PartyOrganisation.objects.filter(industry=industry).exclude(pk__in=taken).order_by("unit__code")
    chosen = list(qs.filter(region_id=region)[:count]) if region else []
    if len(chosen) < count:
        chosen += list(qs.exclude(pk__in=[o.pk for o in chosen])[: count - len(chosen)])
    taken.update(o.pk for o in chosen)
    return chosen


def _unorganised(industry: str, region: str | None, taken: set[int]) -> Enterprise | None:
    qs = (
        Enterprise.objects.filter(industry=industry, party_organisations__isnull=True, is_active=True)
        .exclude(pk__in=taken)
        .order_by("pk")
    )
    found = (qs.filter(region_id=region).first() if region else None) or qs.first()
    if found is not None:
        taken.add(found.pk)
    return found


def _dates(today: datetime.date, starts_on: datetime.date, code: str, n: int) -> list[datetime.date]:
    """Activity dates for one pair: about every seven weeks going back, the latest inside this quarter
    (before quarter start for the silent pairs), never before the pair began."""
    quarter_start, _ = services.quarter_bounds(today)
    latest = (
        (quarter_start - datetime.timedelta(days=20))
        if code in SILENT
        else max(quarter_start, today - datetime.timedelta(days=4))
    )
    days = [latest - datetime.timedelta(days=50 * k) for k in range(n)]
    return [d for d in days if starts_on <= d <= today]


def load(world: dict) -> None:
    if OrgUnit.objects.filter(code=HOSTS[0][0]).exists() and Pairing.objects.exists():
        return
    if not PartyOrganisation.objects.exists():
        return  # no ledger loaded: nothing to pair with
    today = timezone.localdate()
    starts_on = datetime.date(today.year - 1, 3, 1)
    ends_on = datetime.date(today.year + 1, 12, 31)
    taken_orgs: set[int] = set()
    taken_enterprises: set[int] = set()
    photo = _png()
    evidence_left = 3
    for index, (code, name, kind, sector, parent_code) in enumerate(HOSTS):
        host = _host(code, name, kind, parent_code)
        industry = HOST_INDUSTRY[code]
        region = host.region_id if host.region_id != "150500" else None
        pairs = []
        for org in _partners(industry, region, taken_orgs, 2 if sector in ("organ", "soe") else 1):
            begin = datetime.date(today.year, 1, 1) if code in NEVER else starts_on
            pairs.append(
                services.create_pairing(
                    unit=host,
                    host_sector=sector,
                    partner_org=org,
                    starts_on=begin,
                    ends_on=ends_on,
                    goals=f"围绕“六联”工作模式，{name}与{org.unit.name}每季度至少开展一次共建活动，"
                    "机关党员定期到站点走访，企业党员参加机关组织生活。",
                    actor=ACTOR,
                )
            )
        enterprise = _unorganised(industry, region, taken_enterprises) if sector != "soe" else None
        if enterprise is not None:
            pairs.append(
                services.create_pairing(
                    unit=host,
                    host_sector=sector,
                    enterprise=enterprise,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    goals=f"帮助{enterprise.name}做好党的工作覆盖，推动具备条件时单独组建党组织。",
                    actor=ACTOR,
                )
            )
        for p, pairing in enumerate(pairs):
            plan = services.save_plan(
                pairing,
                year=today.year,
                content="一季度联合主题党日；二季度阵地共建共用；三季度送清凉与政策宣讲；四季度年度总结与评估。",
                actor=ACTOR,
            )
            for month, title, links in (
                (3, "联合主题党日", ["organisation", "activity"]),
                (6, "党建阵地共建共用", ["venue"]),
                (8, "送清凉与政策宣讲", ["service", "information"]),
                (11, "骨干结对培养与年度总结", ["team"]),
            ):
                services.add_plan_item(plan, month=month, title=title, links=links, actor=ACTOR)
            if code in NEVER:
                continue
            for k, held_on in enumerate(_dates(today, pairing.starts_on, code, 6)):
                title, links, people, place = ACTIVITIES[(index + p + k) % len(ACTIVITIES)]
                activity = services.log_activity(
                    pairing,
                    held_on=held_on,
                    title=title,
                    links=links,
                    participants=people - (k % 4),
                    place=place,
                    summary=f"{host.name}与{pairing.partner_name}共同开展，{people - (k % 4)}人参加。",
                    actor=ACTOR,
                )
                if evidence_left and k == 0:
                    evidence_left -= 1
                    services.add_evidence(
                        activity,
                        file=ContentFile(photo, name=f"pairing-{code}-{p}.png"),
                        caption="活动合影",
                        actor=ACTOR,
                    )
            if pairing.starts_on.year < today.year:
                services.review_pairing(
                    pairing,
                    year=today.year - 1,
                    rating=("excellent", "good", "good", "fair")[(index + p) % 4],
                    text="全年按计划开展共建活动，阵地共用、服务联抓成效明显；队伍联带仍需加强。",
                    actor=ACTOR,
                )
    world["pairings"] = {"pairings": Pairing.objects.count(), "activities": PairingActivity.objects.count()}

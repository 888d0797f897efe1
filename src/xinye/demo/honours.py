"""Demo 最美 campaigns, the five the seed names, each at another stage, run through the real services:
2026年度最美巾帼建功标兵 (妇联) closed with its winners in the library of models; 最美快递员 (快递行业党委) in
公示 with an objection open and one dismissed; 最美骑手 (外卖骑手行业党委) in 公众投票 with six days of votes
from the demo workers; 最美司机 (大货车（网约车）行业党委) in 审核, one nominee rejected for an open negative
record; 最美家庭 (市总工会) taking nominations. Deterministic; idempotent (keyed by title)."""

import datetime
import random
import struct
import zlib

from django.core.files.base import ContentFile
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import system_actor
from xinye.honours import services
from xinye.honours.choices import NomineeStatus, Stage
from xinye.honours.models import Campaign, ExemplarPhoto, NegativeRecord, Nominee, Objection
from xinye.ledger.choices import Gender
from xinye.ledger.models import Practitioner
from xinye.orgs.models import OrgUnit
from xinye.workers.models import Worker

ACTOR = system_actor("demo")

STORIES = [
    "暴雨夜坚持送达急需药品，途中救助摔倒老人并护送就医。",
    "连续三年零差评、零事故，主动带教新入职小哥二十余人。",
    "作为“移动探头”上报井盖缺失、路灯损坏等隐患三十余处。",
    "疫情期间主动请缨保供，为封控小区配送生活物资上千单。",
    "拾得顾客遗失钱包及证件，第一时间联系失主归还。",
    "参加服务站志愿服务一百余小时，组织骑手义务献血。",
    "冬季零下三十度坚持夜间配送，保障医院、学校订单准时送达。",
    "发现居民楼冒烟立即报警并协助疏散，避免了人员伤亡。",
]


def _png(seed: int) -> bytes:
    """A small plain-coloured PNG standing in for a photo (the demo ships no pictures of real people)."""
    width = height = 48
    colour = bytes([(seed * 53) % 200 + 40, (seed * 97) % 200 + 40, 90])
    raw = b"".join(b"\x00" + colour * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _dates(today: datetime.date, stage: str) -> dict:
    """The four last days, the current stage's still ahead."""
    ends = {
        Stage.NOMINATING: (10, 20, 35, 42),
        Stage.REVIEWING: (-6, 4, 20, 27),
        Stage.VOTING: (-20, -6, 8, 15),
        Stage.PUBLICISING: (-40, -30, -3, 4),
        Stage.CLOSED: (-75, -65, -50, -40),
    }[stage]
    names = ("nominate_until", "review_until", "vote_until", "publicise_until")
    return {name: today + datetime.timedelta(days=d) for name, d in zip(names, ends, strict=True)}


def _campaign(today, *, title, kind, unit_code, quota, stage, group="", description="") -> Campaign | None:
    if Campaign.objects.filter(title=title).exists():
        return None
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is None:
        return None
    campaign = Campaign(
        kind=kind,
        title=title,
        year=today.year,
        group=group,
        unit=unit,
        quota=quota,
        description=description,
        votes_per_day=1,
        **_dates(today, stage),
    )
    return services.save_campaign(campaign, actor=ACTOR)


def _nominate(campaign, people, offices) -> list[Nominee]:
    nominees = []
    for i, person in enumerate(people):
        office = offices.get(person.region_id) or campaign.unit
        nominees.append(
            services.nominate(
                campaign, person, actor=ACTOR, story=STORIES[i % len(STORIES)], nominated_by_unit=office
            )
        )
    return nominees


def _approve_all(campaign, nominees):
    services.advance_stage(campaign, actor=ACTOR)
    for nominee in nominees:
        services.review_nominee(
            nominee, actor=ACTOR, approve=True, reason="在台账中，无不良记录，事迹经所在单位核实"
        )
    return services.advance_stage(campaign, actor=ACTOR)


def _votes(nominees, voters, start: datetime.date, days: int, rng: random.Random) -> None:
    """Each voter votes once a day, leaning to a few favourites, from `start` for `days` days."""
    weights = [len(nominees) - i + rng.randint(0, 3) for i in range(len(nominees))]
    for offset in range(days):
        moment = timezone.make_aware(
            datetime.datetime.combine(start + datetime.timedelta(days=offset), datetime.time(12))
        )
        for k, voter in enumerate(voters):
            if rng.random() < 0.2:
                continue
            target = rng.choices(nominees, weights=weights)[0]
            services.vote(target, worker=voter, ip=f"10.47.{k % 8}.{rng.randint(2, 250)}", now=moment)


def _people(industry=None, gender=None, count=6) -> list[Practitioner]:
    # a person is shown in one campaign of the demo, not in three
    qs = Practitioner.objects.exclude(pk__in=Nominee.objects.values("practitioner")).order_by("pk")
    if industry:
        qs = qs.filter(industry=industry)
    if gender:
        qs = qs.filter(gender=gender)
    candidates = list(qs[:400])
    people, regions = [], set()
    for person in candidates:  # one per county first, so the campaign spans the city
        if person.region_id not in regions:
            regions.add(person.region_id)
            people.append(person)
    people += [p for p in candidates if p not in people]
    return people[:count]
    return people


def load(world: dict) -> None:
    today = timezone.localdate()
    rng = random.Random(5202)
    voters = list(Worker.objects.order_by("pk")[:40])
    offices = {}
    for office in OrgUnit.objects.filter(kind="industry_office").order_by("sort", "code"):
        offices.setdefault((office.industry, office.region_id), office)

    def offices_of(industry):
        return {
            region: unit for (ind, region), unit in offices.items() if ind == industry or industry is None
        }

    # 巾帼建功标兵 (妇联): closed, its winners in the library
    women = _campaign(
        today,
        title=f"{today.year}年度通辽市新就业群体巾帼建功标兵",
        kind="women_pacesetter",
        unit_code="mass-women",
        quota=3,
        stage=Stage.CLOSED,
        group="女性从业人员",
        description="表彰在新业态岗位上建功立业的女性从业人员。",
    )
    people = _people(gender=Gender.FEMALE, count=6)
    if women is not None and people:
        nominees = _nominate(women, people, offices_of(None))
        _approve_all(women, nominees)
        _votes(nominees, voters, women.review_until + datetime.timedelta(days=1), 8, rng)
        services.advance_stage(women, actor=ACTOR)
        services.advance_stage(women, actor=ACTOR)
        for i, exemplar in enumerate(women.exemplars.order_by("pk")):
            photo = ExemplarPhoto(exemplar=exemplar, caption=f"{exemplar.name}在岗位上", sort=0)
            photo.image.save(f"exemplar-{exemplar.pk}.png", ContentFile(_png(i)), save=False)
            writes.save(photo, actor=ACTOR)

    # 最美快递员 (快递行业党委): 公示, one objection open, one dismissed
    express = _campaign(
        today,
        title=f"{today.year}年度通辽市最美快递员",
        kind="best_courier",
        unit_code="hydw-express",
        quota=3,
        stage=Stage.PUBLICISING,
    )
    people = _people(industry="express", count=6)
    if express is not None and people:
        nominees = _nominate(express, people, offices_of("express"))
        _approve_all(express, nominees)
        _votes(nominees, voters, express.review_until + datetime.timedelta(days=1), 10, rng)
        services.advance_stage(express, actor=ACTOR)
        shortlisted = list(
            Nominee.objects.filter(campaign=express, status=NomineeStatus.SHORTLISTED).order_by("-votes")
        )
        if voters and shortlisted:
            dismissed = services.record_objection(
                shortlisted[0], actor=ACTOR, reason="来电反映该快递员曾有延误投诉", raised_by_name="匿名来电"
            )
            services.handle_objection(
                dismissed,
                actor=ACTOR,
                upheld=False,
                outcome="经核查，延误系暴雪封路所致，投诉已销号，异议不成立",
            )
            services.raise_objection(
                shortlisted[-1], worker=voters[0], reason="听说该人选曾与顾客发生争执，请核实"
            )

    # 最美骑手 (外卖骑手行业党委): 公众投票 with votes
    riders = _campaign(
        today,
        title=f"{today.year}年度通辽市最美骑手",
        kind="best_rider",
        unit_code="hydw-delivery",
        quota=5,
        stage=Stage.VOTING,
        description="由各旗县区行业党建办推荐、骑手自荐和互荐，经审核后公众投票，得票前 5 名进入公示。",
    )
    people = _people(industry="delivery", count=8)
    if riders is not None and people:
        nominees = _nominate(riders, people, offices_of("delivery"))
        _approve_all(riders, nominees)
        _votes(nominees, voters, today - datetime.timedelta(days=5), 5, rng)  # today is left for the visitor

    # 最美司机 (大货车（网约车）行业党委): 审核, one rejected for an open negative record
    drivers = _campaign(
        today,
        title=f"{today.year}年度通辽市最美司机",
        kind="best_driver",
        unit_code="hydw-freight",
        quota=3,
        stage=Stage.REVIEWING,
    )
    people = _people(industry="freight", count=5)
    if drivers is not None and people:
        nominees = _nominate(drivers, people, offices_of("freight"))
        services.advance_stage(drivers, actor=ACTOR)
        flagged = nominees[-1]
        record = NegativeRecord(
            practitioner=flagged.practitioner,
            kind="traffic",
            note="超载运输被处罚，尚未整改销号",
            recorded_on=today - datetime.timedelta(days=40),
        )
        services.save_negative_record(record, actor=ACTOR)
        services.review_nominee(
            flagged, actor=ACTOR, approve=False, reason="有未销号的交通违法记录（超载运输）"
        )
        for nominee in nominees[:-1][:2]:
            services.review_nominee(nominee, actor=ACTOR, approve=True, reason="在台账中，无不良记录")

    # 最美家庭 (市总工会): taking nominations
    families = _campaign(
        today,
        title=f"{today.year}年度通辽市新业态最美家庭",
        kind="best_family",
        unit_code="mass-union",
        quota=5,
        stage=Stage.NOMINATING,
        group="从业人员家庭",
        description="寻找孝老爱亲、互助友善的新业态从业人员家庭，欢迎自荐和推荐。",
    )
    people = _people(count=3)
    if families is not None and people:
        _nominate(families, people, offices_of(None))

    world["campaigns"] = {c.kind: c for c in Campaign.objects.all()}
    world["objections_open"] = Objection.objects.filter(status="open").count()

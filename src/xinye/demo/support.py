"""Demo enterprise services for 通辽: enterprises' needs in every state of the loop (one closed on time and met,
one answered, one in progress, one overdue and reminded by `xinye tick`, one waiting for dispatch, one
refused), a policy catalogue with who was told of and took up what, and a 银企对接会 with its banks and
insurers, their products and the outcomes (loans, rider cover). Built through the services as the system
actor `demo`; deterministic and idempotent (keyed by names and titles). Reminders come from support's own
tick only, so the appeals' figures stay as they are."""

import datetime
from decimal import Decimal

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.core import workdays
from xinye.ledger.models import Enterprise
from xinye.orgs.models import OrgUnit
from xinye.support import services
from xinye.support.choices import COVER_KINDS
from xinye.support.models import EnterpriseNeed, Institution, Match, MatchEvent, Policy, Product

ACTOR = system_actor("demo")
TZ = timezone.get_default_timezone()

POLICIES = [
    {
        "title": "关于维护新就业形态劳动者劳动保障权益的指导意见",
        "issuer": "人力资源社会保障部等八部门",
        "document_no": "人社部发〔2021〕56号",
        "applies_to": "依托互联网平台就业的网约配送员、网约车驾驶员、货车司机、互联网营销师等及其用工企业",
        "industries": "",
        "summary": "不完全符合确立劳动关系情形的，企业与劳动者订立书面协议；落实公平就业、最低工资、休息、"
        "劳动安全；强化职业伤害保障，以出行、外卖、即时配送、同城货运等行业平台企业为重点开展试点。",
        "documents": "",
        "effective_from": datetime.date(2021, 7, 16),
    },
    {
        "title": "新就业形态骑手意外伤害保险补贴",
        "issuer": "通辽市总工会",
        "applies_to": "在通辽市备案的外卖、即时配送、快递站点，为骑手统一投保意外险的",
        "industries": "delivery,express",
        "summary": "站点为骑手统一投保意外伤害保险（保额不低于 30 万元/人）的，按实际保费的 50% 给予补贴，"
        "每人每年最高 100 元。",
        "documents": "补贴申请表\n投保清单（骑手姓名、保单号）\n保费缴纳凭证\n营业执照复印件",
        "effective_from": datetime.date(2026, 1, 1),
        "effective_until": datetime.date(2026, 12, 31),
    },
    {
        "title": "小微企业创业担保贷款及贴息",
        "issuer": "通辽市财政局、通辽市人力资源和社会保障局、中国人民银行通辽市分行",
        "applies_to": "当年新招用符合条件人员达到规定比例、与其签订 1 年以上劳动合同的小微企业",
        "industries": "",
        "summary": "最高 300 万元、期限不超过 2 年，按规定给予贴息；由创业担保基金提供担保，免除反担保。",
        "documents": "贷款申请书\n营业执照\n新招用人员花名册及劳动合同\n社会保险缴纳证明",
        "effective_from": datetime.date(2025, 1, 1),
    },
    {
        "title": "快递末端网点和外卖站点用房支持",
        "issuer": "科尔沁区人民政府",
        "applies_to": "科尔沁区内的快递末端网点、外卖骑手站点",
        "industries": "delivery,express",
        "summary": "利用社区闲置用房、党群服务中心富余空间为站点提供临时用房和骑手休息点，首年租金减半。",
        "documents": "用房申请\n站点备案材料",
        "effective_from": datetime.date(2026, 3, 1),
        "county": "150502",
    },
]

INSTITUTIONS = [
    (
        "中国农业银行通辽分行",
        "bank",
        "普惠金融事业部",
        "0475-8223300",
        [
            ("创业担保贷款", "loan", "最高 300 万元，期限 2 年，财政贴息，免反担保", Decimal("3000000")),
            ("网捷贷（小微企业）", "loan", "线上申请，最高 100 万元，随借随还", Decimal("1000000")),
        ],
    ),
    (
        "中国邮政储蓄银行通辽市分行",
        "bank",
        "小企业金融部",
        "0475-8216699",
        [
            ("小微易贷", "loan", "按纳税、开票信用授信，最高 100 万元", Decimal("1000000")),
        ],
    ),
    (
        "中国人民财产保险股份有限公司通辽市分公司",
        "insurer",
        "意健险部",
        "0475-8252000",
        [
            ("骑手团体意外伤害保险", "accident", "保额 30 万元/人，含意外医疗 3 万元，按日或按年投保", None),
            ("雇主责任险（配送站点）", "liability", "每人赔偿限额 50 万元", None),
        ],
    ),
    (
        "中国人寿财产保险股份有限公司通辽市中心支公司",
        "insurer",
        "团体业务部",
        "0475-8280595",
        [
            ("新就业形态职业伤害保障", "occupational_injury", "按单计费，覆盖配送途中的意外伤害", None),
        ],
    ),
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), TZ)


def _back(days: int) -> datetime.date:
    """The working day `days` working days before today (demo steps fall on working days)."""
    day = timezone.localdate()
    while days > 0:
        day -= datetime.timedelta(days=1)
        if workdays.is_workday(day):
            days -= 1
    return day


def _enterprise(county: str, industry: str, nth: int = 0):
    return (
        Enterprise.objects.filter(region_id=county, industry=industry).order_by("pk")[nth : nth + 1].first()
    )


def _units() -> dict:
    return {
        u.code: u
        for u in OrgUnit.objects.filter(code__in=("tl-lxgw", "lxgw-kerqin", "mass-union", "dept-market"))
    }


def load(world: dict) -> None:
    units = _units()
    if "tl-lxgw" not in units:
        return
    _policies(units)
    institutions = _institutions(units["tl-lxgw"])
    needs = _needs(units)
    _event(units["tl-lxgw"], institutions, needs)
    services.tick(actor=system_actor("tick"))  # the overdue need's 催办 (support's duty only)


def _policies(units) -> None:
    for row in POLICIES:
        row = dict(row)
        county = row.pop("county", None)
        unit = units["lxgw-kerqin"] if county else units["tl-lxgw"]
        policy = Policy.objects.filter(title=row["title"]).first() or Policy(unit=unit)
        if policy.pk:
            continue
        for name, value in row.items():
            setattr(policy, name, value)
        services.save_policy(policy, actor=ACTOR)


def _institutions(city) -> dict:
    out = {}
    for name, kind, contact, phone, products in INSTITUTIONS:
        institution = Institution.objects.filter(name=name).first()
        if institution is None:
            institution = services.save_institution(
                Institution(name=name, kind=kind, contact=contact, phone=phone, unit=city), actor=ACTOR
            )
        for pname, pkind, terms, ceiling in products:
            if not institution.products.filter(name=pname).exists():
                services.save_product(
                    Product(institution=institution, name=pname, kind=pkind, terms=terms, max_amount=ceiling),
                    actor=ACTOR,
                )
        out[name] = institution
    return out


# (county, industry, nth enterprise, kind, title, details, amount, the loop's course)
NEEDS = [
    (
        "150502",
        "delivery",
        0,
        "financing",
        "站点换购电动车及换电柜，需周转资金 50 万元",
        "站点骑手 60 余人，旧车辆续航不足，计划统一换购 40 辆电动车并建设换电柜。",
        Decimal("500000"),
        "closed",
    ),
    (
        "150502",
        "delivery",
        1,
        "insurance",
        "为全站骑手统一投保意外险",
        "骑手多为众包，自行投保比例低，希望对接保险机构团体投保并了解补贴政策。",
        None,
        "answered",
    ),
    (
        "150502",
        "express",
        0,
        "premises",
        "末端网点需要分拣场地约 200 平方米",
        "现租用场地到期，周边社区有闲置用房，希望协调。",
        None,
        "signed",
    ),
    (
        "150525",
        "delivery",
        0,
        "policy",
        "咨询骑手职业伤害保障参保办法",
        "平台通知将开展职业伤害保障，站点不清楚地方经办流程。",
        None,
        "overdue",
    ),
    (
        "150523",
        "freight",
        0,
        "recruitment",
        "春运前招聘货车司机 15 名",
        "需持 A2 驾照，希望参加县里招聘会。",
        None,
        "submitted",
    ),
    (
        "150581",
        "express",
        0,
        "compliance",
        "请求取消对站点的行政处罚",
        "对处罚决定有异议。",
        None,
        "rejected",
    ),
]


def _needs(units) -> dict:
    out = {}
    for county, industry, nth, kind, title, details, amount, course in NEEDS:
        enterprise = _enterprise(county, industry, nth)
        if enterprise is None:
            continue
        need = EnterpriseNeed.objects.filter(enterprise=enterprise, title=title).first()
        if need is None:
            need = _run(enterprise, kind, title, details, amount, course, units)
        out[title] = need
    return out


def _run(enterprise, kind, title, details, amount, course, units):
    start = {"closed": 20, "answered": 6, "signed": 3, "overdue": 15, "submitted": 1, "rejected": 4}[course]
    day = _back(start)
    need = services.file_need(
        actor=ACTOR,
        enterprise=enterprise,
        kind=kind,
        title=title,
        details=details,
        amount=amount,
        contact="站长",
        at=_at(day, 9),
    )
    if course == "submitted":
        return need
    if course == "rejected":
        return services.reject_need(
            need, actor=ACTOR, reason="行政处罚异议应依法申请行政复议或提起行政诉讼，已告知企业途径"
        )
    (task,) = services.dispatch_need(need, actor=ACTOR, instruction="请对接办理并按时答复", at=_at(day, 10))
    if course == "overdue":
        return need
    services.sign_need_task(task, actor=ACTOR, at=_at(_back(start - 1), 9))
    if course == "signed":
        return need
    answer = {
        "closed": "已组织农业银行、邮储银行上门对接，企业获创业担保贷款 50 万元。",
        "answered": "已推荐人保财险骑手团体意外险，并告知市总工会保费补贴申报材料。",
    }[course]
    services.answer_need_task(task, actor=ACTOR, answer=answer, at=_at(_back(start - 3), 15))
    services.answer_need(need, actor=ACTOR, answer=answer, at=_at(_back(start - 3), 16))
    if course == "closed":
        services.close_need(need, actor=ACTOR, resolved=True, at=_at(_back(start - 5), 10))
    return need


def _event(city, institutions, needs) -> None:
    title = "通辽市新就业形态企业银企对接会"
    event = MatchEvent.objects.filter(title=title).first()
    held_on = event.held_on if event is not None else _back(10)
    if event is None:
        event = services.save_event(
            MatchEvent(
                title=title,
                held_on=held_on,
                place="通辽市党群服务中心三楼会议室",
                unit=city,
                notes="市两新工委联合人民银行通辽市分行举办，4 家金融保险机构推介产品，32 家新业态企业参加。",
            ),
            actor=ACTOR,
        )
        event.institutions.set(institutions.values())
    if not event.matches.exists():
        _matches(event, institutions, needs, held_on)
    _reach()


def _matches(event, institutions, needs, held_on) -> None:
    abc, psbc = institutions["中国农业银行通辽分行"], institutions["中国邮政储蓄银行通辽市分行"]
    picc = institutions["中国人民财产保险股份有限公司通辽市分公司"]
    financing = next((n for t, n in needs.items() if n.kind == "financing"), None)
    rows = [
        # (county, industry, nth, institution, product name, kind, need, outcome (status, amount, workers))
        ("150502", "delivery", 0, abc, "创业担保贷款", "loan", financing, ("concluded", "500000", 0)),
        (
            "150502",
            "delivery",
            1,
            picc,
            "骑手团体意外伤害保险",
            "accident",
            None,
            ("concluded", None, 60),
        ),
        (
            "150525",
            "delivery",
            0,
            picc,
            "骑手团体意外伤害保险",
            "accident",
            None,
            ("concluded", None, 35),
        ),
        ("150523", "freight", 0, psbc, "小微易贷", "loan", None, ("concluded", "300000", 0)),
        ("150502", "express", 0, psbc, "小微易贷", "loan", None, ("declined", None, 0)),
        ("150581", "express", 0, picc, "雇主责任险（配送站点）", "liability", None, None),
    ]
    for county, industry, nth, institution, pname, kind, need, outcome in rows:
        enterprise = _enterprise(county, industry, nth)
        if enterprise is None:
            continue
        workers = min(outcome[2], enterprise.staff_count or outcome[2]) if outcome else 0
        match = services.record_match(
            actor=ACTOR,
            enterprise=enterprise,
            institution=institution,
            kind=kind,
            product=institution.products.get(name=pname),
            event=event,
            need=need,
            at=_at(held_on, 11),
        )
        if outcome:
            services.conclude_match(
                match,
                actor=ACTOR,
                status=outcome[0],
                # cover: 30 万元 per rider covered (the product's sum insured), whatever the site's head count
                amount=Decimal(300000 * workers) if kind in COVER_KINDS else _amount(outcome[1]),
                workers_covered=workers,
                concluded_on=held_on + datetime.timedelta(days=7) if outcome[0] == "concluded" else None,
            )


def _amount(value):
    return Decimal(value) if value else None


def _reach() -> None:
    """Who was told of and took up which policy: the county's delivery and express sites told of the rider
    insurance subsidy, the insured ones took it up; the financed site took up the guaranteed loan."""
    subsidy = Policy.objects.get(title="新就业形态骑手意外伤害保险补贴")
    loan = Policy.objects.get(title="小微企业创业担保贷款及贴息")
    guidance = Policy.objects.get(title="关于维护新就业形态劳动者劳动保障权益的指导意见")
    today = timezone.localdate()
    for enterprise in Enterprise.objects.filter(industry__in=("delivery", "express")).order_by("pk")[:12]:
        for policy in (subsidy, guidance):
            if not policy.reach.filter(enterprise=enterprise, kind="told").exists():
                services.record_reach(
                    policy, enterprise, actor=ACTOR, kind="told", date=today - datetime.timedelta(days=30)
                )
    for match in Match.objects.filter(status="concluded").select_related("enterprise"):
        policy = subsidy if match.kind == "accident" else loan if match.kind == "loan" else None
        if policy is None or (policy is subsidy and match.enterprise.industry not in ("delivery", "express")):
            continue
        if not policy.reach.filter(enterprise=match.enterprise, kind="taken_up").exists():
            benefit = Decimal(min(match.workers_covered, 100) * 50) if policy is subsidy else None
            services.record_reach(
                policy,
                match.enterprise,
                actor=ACTOR,
                kind="taken_up",
                date=match.concluded_on,
                benefit=benefit,
            )

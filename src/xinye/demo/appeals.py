"""Demo appeals: ~60 across the counties in every state of the loop, with tasks, events, a few overdue
(reminded and escalated by tick), returned and reopened ones. Also a few demo workers outside 科尔沁区.
Deterministic (seeded); idempotent (appeals keyed by idempotency key: nothing is made twice)."""

import datetime
import random

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.appeals import services
from xinye.appeals.choices import AppealCategory, AppealSource
from xinye.appeals.models import Appeal, AppealEvent
from xinye.core.crypto import keyed_hash
from xinye.orgs.models import OrgUnit
from xinye.workers.models import Worker

SEED = 20261128
DEMO = system_actor("demo")
N = 60
WORKER_NAMES = [
    "高峰",
    "马超",
    "郭旭",
    "何军",
    "罗斌",
    "梁宇",
    "宋佳",
    "韩冰",
    "唐俊",
    "冯雪",
    "董鹏",
    "萧然",
    "程刚",
    "曹阳",
    "袁博",
    "邓辉",
    "许诺",
    "傅强",
]
TEXTS = {
    AppealCategory.WAGES: ["配送站拖欠两个月工资，站长一直推脱", "跑单奖励承诺后没有兑现，约 1800 元"],
    AppealCategory.CONTRACT: ["公司只签了合作协议，不签劳动合同", "被要求注册个体户才能接单，想问是否合法"],
    AppealCategory.INSURANCE: ["平台没有给缴纳工伤保险，想了解职业伤害保障", "社保断缴了三个月，怎么补缴"],
    AppealCategory.ACCIDENT: ["送餐途中被汽车剐蹭，对方不肯赔偿", "骑车摔伤手腕，平台不认工伤"],
    AppealCategory.HARDSHIP: ["家里老人住院，手头困难，想申请临时救助", "冬天租的房子没有暖气，孩子感冒了"],
    AppealCategory.RED_EDUCATION: ["想组织站点的骑手参观革命纪念馆", "希望能参加党史学习讲座"],
    AppealCategory.SCHOOL: ["孩子随迁来通辽，想办理入学", "跨区上学手续不清楚，想咨询"],
    AppealCategory.LEGAL_AID: ["和商户发生纠纷被投诉扣款，想找律师咨询", "交通事故赔偿谈不拢，需要法律援助"],
    AppealCategory.COUNSELLING: ["最近压力很大晚上睡不着，想找人聊聊", "被顾客辱骂后情绪低落"],
    AppealCategory.JOBS: ["想换一份白天的工作，有没有招聘信息", "货车司机想找长期稳定的线路"],
    AppealCategory.EMERGENCY: ["雪天路滑同事摔倒受伤，需要紧急救助", "夜里车坏在国道上，没有取暖"],
    AppealCategory.OTHER: ["希望服务站增加电动车充电桩", "建议站点延长夜间开放时间"],
}
# How far along the loop each appeal gets (cycled): the demo shows every state.
STAGES = [
    "submitted",
    "dispatched",
    "signed",
    "overdue",
    "answered",
    "closed",
    "rated_ok",
    "rated_ok",
    "rated_bad",
    "returned",
    "rejected",
    "rated_ok",
]


def demo_workers(world) -> list[Worker]:
    """Two workers per county (Kerqin's come from the portal demo when present)."""
    workers = list(world.get("workers", []))
    communities = sorted(world["communities"].values(), key=lambda u: u.code)
    by_region = {}
    for unit in communities:
        by_region.setdefault(unit.region_id, []).append(unit)
    i = 0
    for region_code in sorted(by_region):
        for k in range(2):
            phone = f"1370475{i:04d}"
            unit = by_region[region_code][(k * 3) % len(by_region[region_code])]
            worker = Worker.objects.filter(phone_hash=keyed_hash(phone)).first()
            if worker is None:
                worker = Worker(
                    phone=phone,
                    name=WORKER_NAMES[i % len(WORKER_NAMES)],
                    unit=unit,
                    region=unit.region,
                    registered_at=timezone.now(),
                )
                worker.save()
            workers.append(worker)
            i += 1
    world["demo_workers"] = workers
    return workers


def _backdate(appeal: Appeal, start: datetime.datetime) -> None:
    # the appeal through save() (the change log records the demo's backdating); its events are the loop's
    # own record, not audited, and are stamped directly
    appeal.submitted_at = start
    appeal.number = f"SQ{timezone.localtime(start):%Y%m%d}{appeal.pk:05d}"
    appeal.save(update_fields=["submitted_at", "number"])
    AppealEvent.objects.filter(appeal=appeal).update(created_at=start)


def load(world: dict) -> None:
    workers = demo_workers(world)
    if not workers or Appeal.objects.filter(idempotency_key="demo-appeal-0").exists():
        return
    rng = random.Random(SEED)
    now = timezone.now()
    categories = list(AppealCategory.values)
    transport = OrgUnit.objects.filter(code="dept-transport").first()
    for i in range(N):
        worker = workers[rng.randrange(len(workers))]
        category = categories[i % len(categories)]
        stage = STAGES[i % len(STAGES)]
        # every step happens in the past: the longest path below takes about 4 days
        days_ago = (
            35 if stage == "overdue" else rng.randint(1 if stage in ("submitted", "dispatched") else 6, 30)
        )
        start = now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 10))
        source = AppealSource.VISIT if i % 9 == 4 else AppealSource.PORTAL
        if source == AppealSource.VISIT:
            appeal = services.file_appeal(
                actor=DEMO,
                category=category,
                text=rng.choice(TEXTS[category]),
                idempotency_key=f"demo-appeal-{i}",
                source=source,
                region=worker.region,
            )
        else:
            appeal = services.submit_appeal(
                worker=worker,
                category=category,
                text=rng.choice(TEXTS[category]),
                idempotency_key=f"demo-appeal-{i}",
                region=worker.region,
            )
        _backdate(appeal, start)
        if stage == "submitted":
            continue
        step = start + datetime.timedelta(hours=2)
        if stage == "rejected":
            services.reject_appeal(appeal, actor=DEMO, reason="不属于诉求受理范围，已告知向市场监管部门反映")
            continue
        tasks = services.dispatch_appeal(appeal, actor=DEMO, at=step, instruction="请按时限办理并答复")
        if stage == "dispatched":
            continue
        if stage == "returned":
            task = tasks[0]
            services.return_task(
                task,
                actor=DEMO,
                reason="不属于本单位职责，建议转交通运输部门",
                at=step + datetime.timedelta(hours=3),
            )
            if transport is not None and appeal.tasks.filter(unit=transport).count() == 0:
                services.dispatch_appeal(
                    appeal, actor=DEMO, units=[transport], at=step + datetime.timedelta(hours=5)
                )
            continue
        sign_at = step + datetime.timedelta(hours=rng.choice([1, 3, 30]))
        for task in tasks:
            services.sign_task(task, actor=DEMO, at=sign_at)
            services.add_progress(
                task,
                actor=DEMO,
                note="已与诉求人电话联系，了解具体情况",
                public=True,
                at=sign_at + datetime.timedelta(hours=1),
            )
        if stage in ("signed", "overdue"):
            continue
        answer_at = sign_at + datetime.timedelta(days=1)
        for task in tasks:
            services.answer_task(
                task, actor=DEMO, answer="已协调相关单位办理，结果已告知诉求人", at=answer_at
            )
        services.answer_appeal(
            appeal,
            actor=DEMO,
            answer="您反映的问题已协调办理，如有疑问请联系所在社区服务站",
            at=answer_at + datetime.timedelta(hours=2),
        )
        if stage == "answered":
            continue
        close_at = answer_at + datetime.timedelta(hours=4)
        services.close_appeal(appeal, actor=DEMO, at=close_at)
        if stage == "closed":
            continue
        visit_at = close_at + datetime.timedelta(days=1)
        if stage == "rated_ok":
            services.return_visit(
                appeal, actor=DEMO, note="电话回访，诉求人表示满意", satisfied=True, at=visit_at
            )
        else:
            services.return_visit(appeal, actor=DEMO, note="电话回访", at=visit_at)
            appeal.refresh_from_db()
            if appeal.worker_id:
                services.rate_appeal(
                    appeal,
                    worker=appeal.worker,
                    satisfied=False,
                    comment="问题没有彻底解决",
                    at=visit_at + datetime.timedelta(hours=2),
                )
            else:
                # a visit appeal has no portal worker to rate: staff reopen on the call's verdict
                services.reopen_appeal(appeal, actor=DEMO, reason="回访不满意", at=visit_at)
    services.tick(actor=system_actor("tick"), now=now)

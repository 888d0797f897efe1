"""Demo plans: this year's work plans of the city 两新工委 and the five 行业党委 with their goals (live goals
read today's real figures, a reported one with its evidence), a monthly task to all 53 行业党建办 for every
month of the year so far with a realistic mix of on-time, late and still-overdue work, a task due in two
working days, the reminders and escalations `xinye tick` writes, 督办 notices (one answered), the ranking
rule table and a published ranking for every finished month, and the 50-day 摸排–组建–选派 drive.
Deterministic; idempotent."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.core import workdays
from xinye.orgs.choices import UnitKind
from xinye.orgs.models import OrgUnit
from xinye.plans import services
from xinye.plans.choices import Indicator, ReportKind
from xinye.plans.models import Drive, Goal, Plan, PlanNotice, PlanTask

ACTOR = system_actor("demo")

CITY_GOALS = [
    ("新业态企业党组织覆盖率", Indicator.ORGANISATION_RATE, "35", "%"),
    ("党的工作覆盖率保持 100%", Indicator.WORK_RATE, "100", "%"),
    ("党建指导员走访对接", Indicator.VISITS, "600", "次"),
    ("党组织正常运转", Indicator.ORGS_RUNNING, "53", "个"),
    ("在新就业群体中发展党员", Indicator.MEMBERS_DEVELOPED, "30", "名"),
    ("诉求按期办结率", Indicator.APPEALS_ON_TIME, "95", "%"),
    ("新业态党建服务站", Indicator.STATIONS, "350", "个"),
]
COMMITTEE_GOALS = [
    ("本行业企业党组织覆盖率", Indicator.ORGANISATION_RATE, "35", "%"),
    ("本行业党的工作覆盖率", Indicator.WORK_RATE, "100", "%"),
    ("本行业走访对接", Indicator.VISITS, "120", "次"),
    ("本行业发展党员", Indicator.MEMBERS_DEVELOPED, "6", "名"),
]
MONTHLY = {
    1: "开展年初新业态企业摸排“回头看”",
    2: "制定本单位年度党建工作计划",
    3: "组织新就业群体党员参加春季集中学习",
    4: "排查应建未建企业并提出组建方案",
    5: "开展“小哥”暖心服务进站点活动",
    6: "迎“七一”开展主题党日并报送活动情况",
    7: "推进联合党支部规范化建设",
    8: "开展党建指导员走访对接全覆盖",
    9: "组织党务工作者业务培训",
    10: "开展党组织正常运转情况自查",
    11: "报送新业态党建工作年度进展",
    12: "做好年度述职评议和党费收缴核对",
}


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _due(year: int, month: int) -> datetime.date:
    return workdays.add_workdays(datetime.date(year, month, 22), 0)


def _plans(world, city_wc, committees, year):
    plans = {}
    specs = [(city_wc, f"{year}年通辽市新业态新就业群体党建工作方案", CITY_GOALS)] + [
        (c, f"{year}年{c.name}工作方案", COMMITTEE_GOALS) for c in committees
    ]
    for owner, title, goals in specs:
        plan = Plan.objects.filter(year=year, owner=owner).first()
        if plan is None:
            plan = services.save_plan(
                Plan(
                    year=year,
                    owner=owner,
                    title=title,
                    summary="明确年度工作目标、月度工作计划，督促各地行业党建办抓好工作落实。",
                ),
                actor=ACTOR,
            )
            for sort, (name, indicator, target, unit_label) in enumerate(goals):
                services.save_goal(
                    Goal(
                        plan=plan,
                        title=name,
                        indicator=indicator,
                        target=Decimal(target),
                        unit_label=unit_label,
                        sort=sort,
                    ),
                    actor=ACTOR,
                )
            services.save_goal(
                Goal(
                    plan=plan,
                    title="培训党务工作者",
                    indicator=Indicator.REPORTED,
                    target=Decimal(200 if owner == city_wc else 40),
                    unit_label="人次",
                    reported_value=Decimal(186 if owner == city_wc else 35),
                    evidence="全年举办党务工作者示范培训班 4 期，签到表和培训通知已归档。",
                    sort=len(goals),
                ),
                actor=ACTOR,
            )
        plans[owner.pk] = plan
    return plans


def _tasks(city_wc, offices, plan, today):
    if PlanTask.objects.exists():
        return
    rng = random.Random(16)
    year = today.year
    for month in range(1, today.month + 1):
        due = _due(year, month)
        issued = workdays.add_workdays(datetime.date(year, month, 1), 0)
        tasks = services.issue_tasks(
            actor=ACTOR,
            offices=offices,
            issuer=city_wc,
            title=f"{month}月：{MONTHLY[month]}",
            details="按市两新工委月度工作计划完成，并报送工作进展和佐证材料。",
            due_date=due,
            plan=plan,
            now=_at(issued),
        )
        recent = (today - due).days < 75
        for task in tasks:
            r = rng.random()
            services.sign_task(
                task, actor=ACTOR, now=_at(workdays.add_workdays(issued, rng.randint(0, 2)), 10)
            )
            mid = issued + datetime.timedelta(days=8)
            if mid < today:
                services.report_task(
                    task,
                    actor=ACTOR,
                    text="已部署，正在推进，完成约一半。",
                    kind=ReportKind.PROGRESS,
                    now=_at(mid, 15),
                )
            if due >= today:  # this month's task: still open, nobody late yet
                continue
            if r < 0.72:
                done = due - datetime.timedelta(days=rng.randint(0, 6))
            elif r < 0.9 or not recent:
                done = due + datetime.timedelta(days=rng.randint(2, 9))
            else:
                continue  # overdue and still open
            if done >= today:
                continue
            services.report_task(
                task, actor=ACTOR, text="已完成，佐证材料已上传。", kind=ReportKind.FINAL, now=_at(done, 16)
            )
    soon = workdays.add_workdays(today, 2)
    kerqin = [o for o in offices if o.region_id == "150502"]
    services.issue_tasks(
        actor=ACTOR,
        offices=kerqin,
        issuer=city_wc,
        title="报送新就业群体年度走访台账",
        details="汇总本年度走访对接记录，报市两新工委。",
        due_date=soon,
        plan=plan,
        now=_at(today, 8),
    )


def _supervision(city_wc, committees, today):
    if PlanNotice.objects.filter(kind="supervision", key__isnull=True).exists():
        return
    overdue = list(
        services.overdue_tasks(PlanTask.objects.select_related("office"), today).order_by("pk")[:2]
    )
    for n, task in enumerate(overdue):
        committee = next((c for c in committees if c.pk == task.office.answers_to_id), city_wc)
        notice = services.send_supervision(
            actor=ACTOR,
            office=task.office,
            sender=committee,
            task=task,
            message=f"请说明“{task.title}”逾期未完成的原因，并明确完成时间。",
        )
        if n == 0:
            services.reply_notice(
                notice, actor=ACTOR, reply="因站点负责人调整延误，已落实专人，本周五前完成并报送。"
            )


def load(world: dict) -> None:
    today = timezone.localdate()
    city_wc = OrgUnit.objects.get(code="tl-lxgw")
    committees = list(OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_COMMITTEE).order_by("sort"))
    offices = list(OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_OFFICE, is_active=True).order_by("path"))
    services.ensure_score_rules(actor=ACTOR, owner=city_wc)
    plans = _plans(world, city_wc, committees, today.year)
    _tasks(city_wc, offices, plans[city_wc.pk], today)
    services.tick(actor=system_actor("tick"))
    _supervision(city_wc, committees, today)
    for month in range(1, today.month):
        services.publish_ranking(datetime.date(today.year, month, 1), actor=ACTOR, today=today)
    title = "新业态新就业群体党组织摸排、组建和党建指导员选派 50 天攻坚行动"
    if not Drive.objects.filter(title=title).exists():
        start = today - datetime.timedelta(days=35)
        services.save_drive(
            Drive(
                title=title,
                owner=city_wc,
                start=start,
                deadline=start + datetime.timedelta(days=49),
                description="边摸排、边组建，应建尽建；分级分片选派党建指导员，50 天内完成。",
                target_surveyed=310,
                target_formed=53,
                target_instructors=50,
            ),
            actor=ACTOR,
        )
    world["plans"] = plans

"""Demo volunteering: the demo workers registered as volunteers, 10 activities (past ones with
confirmed attendance and hours, coming ones open for sign-up). Deterministic; idempotent."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from xinye.accounts.permissions import system_actor
from xinye.volunteers import services
from xinye.volunteers.choices import ActivityCategory, ActivityStatus
from xinye.volunteers.models import VolunteerActivity, VolunteerSignup

SEED = 1128
ACTIVITIES = [
    ("冬季道路安全劝导", ActivityCategory.SAFETY, "和平路与建国路交叉口"),
    ("社区疫苗接种引导", ActivityCategory.EPIDEMIC, "社区卫生服务站"),
    ("文明交通我先行", ActivityCategory.CIVILITY, "明仁大街"),
    ("关爱空巢老人送餐", ActivityCategory.CARE, "幸福社区"),
    ("平安巡逻夜间小分队", ActivityCategory.SAFETY, "商业步行街"),
    ("垃圾分类宣传", ActivityCategory.CIVILITY, "团结社区广场"),
    ("骑手献血日", ActivityCategory.CARE, "市中心血站"),
    ("雪后清扫人行道", ActivityCategory.CIVILITY, "永清大街"),
    ("防诈骗宣传进站点", ActivityCategory.SAFETY, "新业态党建服务站"),
    ("冬季送温暖", ActivityCategory.CARE, "民主社区"),
]


ACTOR = system_actor("demo")


def load(world: dict) -> None:
    workers = world.get("demo_workers") or world.get("workers") or []
    if not workers or VolunteerActivity.objects.filter(title=ACTIVITIES[0][0]).exists():
        return
    rng = random.Random(SEED)
    profiles = [
        services.register_volunteer(worker=w, skills=rng.choice(["急救", "驾驶", "宣传", ""]))
        for w in workers
        if w.unit_id
    ]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for i, (title, category, place) in enumerate(ACTIVITIES):
        host = profiles[(i * 3) % len(profiles)].unit
        start = now + datetime.timedelta(days=(i - 5) * 4, hours=9 - now.hour)
        activity = services.publish_activity(
            actor=ACTOR,
            unit=host,
            title=title,
            category=category,
            place=place,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=rng.choice([2, 3, 4])),
            capacity=rng.choice([10, 15, 20]),
        )
        members = [p for p in profiles if p.region_id == host.region_id] or profiles[:3]
        past = start < timezone.now()
        for profile in members[:6]:
            if past:
                signup, _ = VolunteerSignup.objects.get_or_create(activity=activity, profile=profile)
                services.confirm_attendance(signup, actor=ACTOR, attended=rng.random() > 0.15)
            else:
                services.sign_up(activity, worker=profile.worker)
        if past:
            activity.status = ActivityStatus.FINISHED
            services.save_activity(activity, actor=ACTOR)
    world["volunteer_hours"] = Decimal(sum(p.hours.count() for p in profiles))

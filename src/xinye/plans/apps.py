from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "xinye.plans"
    pillar = "institutions"
    verbose_name = _("制度落实 · 工作方案与督办")
    nav_links = [
        (_("行业党建办月度排名"), "leaderboard", "plans:ranking", "plans.officescore"),
        (_("任务督办"), "assignment_late", "plans:board", "plans.plantask"),
    ]
    tick = "xinye.plans.services.tick"  # xinye tick (core.ticks): 签收提醒, 临期提醒, 催办, 逾期上报督办

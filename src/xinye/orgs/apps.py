from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "xinye.orgs"
    pillar = "who"
    nav_links = [
        (_("责任矩阵"), "grid_view", "orgs:matrix", "orgs.responsibility"),
        (_("组织树"), "account_tree", "orgs:tree", "orgs.orgunit"),
    ]
    verbose_name = _("谁负责 · 组织体系")

from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "xinye.orgs"
    pillar = "who"
    nav_links = [
        ("责任矩阵", "grid_view", "orgs:matrix", "orgs.responsibility"),
        ("组织树", "account_tree", "orgs:tree", "orgs.orgunit"),
    ]
    verbose_name = "谁负责 · 组织体系"

"""The console home lists the apps in the sidebar's order — the article's six pillars, then system and audit —
and the groups are named by what they hold (issue 17)."""

from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from xinye.console.navigation import PILLARS


def test_home_page_apps_follow_the_pillars(world):
    request = RequestFactory().get("/admin/")
    request.user = world["users"]["city_admin"]
    app_list = admin.site.get_app_list(request)
    order = {code: i for i, (code, _title) in enumerate(PILLARS)}
    ranks = [
        order.get(getattr(apps.get_app_config(a["app_label"]), "pillar", None), len(order)) for a in app_list
    ]
    assert len(app_list) > 5 and ranks == sorted(ranks)
    assert ranks[0] == order["who"]


def test_the_groups_are_named_by_what_they_hold(client_for):
    page = client_for("city_admin").get("/admin/").content.decode()
    for title in ("一、谁负责", "二、怎么建", "三、作用发挥", "四、如何保障", "五、队伍建设"):
        assert title in page
    assert "力量弱" not in page
    assert page.index("一、谁负责") < page.index("四、如何保障") < page.index("五、队伍建设")

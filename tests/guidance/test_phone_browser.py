"""An instructor on a phone (375×667): opens their list, sees what is due, logs a visit."""

import pytest

from xinye.accounts.permissions import system_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_instructor_logs_a_visit_on_a_phone(browser, live_server, world, rebuild_world_after, artifacts):
    from tests.guidance import helpers
    from xinye.accounts.models import User
    from xinye.guidance.models import Visit
    from xinye.orgs.models import OrgUnit
    from xinye.orgs.services import assign_responsibility

    office = OrgUnit.objects.get(code="djb-kerqin-delivery")
    agent = helpers.agent(office, "instructor", "王指导", user=User.objects.get(username="instructor"))
    station = helpers.enterprise(office, "美团外卖明仁站")
    assign_responsibility(station, "instructor", agent=agent, actor=system_actor("test"))

    page = browser.new_page(viewport={"width": 375, "height": 667}, locale="zh-CN", is_mobile=True)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/guidance/my/")
    page.fill("input[name=username]", "instructor")
    page.fill("input[name=password]", "Xinye@Demo2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/guidance/my/")
    assert "美团外卖明仁站" in page.content() and "逾期未走访" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    page.click("text=记录走访")
    page.wait_for_url("**/admin/guidance/my/?enterprise=*")
    page.check("input[name=topics][value=policy]")
    page.check("input[name=is_care_visit]")
    page.fill("textarea[name=summary]", "宣讲政策，慰问骑手")
    page.fill("textarea[name=problem]", "站点缺少充电桩")
    page.click("#visit-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已记录" in page.content() and "本季度已走访" in page.content()
    page.screenshot(path=str(artifacts / "guidance-my-phone.png"), full_page=True)
    visit = Visit.objects.get(agent=agent, enterprise=station)
    assert visit.topics == ["policy"] and visit.is_care_visit
    assert [p.description for p in visit.problems.all()] == ["站点缺少充电桩"]
    page.close()

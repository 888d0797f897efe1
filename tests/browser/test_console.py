"""A county administrator logs into the console and finds their county — and only it."""

import pytest

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_admin_sees_their_tree(browser, live_server, world, rebuild_world_after, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(page, live_server.url, "kerqin_admin")
    assert "一、谁负责" in page.content()
    page.click("text=一、谁负责")  # expand the pillar's group in the sidebar
    page.click("text=组织树")
    page.wait_for_url("**/admin/orgs/tree/")
    body = page.inner_text("main") if page.query_selector("main") else page.inner_text("body")
    assert "科尔沁区两新工委" in body
    assert "奈曼旗两新工委" not in body
    page.screenshot(path=str(artifacts / "console-tree-kerqin.png"), full_page=True)
    page.close()


def test_wrong_password_is_refused_in_chinese(browser, live_server, world, rebuild_world_after):
    page = browser.new_page(locale="zh-CN")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "city_admin")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert "请输入" in page.content() or "正确" in page.content()
    page.close()

"""In a real browser: 市级管理员 signs in with the password and then the code; a new account of a required
role enrols by the QR page first and is shown its recovery codes."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Xinye@Demo2026"


def _sign_in(page, base, username):
    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_password_then_code_then_the_console(browser, live_server, world, rebuild_world_after, artifacts):
    from tests.accounts.otp import code_at
    from xinye.accounts.services import otp_device

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _sign_in(page, live_server.url, "city_admin")
    page.wait_for_url("**/admin/otp/?next=*")
    assert "请输入动态验证码" in page.content()
    page.screenshot(path=str(artifacts / "otp-code-step.png"), full_page=True)
    page.fill("input[name=otp_token]", code_at(otp_device(world["users"]["city_admin"])))
    page.click("#otp-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "一、谁负责" in page.content()
    page.close()


def test_a_new_required_account_enrols_with_the_qr_page(
    browser, live_server, world, rebuild_world_after, artifacts
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.accounts.otp import code_at
    from xinye.accounts.models import User
    from xinye.accounts.permissions import system_actor
    from xinye.accounts.services import assign_role

    user = User.objects.create_user("new_auditor", password=PASSWORD, is_staff=True)
    assign_role(user, "auditor", world["units"]["tl-zzb"], actor=system_actor("test"))
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    _sign_in(page, live_server.url, "new_auditor")
    page.wait_for_url("**/admin/otp/setup/**")
    assert page.is_visible("#otp-qr") and page.inner_text("#otp-secret")
    page.screenshot(path=str(artifacts / "otp-enrolment.png"), full_page=True)
    page.fill("input[name=otp_token]", code_at(TOTPDevice.objects.get(user=user)))
    page.click("#otp-form button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    assert len(page.query_selector_all("#recovery-codes li")) == 10
    page.click("text=我已保存，进入工作台")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.close()

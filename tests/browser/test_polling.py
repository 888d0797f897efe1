"""The shared polling module (core/poll.js) in a browser: the job page follows its job until it is done and
then shows the download, and the wall screen fetches fresh figures on its timer — with no console error."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _errors(page) -> list:
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.location.get("url", "").endswith("/favicon.ico")
            and errors.append(m.text)
        ),
    )
    return errors


def test_the_job_page_follows_its_job_until_the_download(browser, live_server, world, rebuild_world_after):
    from tests.jobs.helpers import run_worker
    from xinye.jobs.models import Job

    page = browser.new_page(locale="zh-CN")
    errors = _errors(page)
    sign_in(page, live_server.url, "kerqin_admin")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"].endswith("csrftoken"))
    started = page.request.post(
        f"{live_server.url}/admin/reports/statistics.xlsx",
        form={"period": f"{timezone.localdate():%Y-%m}", "scope": "djb-kerqin-delivery"},
        headers={"X-CSRFToken": csrf, "Referer": f"{live_server.url}/admin/"},
        max_redirects=0,
    )
    assert started.status == 302, started.text()
    job = Job.objects.get()
    page.goto(f"{live_server.url}/admin/jobs/{job.token.hex}/")
    assert "排队中" in page.inner_text("#job-state")
    run_worker()
    page.wait_for_selector("#job-download", timeout=15000)  # done: the page reloaded itself
    assert "已完成" in page.inner_text("#job-state")
    assert not errors, errors
    page.close()


def test_the_wall_screen_refreshes_on_its_timer(
    browser, live_server, world, rebuild_world_after, monkeypatch
):
    from xinye.accounts.models import User
    from xinye.orgs.models import OrgUnit
    from xinye.reports import services, views_screen

    monkeypatch.setattr(views_screen, "REFRESH_SECONDS", 1)  # the page's timer, shortened for the test
    city_admin = User.objects.get(username="city_admin")
    link, key = services.create_display_link(
        name="三楼会议室", unit=OrgUnit.objects.get(code="tl-zzb"), actor=city_admin
    )
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    errors = _errors(page)
    page.goto(f"{live_server.url}/screen/k/{key}/")
    page.evaluate("document.getElementById('screen-updated').textContent = '—'")
    # expect() polls from Playwright's side: wait_for_function would eval a string, which the page's CSP forbids
    expect(page.locator("#screen-updated")).not_to_have_text("—", timeout=15000)
    assert not errors, errors
    # revoked: the next fetch answers 404 and the screen reloads to show it
    services.revoke_display_link(link, actor=city_admin)
    with page.expect_navigation(timeout=15000) as navigation:
        pass
    assert navigation.value.status == 404
    page.close()

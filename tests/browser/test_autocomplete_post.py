"""Issue 18 item 8 in a browser: typing a name into a console picker (select2) sends it in a POST body — no
request URL carries it — and the picker still offers the person."""

import pytest

from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_picker_posts_what_is_typed(browser, live_server, world, rebuild_world_after, monkeypatch):
    from tests.ledger.factories import make_enterprise, make_practitioner
    from xinye.console.sites import PrivateAutocompleteJsonView

    # The terms as the server receives them. Opening the picker already sends a search without a term, whose
    # answer may list 欧阳选择 too: the test waits for the typed term to arrive, not only for the option.
    received = []
    original_post = PrivateAutocompleteJsonView.post

    def recording_post(self, request, *args, **kwargs):
        received.append(request.POST.get("term"))
        return original_post(self, request, *args, **kwargs)

    monkeypatch.setattr(PrivateAutocompleteJsonView, "post", recording_post)

    make_practitioner(
        make_enterprise(world["units"]["djb-kerqin-delivery"], name="选择器企业"), name="欧阳选择"
    )
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    urls, searches = [], []
    page.on("request", lambda r: urls.append(r.url))
    page.on(
        "request",
        lambda r: "/admin/autocomplete/" in r.url and searches.append(r.method),
    )
    sign_in(page, live_server.url, "kerqin_admin")
    page.goto(f"{live_server.url}/admin/ledger/partymember/add/")
    page.locator("#id_practitioner").locator("xpath=following-sibling::span[1]").click()
    page.keyboard.type("欧阳")
    for _ in range(150):  # select2 waits 250 ms after the last key before it searches
        if "欧阳" in received:
            break
        page.wait_for_timeout(100)
    assert "欧阳" in received, received
    option = page.locator(".select2-results__option", has_text="欧阳选择")
    option.wait_for(timeout=15000)
    assert searches and all(method == "POST" for method in searches), searches
    assert not [u for u in urls if "term=" in u or "%E6%AC%A7" in u], urls  # 欧 never in an address
    page.close()

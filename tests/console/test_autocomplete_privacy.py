"""The console's pickers (autocomplete) search by POST, so a typed name stays out of the URL (issue 18 item 8):
the site's autocomplete answers a POST with the parameters in the body — the same answer as the GET, in
scope, and refused without the CSRF token. The browser side (console/private-ajax.js turning the picker's
request into that POST) is tests/browser/test_autocomplete_post.py."""

import pytest

from tests.ledger.factories import make_enterprise, make_practitioner

pytestmark = pytest.mark.django_db
URL = "/admin/autocomplete/"


def _params(term):
    return {"term": term, "app_label": "ledger", "model_name": "partymember", "field_name": "practitioner"}


def _names(response):
    assert response.status_code == 200, response.content[:300]
    return sorted(r["text"] for r in response.json()["results"])


def test_a_post_finds_what_the_get_finds_in_scope(world, client_for):
    kerqin = make_enterprise(world["units"]["djb-kerqin-delivery"], name="选择器企业")
    naiman = make_enterprise(world["units"]["djb-naiman-delivery"], name="选择器外地企业")
    make_practitioner(kerqin, name="欧阳选择")
    make_practitioner(naiman, name="欧阳外地")
    client = client_for("kerqin_admin")
    posted = _names(client.post(URL, _params("欧阳")))
    assert posted == _names(client.get(URL, _params("欧阳")))
    assert any("欧阳选择" in n for n in posted) and not any("欧阳外地" in n for n in posted)


def test_a_post_without_the_csrf_token_is_refused(world, client_for):
    client = client_for("kerqin_admin")
    client.handler.enforce_csrf_checks = True
    assert client.post(URL, _params("欧阳")).status_code == 403


def test_every_console_page_loads_the_script(world, client_for):
    page = client_for("kerqin_admin").get("/admin/ledger/partymember/add/").content.decode()
    assert "console/private-ajax" in page and "data-ajax--url" in page

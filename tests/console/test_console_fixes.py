"""The console as a new user met it (issue 17): error pages in Chinese with a way back, a 4xx without a
traceback in the log, single-line inputs for ID numbers and phones."""

import logging

from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from tests.accounts.otp import pass_second_factor
from xinye.core.logs import QuietClientErrors


def test_a_stale_station_qr_code_gets_a_chinese_404_with_the_way_back(client, world):
    r = client.get("/m/s/no-such-station/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "页面不存在" in html and "二维码" in html
    assert 'href="/m/"' in html and 'href="/m/sos/"' in html
    assert "Not Found" not in html


def test_a_console_page_outside_the_role_is_a_chinese_403_back_to_the_workbench(client, world):
    client.force_login(world["users"]["auditor"])
    pass_second_factor(client, world["users"]["auditor"])
    r = client.get("/admin/ledger/enterprise/")
    assert r.status_code == 403
    html = r.content.decode()
    assert "没有权限" in html and 'href="/admin/"' in html and "Forbidden" not in html


def test_a_4xx_keeps_its_log_line_but_not_the_traceback_and_a_5xx_keeps_both():
    quiet = QuietClientErrors()
    try:
        raise PermissionDenied
    except PermissionDenied:
        import sys

        info = sys.exc_info()
    request = RequestFactory().get("/admin/ledger/enterprise/")
    forbidden = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Forbidden: %s", (request.path,), info
    )
    forbidden.status_code = 403
    assert quiet.filter(forbidden) and forbidden.exc_info is None
    assert "Forbidden: /admin/ledger/enterprise/" == forbidden.getMessage()
    failed = logging.LogRecord("django.request", logging.ERROR, "", 0, "Internal Server Error", (), info)
    failed.status_code = 500
    assert quiet.filter(failed) and failed.exc_info is info


def test_the_filter_is_on_djangos_request_logger(settings):
    assert "quiet_client_errors" in settings.LOGGING["loggers"]["django.request"]["filters"]


def test_id_number_and_phone_are_single_line_inputs(client, world):
    """Issue 17: an encrypted ID number or phone is one line of digits, not a 220 px text area."""
    import re

    from tests.ledger.factories import make_enterprise, make_practitioner

    person = make_practitioner(make_enterprise(world["units"]["djb-kerqin-delivery"]), phone="13912345678")
    client.force_login(world["users"]["city_admin"])
    pass_second_factor(client, world["users"]["city_admin"])
    html = client.get(f"/admin/ledger/practitioner/{person.pk}/change/").content.decode()
    for name in ("id_number", "phone"):
        assert re.search(rf'<input[^>]*name="{name}"', html), name
        assert not re.search(rf'<textarea[^>]*name="{name}"', html), name
    assert re.search(
        r'<input[^>]*inputmode="tel"[^>]*name="phone"|<input[^>]*name="phone"[^>]*inputmode="tel"', html
    )


def test_covered_enterprises_are_picked_by_searching_within_scope(client_for, world):
    """覆盖企业 (and 委员, the online groups' members, a formation's enterprises) are searchable pickers:
    typing part of a name asks the server, which answers only with what the clerk's scope holds."""
    from tests.ledger.factories import make_enterprise

    mine = make_enterprise(world["units"]["djb-kerqin-delivery"], name="检索测试科尔沁快送")
    other = make_enterprise(world["units"]["djb-naiman-delivery"], name="检索测试奈曼快送")
    console = client_for("kerqin_admin")
    for model, field in [("partyorganisation", "enterprises"), ("formationcase", "enterprises")]:
        r = console.get(
            "/admin/autocomplete/",
            {"app_label": "ledger", "model_name": model, "field_name": field, "term": "检索测试"},
        )
        assert r.status_code == 200, (model, r.status_code)
        ids = {int(item["id"]) for item in r.json()["results"]}
        assert mine.pk in ids and other.pk not in ids
    add = console.get("/admin/ledger/formationcase/add/").content.decode()
    assert "admin-autocomplete" in add and "selectfilter" not in add.lower()

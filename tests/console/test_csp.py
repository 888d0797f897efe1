"""The content security policy: per kind of page, kept between responses, and still right when a setting
changes, a response adjusts its own policy or a page uses a nonce."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from xinye.console.middleware import ContentSecurityPolicyMiddleware

HEADER = "Content-Security-Policy"


def _directive(policy: str, name: str) -> str:
    return next(part.strip() for part in policy.split(";") if part.strip().startswith(name))


def _serve(path, response=None, before=None):
    """The policy middleware around a view answering `response` (a plain page by default)."""
    middleware = ContentSecurityPolicyMiddleware(lambda request: response or HttpResponse("ok"))
    request = RequestFactory().get(path)
    middleware.process_request(request)
    if before is not None:
        before(request)
    return request, middleware.process_response(request, response or HttpResponse("ok"))


def test_each_kind_of_page_keeps_its_own_policy_across_responses():
    for _ in range(2):  # the first response of a kind builds its policy, the second reuses it
        console = _serve("/admin/login/")[1][HEADER]
        portal = _serve("/m/")[1][HEADER]
        api = _serve("/api/v1/stations/nearest")[1][HEADER]
        assert "'unsafe-eval'" in _directive(console, "script-src")
        assert "'unsafe-eval'" not in portal and "'unsafe-eval'" not in api
        assert _directive(api, "default-src") == "default-src 'self'"
        assert "frame-ancestors 'none'" in portal


@pytest.mark.django_db
def test_a_changed_setting_changes_the_next_policy(settings, client):
    assert "https://cdn.example.cn" not in client.get("/healthz")[HEADER]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "img-src": ["https://cdn.example.cn"],
        }
    }
    assert "img-src https://cdn.example.cn" in client.get("/healthz")[HEADER]
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert "default-src 'none'" in client.get("/healthz")["Content-Security-Policy-Report-Only"]


def test_a_response_that_adjusts_its_policy_gets_its_own_and_the_next_does_not():
    special = HttpResponse("ok")
    special._csp_update = {"img-src": ["https://maps.example.cn"]}
    assert "https://maps.example.cn" in _serve("/m/", special)[1][HEADER]
    assert "https://maps.example.cn" not in _serve("/m/")[1][HEADER]
    exempt = HttpResponse("ok")
    exempt._csp_exempt = True
    assert HEADER not in _serve("/m/", exempt)[1]
    own = HttpResponse("ok")
    own[HEADER] = "default-src 'none'"
    assert _serve("/m/", own)[1][HEADER] == "default-src 'none'"


def test_a_page_that_used_a_nonce_gets_it_in_its_policy(settings):
    from csp.constants import NONCE

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "script-src": ["'self'", NONCE]}}
    first, first_response = _serve("/m/", before=lambda request: str(request.csp_nonce))
    second, second_response = _serve("/m/", before=lambda request: str(request.csp_nonce))
    assert f"'nonce-{first._csp_nonce}'" in first_response[HEADER]
    assert f"'nonce-{second._csp_nonce}'" in second_response[HEADER]  # each page its own, none kept
    assert first._csp_nonce != second._csp_nonce
    assert "'nonce-" not in _serve("/m/")[1][HEADER]
    with pytest.raises(Exception, match="csp_nonce"):
        str(_serve("/m/")[0].csp_nonce)  # asked for after the header was written: an error, not a gap

"""Issue 18 item 9: a crawl over every route of the URL resolver (dummy values for its parameters).

- every non-public route refuses an anonymous visitor (a redirect to a sign-in page, 401 or 403), and the
  public ones are an explicit list;
- every response carries nosniff, a Referrer-Policy, frame-ancestors 'none' and a CSP without inline
  script; pages that may show personal data (the console, the API, the portal's 我的) say no-store;
- production sends HSTS and names its cookies __Host-.
"""

import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.crawl import routes

# Public by design: the sign-in pages, health probes, the API's description, the worker portal's open pages
# (stations, campaigns, models of workers, services, 紧急求助), Open311's read endpoints (GeoReport v2 is
# public), the language switch. Media files answer 404 to anyone outside the record's scope, anonymous or not.
PUBLIC = [
    r"/",
    r"/healthz",
    r"/readyz",
    r"/i18n/setlang/",
    r"/admin/login/",
    r"/admin/logout/",
    r"/api/v1/",
    r"/api/v1/docs",
    r"/api/v1/openapi\.json",
    r"/api/v1/services",
    r"/api/v1/stations/nearest",
    r"/m/",
    r"/m/login/",
    r"/m/logout/",
    r"/m/sos/",
    r"/m/services/",
    r"/m/notice/[^/]+/",
    r"/m/s/[^/]+/",
    r"/m/s/[^/]+/checkin/",
    r"/m/campaigns/(.*)",
    r"/m/models/(.*)",
    r"/open311/v2/.*",
    r"/media/.*",
]
_PUBLIC = re.compile("|".join(f"(?:{p})" for p in PUBLIC) + r"\Z")
LOGIN_PAGES = ("/admin/login/", "/m/login/")


@pytest.fixture(scope="module")
def all_routes():
    found = routes()
    assert len(found) > 500  # the console, the API and the portal: the walk found them
    return found


@pytest.fixture
def quiet():
    logging.disable(logging.CRITICAL)  # ~900 expected 401/404 warnings
    yield
    logging.disable(logging.NOTSET)


def _refused(response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code in (301, 302) and response["Location"].startswith(LOGIN_PAGES)


def _check_headers(url, response, problems):
    csp = response.get("Content-Security-Policy", "")
    directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no nosniff")
    if not response.get("Referrer-Policy"):
        problems.append(f"{url}: no Referrer-Policy")
    if directives.get("frame-ancestors") != "'none'":
        problems.append(f"{url}: frame-ancestors is {directives.get('frame-ancestors')!r}")
    script = directives.get("script-src", directives.get("default-src", ""))
    if not script or "'unsafe-inline'" in script:
        problems.append(f"{url}: script-src {script!r}")


def test_every_non_public_route_refuses_anonymous_visitors_with_the_security_headers(db, all_routes, quiet):
    client = Client(raise_request_exception=False)
    open_doors, problems = [], []
    for url, name in all_routes:
        response = client.get(url)
        if response.status_code == 405:  # a POST-only route: ask it the way it is used
            response = client.post(url)
        _check_headers(url, response, problems)
        if not _PUBLIC.match(url) and not _refused(response):
            open_doors.append(f"{url} ({name}): {response.status_code}")
    assert not open_doors, "answered anonymous visitors:\n" + "\n".join(open_doors)
    assert not problems, "\n".join(problems[:50])


def test_console_and_api_pages_are_not_stored_and_carry_the_headers(world, all_routes, client_for, quiet):
    client = client_for("city_admin")
    client.raise_request_exception = False
    problems = []
    crawled = 0
    for url, _name in all_routes:
        if not url.startswith(("/admin/", "/api/")) or "logout" in url:
            continue
        response = client.get(url)
        crawled += 1
        _check_headers(url, response, problems)
        if "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{url}: Cache-Control {response.get('Cache-Control')!r}")
    assert crawled > 400
    assert not problems, "\n".join(problems[:50])


def test_the_portals_my_pages_are_not_stored(world, client):
    from tests.portal.helpers import sign_in

    sign_in(client, "13904759876")
    for url in ("/m/my/", "/m/my/data/", "/m/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_the_console_pages_behave_without_inline_script(world, client_for):
    """The few behaviours that were inline (the 派单 filter, the year select, printing, the import's next
    page) are in console/behaviours.js, which the pages load."""
    page = client_for("city_admin").get(reverse("admin:funds_allocation_balances"))
    html = page.content.decode()
    assert "console/behaviours" in html and "onchange=" not in html
    assert not re.search(
        r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html.replace('type="application/json"', "src=x")
    )


def test_production_sends_hsts_and_host_prefixed_cookies(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xinye.settings_prod",
        "XINYE_SECRET_KEY": "x" * 50,
        "XINYE_FIELD_KEY": "A" * 43 + "=",
        "XINYE_ALLOWED_HOSTS": "xinye.example.cn",
        "XINYE_VAR_DIR": str(tmp_path),
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps(["
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME,"
        "s.LANGUAGE_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE,"
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    hsts, subdomains, session, csrf, language, *secure, s_domain, c_domain, s_path = json.loads(out.stdout)
    assert hsts >= 31536000 and subdomains
    assert session.startswith("__Host-") and csrf.startswith("__Host-") and language.startswith("__Host-")
    assert all(secure) and s_domain is None and c_domain is None and s_path == "/"  # what __Host- requires

"""The staff console in English (issue 2: Chinese by default, English selectable).

English is chosen in the console's language menu (Django's set_language: a cookie) or by the browser's
Accept-Language; without either the console is Chinese. In English, the console's chrome — navigation, titles,
headings, column headers, form labels, buttons — has no Chinese left: data (names of people, enterprises,
places; texts people wrote) stays as entered. The catalogue has an English for every msgid in the source.
"""

import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from tests.accounts.otp import pass_second_factor

ROOT = pathlib.Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")

CONSOLE_APPS = ["orgs", "accounts", "audit", "ledger", "coverage", "guidance", "stations"]
CONSOLE_APPS += ["hazards", "volunteers", "orglife", "members", "appeals", "workers"]
# 等保三员: accounts are kept by the security administrator, the change log read by the auditor
APP_USERS = {"accounts": "secadmin", "audit": "auditor"}
LANGUAGE_NAMES = {str(name) for _code, name in settings.LANGUAGES}  # each language named in itself

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CHROME = {"title", "h1", "h2", "h3", "legend", "label", "button", "thead"}
NOT_TEXT = {"script", "style", "select", "option", "textarea"}


class ChromeText(HTMLParser):
    """Text of the page's chrome: the sidebar, titles and headings, column headers, labels and buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        text = data.strip()
        if not text or any(tag in NOT_TEXT for tag, _a in self.stack):
            return
        if any("data-name" in a for _t, a in self.stack):
            return  # a checklist's item (a unit's or a member's name, marked data-name): data, not chrome
        in_sidebar = any(a.get("id") == "nav-sidebar" for _t, a in self.stack)
        if in_sidebar or any(tag in CHROME for tag, _a in self.stack):
            self.texts.append(text)


def chinese_in_chrome(html: str, data: tuple[str, ...] = ()) -> list[str]:
    parser = ChromeText()
    parser.feed(html)
    left = []
    for text in parser.texts:
        for value in sorted(data, key=len, reverse=True):  # the object's own name in its title is data
            text = text.replace(value, "")
        if CJK.search(text) and text not in LANGUAGE_NAMES:
            left.append(text)
    return sorted(set(left))


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- choosing the language ---


def test_chinese_is_the_default(client_for):
    html = client_for("city_admin").get("/admin/").content.decode()
    assert '<html lang="zh-hans"' in html
    assert "一、谁负责" in html and "工作台" in html


def test_language_menu_switches_the_console_to_english(client_for):
    client = client_for("city_admin")
    html = client.get("/admin/").content.decode()
    setlang = reverse("set_language")
    assert f'action="{setlang}"' in html and 'name="language" type="hidden" value="en"' in html  # the menu
    response = client.post(setlang, {"language": "en", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/admin/").content.decode()
    assert '<html lang="en"' in html
    assert "1. Who is responsible" in html and "Dashboard" in html
    client.post(setlang, {"language": "zh-hans", "next": "/admin/"})
    assert "一、谁负责" in client.get("/admin/").content.decode()


def test_the_browser_language_is_followed_without_a_choice(world):
    from django.test import Client

    for accept, words in (("en-GB,en;q=0.9", "1. Who is responsible"), ("zh-CN,zh;q=0.9", "一、谁负责")):
        client = Client(HTTP_ACCEPT_LANGUAGE=accept)
        client.force_login(world["users"]["city_admin"])
        pass_second_factor(client, world["users"]["city_admin"])
        assert words in client.get("/admin/").content.decode()


# --- every console page in English ---


def _pages(app_label: str) -> list[tuple[str, tuple[str, ...]]]:
    """(url, data shown in its chrome) for the app's changelists, a change form per model (the add form when
    there is nothing to change), its own console pages and a few detail pages."""
    from django.apps import apps
    from django.contrib import admin

    pages = []
    for model in admin.site._registry:
        if model._meta.app_label != app_label:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        pages.append((reverse("admin:{}_{}_changelist".format(*info)), ()))
        obj = model.objects.order_by("pk").first()
        if obj is None:
            pages.append((reverse("admin:{}_{}_add".format(*info)), ()))
        else:
            pages.append((reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), (str(obj),)))
    for _title, _icon, url_name, _otype in getattr(apps.get_app_config(app_label), "nav_links", []):
        pages.append((reverse(url_name), ()))
    if app_label in EXTRA_PAGES:
        pages += EXTRA_PAGES[app_label]()
    return pages


def _extra_ledger():
    from xinye.ledger.models import FormationCase

    case = FormationCase.objects.order_by("pk").first()
    return [(reverse("admin:ledger_formationcase_transition", args=[case.pk, "withdrawn"]), (case.name,))]


def _extra_coverage():
    url = reverse("coverage:enterprises")
    return [(f"{url}?status=organised&industry=delivery", ()), (f"{url}?must_form=1", ())]


def _extra_orglife():
    from xinye.ledger.models import PartyOrganisation

    org = PartyOrganisation.objects.select_related("unit").order_by("pk").first()
    return [(reverse("orglife:health_detail", args=[org.unit_id]) + "?period=2026Q4", (org.unit.name,))]


def _extra_hazards():
    from xinye.hazards.models import HazardReport

    report = HazardReport.objects.order_by("pk").first()
    return [(reverse("hazards:work", args=[report.pk]), ())]


EXTRA_PAGES = {
    "ledger": _extra_ledger,
    "coverage": _extra_coverage,
    "orglife": _extra_orglife,
    "hazards": _extra_hazards,
}


def crawl_console_in_english(client_for):
    """Over the whole console with the 通辽 demo loaded: run by tests/test_full_demo.py, which loads the demo
    once for every test that reads it."""
    client = client_for("city_admin")
    # Chinese remains the default, with the data loaded
    html = client.get(reverse("coverage:dashboard")).content.decode()
    assert "组织覆盖率" in html and "应建尽建" in html and "Organisation coverage rate" not in html

    client = english(client)
    html = client.get("/admin/").content.decode()
    assert chinese_in_chrome(html) == []
    assert "Coverage figures" in html and "Work coverage rate" in html  # a nav link, a home card
    html = client.get(reverse("coverage:dashboard")).content.decode()
    for words in ("Organisation coverage rate", "Form wherever required", "Party-building instructor"):
        assert words in html
    left, checked = {}, 0
    for app_label in CONSOLE_APPS:
        client = english(client_for(APP_USERS.get(app_label, "city_admin")))
        for url, data in _pages(app_label):
            response = client.get(url, follow=True)  # an appeal's row opens its 办理 page
            if response.status_code == 403:  # e.g. the 25 development steps are fixed: no add form
                continue
            assert response.status_code == 200, url
            if response.redirect_chain:  # the 办理 page: read with its own data below
                continue
            html = response.content.decode()
            assert '<html lang="en"' in html, url
            if found := chinese_in_chrome(html, data):
                left[url] = found
            checked += 1
    # the handling page of an appeal (the statistics page is the app's nav link, checked above)
    from xinye.appeals.models import Appeal
    from xinye.orgs.models import OrgUnit

    client = english(client_for("city_admin"))
    appeal = Appeal.objects.order_by("pk").first()
    url = reverse("appeals:work", args=[appeal.pk])
    units = tuple(OrgUnit.objects.values_list("name", flat=True))  # the units to dispatch to: data
    if found := chinese_in_chrome(client.get(url).content.decode(), units):
        left[url] = found
    assert left == {}
    assert checked > 80


# --- the catalogue ---


def _glossary():
    spec = importlib.util.spec_from_file_location("en_glossary", ROOT / "scripts/en_glossary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_catalogue_has_english_for_every_msgid():
    assert _glossary().untranslated() == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools not installed")
def test_every_msgid_in_the_source_is_in_the_catalogue(tmp_path):
    """A new `_("…")` or `{% translate %}` without `make messages` (and an English in scripts/en_glossary.py)
    fails here: the source is extracted afresh into a copy and compared with the committed catalogue."""
    glossary = _glossary()
    source = ROOT / "src/xinye"
    copy = tmp_path / "xinye"
    shutil.copytree(
        source, copy, ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.mo", "*.po")
    )
    (copy / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    django_admin = [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-obsolete"]
    subprocess.run(django_admin, cwd=copy, env=env, check=True, capture_output=True)
    fresh = glossary.entries((copy / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
    committed = {
        e["msgid"]: e["msgstr"]
        for e in glossary.entries(glossary.PO.read_text(encoding="utf-8"))
        if e["msgstr"] and not e["fuzzy"]
    }
    assert len(fresh) > 1000  # the extraction found the console's strings
    missing = [e["msgid"] for e in fresh if e["msgid"] and e["msgid"] not in committed]
    assert missing == [], "run `make messages` and give these an English in scripts/en_glossary.py"

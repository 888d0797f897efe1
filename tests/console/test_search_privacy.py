"""A console list search keeps the term out of every URL (issue 18 item 8): the search box POSTs, the term
waits in the session under a token, and the list, its links and its export carry only the token."""

import io
import logging
import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import openpyxl
import pytest

from tests.ledger.factories import make_enterprise, make_practitioner
from xinye.audit.models import ChangeLog
from xinye.console.search import KEEP

LIST = "/admin/ledger/practitioner/"
ID_NUMBER = "150502199001011234"
PHONE = "13904759876"


def search(client, term, path=LIST, params=""):
    """The console's search form, as the browser submits it: POST, then follow the 303."""
    response = client.post("/admin/search/", {"q": term, "list": path, "params": params})
    assert response.status_code == 303, response.content[:300]
    return response


def urls_of(html: str) -> list[str]:
    """Every address the page links to, loads or submits to."""
    return [unquote(unescape(u)) for u in re.findall(r'(?:href|src|action)="([^"]*)"', html)]


def assert_not_in_urls(term: str, *urls: str) -> None:
    parts = {term, term[6:14]} if term.isdigit() and len(term) > 11 else {term}  # an ID's birth date too
    for url in urls:
        for part in parts:
            assert part not in unquote(url), (part, url)


@pytest.fixture
def people(world):
    kerqin = make_enterprise(world["units"]["djb-kerqin-delivery"], name="搜索隐私配送站")
    naiman = make_enterprise(world["units"]["djb-naiman-delivery"], name="搜索隐私奈曼站")
    return {
        "mine": make_practitioner(kerqin, name="隐私测试甲", id_number=ID_NUMBER, phone=PHONE),
        "second": make_practitioner(kerqin, name="隐私测试乙"),
        "outside": make_practitioner(naiman, name="隐私测试丙"),
    }


@pytest.mark.parametrize("term", [ID_NUMBER, PHONE, "隐私测试甲"])
def test_a_search_finds_the_row_and_no_url_carries_the_term(client_for, people, term):
    console = client_for("kerqin_admin")
    response = search(console, term)
    location = response["Location"]
    assert location.startswith(LIST + "?qt=")
    assert_not_in_urls(term, location)
    page = console.get(location)
    assert page.status_code == 200
    html = page.content.decode()
    assert "隐私测试甲" in html and "隐私测试乙" not in html
    assert f'value="{term}"' in html  # the search box still shows what was searched
    links = urls_of(html)
    assert_not_in_urls(term, *links)
    token = parse_qs(urlsplit(location).query)["qt"][0]
    export = [u for u in links if u.startswith(LIST + "export/")]
    assert export and all(f"qt={token}" in u for u in export)
    # the list's own links (filters, sort, facets) keep the token, so the search survives them
    own = [u for u in links if u.startswith("?") and u != "?"]  # "?": 显示全部, which clears the search
    assert own and all(f"qt={token}" in u for u in own)


def test_the_search_form_posts_and_never_builds_a_query(client_for, people):
    html = client_for("kerqin_admin").get(LIST).content.decode()
    form = re.search(r'<form id="changelist-search"[^>]*>', html).group(0)
    assert 'method="post"' in form and 'action="/admin/search/"' in form
    assert 'name="csrfmiddlewaretoken"' in html


def test_pagination_filters_and_sort_keep_the_token(client_for, people, monkeypatch):
    from django.contrib import admin

    from xinye.ledger.models import Practitioner

    monkeypatch.setattr(admin.site._registry[Practitioner], "list_per_page", 1)
    console = client_for("kerqin_admin")
    location = search(console, "隐私测试", params="o=1")["Location"]
    assert "o=1" in location and "qt=" in location
    token = parse_qs(urlsplit(location).query)["qt"][0]
    html = console.get(location).content.decode()
    pages = [u for u in urls_of(html) if "p=" in u and u.startswith("?")]
    assert pages and all(f"qt={token}" in u for u in pages)
    second = console.get(LIST + [u for u in pages if "p=2" in u][0]).content.decode()
    found = {name for name in ("隐私测试甲", "隐私测试乙") if name in second}
    assert len(found) == 1 and "隐私测试丙" not in second  # page 2 of the same search, in scope only
    assert_not_in_urls("隐私测试", *urls_of(second))


def test_a_filter_chosen_after_the_search_keeps_both(client_for, people):
    console = client_for("kerqin_admin")
    location = search(console, "隐私测试", params="gender__exact=zzz&p=3")["Location"]
    assert "gender__exact=zzz" in location and "p=3" not in location  # a new search starts at page 1


def test_the_export_shows_what_the_searched_list_shows(client_for, people):
    console = client_for("kerqin_admin")
    location = search(console, ID_NUMBER)["Location"]
    query = urlsplit(location).query
    response = console.get(f"{LIST}export/?{query}")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert len(rows) == 1 and "隐私测试甲" in rows[0]
    note = ChangeLog.objects.filter(action="export").latest("id").note
    assert ID_NUMBER not in note and "150502********1234" in unquote(note)  # the condition, masked


def test_an_out_of_scope_row_is_still_not_found(client_for, people):
    console = client_for("kerqin_admin")
    html = console.get(search(console, "隐私测试")["Location"]).content.decode()
    rows = html.split('id="result_list"')[1].split("</table>")[0]
    assert "隐私测试甲" in rows and "隐私测试乙" in rows and "隐私测试丙" not in rows
    html = console.get(search(console, "隐私测试丙")["Location"]).content.decode()
    assert "隐私测试丙" not in html.replace('value="隐私测试丙"', "")  # only in the search box


def test_a_token_from_another_session_finds_nothing(client_for, people):
    location = search(client_for("kerqin_admin"), ID_NUMBER)["Location"]
    other = client_for("kerqin_admin")  # the same person in another browser
    response = other.get(location)
    assert response.status_code == 303 and "qt=" not in response["Location"]
    html = other.get(response["Location"]).content.decode()
    assert "搜索已失效，请重新搜索" in html
    export = other.get(LIST + "export/?" + urlsplit(location).query)
    assert export.status_code == 302 and "xlsx" not in export.get("Content-Type", "")  # nothing exported


def test_an_expired_token_shows_the_list_unfiltered_with_a_warning(client_for, people):
    console = client_for("kerqin_admin")
    first = search(console, "隐私测试甲")["Location"]
    for i in range(KEEP):
        search(console, f"别的搜索{i}")
    response = console.get(first, follow=True)
    html = response.content.decode()
    assert "搜索已失效，请重新搜索" in html
    assert "隐私测试甲" in html and "隐私测试乙" in html  # unfiltered
    assert "qt=" not in response.redirect_chain[-1][0]


def test_a_plain_q_still_works_for_bookmarks(client_for, people):
    html = client_for("kerqin_admin").get(LIST, {"q": ID_NUMBER}).content.decode()
    assert "隐私测试甲" in html and "隐私测试乙" not in html


def test_an_empty_search_clears_it(client_for, people):
    location = search(client_for("kerqin_admin"), "  ", params="o=2")["Location"]
    assert location == LIST + "?o=2"


def test_a_list_without_sensitive_fields_works_the_same(client_for, world):
    console = client_for("kerqin_admin")
    location = search(console, "科尔沁", path="/admin/orgs/orgunit/")["Location"]
    assert location.startswith("/admin/orgs/orgunit/?qt=")
    html = console.get(location).content.decode()
    rows = html.split('id="result_list"')[1].split("</table>")[0]
    assert "科尔沁" in rows and "奈曼" not in rows
    assert_not_in_urls("科尔沁", *urls_of(html))


def test_every_console_list_searches_privately():
    from django.contrib import admin

    from xinye.console.search import PrivateSearchMixin

    assert all(isinstance(a, PrivateSearchMixin) for a in admin.site._registry.values())


def test_the_search_view_takes_only_a_post_to_a_console_list(client_for, world):
    console = client_for("kerqin_admin")
    assert console.get("/admin/search/", {"q": "x", "list": LIST}).status_code == 405
    for bad in ("//evil.example/admin/ledger/practitioner/", "https://evil.example/", "/m/", LIST + "?q=1"):
        response = console.post("/admin/search/", {"q": "x", "list": bad})
        assert response.status_code == 303 and response["Location"] == "/admin/"
    too_long = console.post("/admin/search/", {"q": "字" * 201, "list": LIST})
    assert too_long.status_code == 303 and "qt=" not in too_long["Location"]


def test_no_search_without_signing_in(client, world):
    response = client.post("/admin/search/", {"q": ID_NUMBER, "list": LIST})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert ID_NUMBER not in response["Location"]


def test_no_list_without_the_permission(client_for, world):
    console = client_for("auditor")  # reads the change log only
    location = search(console, ID_NUMBER)["Location"]
    assert console.get(location).status_code in (403, 404)


def test_the_term_reaches_no_log_line(client_for, people, caplog):
    console = client_for("kerqin_admin")
    with caplog.at_level(logging.DEBUG):
        location = search(console, ID_NUMBER)["Location"]
        console.get(location)
        console.get(LIST + "export/?" + urlsplit(location).query)
        console.get(LIST, {"qt": "gone"}, follow=True)
    assert ID_NUMBER not in caplog.text and ID_NUMBER[6:14] not in caplog.text
    # an access log (the server's or a proxy's) writes the request line: method, path and query string
    assert_not_in_urls(ID_NUMBER, location)

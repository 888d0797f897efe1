"""The console in zh-hans shows django-unfold's own words in Chinese (unfold ships no catalogue; issue 17):
the login page, the search box, the filters, the action bar."""

import re

from tests.accounts.otp import pass_second_factor

# unfold's English as a new user met it in the Chinese console
LEFT_IN_ENGLISH = (
    "Welcome back to",
    "Return to site",
    "Search apps and models",
    "Select value",
    "Select action",
    "Apply Filters",
    "Reset filters",
    "No results found",
)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_login_page_is_chinese(client):
    text = _visible_text(client.get("/admin/login/").content.decode())
    assert "欢迎登录" in text
    assert not [w for w in LEFT_IN_ENGLISH if w in text]


def test_a_list_page_with_filters_and_actions_is_chinese(client, world):
    client.force_login(world["users"]["city_admin"])
    pass_second_factor(client, world["users"]["city_admin"])
    html = client.get("/admin/ledger/enterprise/").content.decode()
    assert not [w for w in LEFT_IN_ENGLISH if w in html], [w for w in LEFT_IN_ENGLISH if w in html]
    assert "搜索功能和栏目" in html

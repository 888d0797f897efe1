"""Navigation shows only what the role may open (spine issue, leak 4: links that answered 404)."""

import pytest

from tests.matrix import ROLE_UNITS
from xinye.console.navigation import sidebar


@pytest.mark.parametrize("username", sorted(ROLE_UNITS))
def test_every_sidebar_link_opens_for_the_role_that_sees_it(world, username, client_for, rf):
    client = client_for(username)
    request = rf.get("/admin/")
    request.user = world["users"][username]
    links = [item["link"] for group in sidebar(request) for item in group["items"]]
    assert links, "every demo role has at least its home page"
    broken = {link: client.get(link).status_code for link in links}
    broken = {link: status for link, status in broken.items() if status != 200}
    assert not broken, f"{username} sees links it cannot open: {broken}"


@pytest.mark.parametrize(
    ("username", "title"),
    [
        ("instructor", "台账导入导出"),
        ("instructor", "导入学习记录"),
        ("instructor", "分级分片分配"),
        ("liaison", "分级分片分配"),
        ("secretary", "分级分片分配"),
        ("union_staff", "分级分片分配"),
    ],
)
def test_pages_a_role_cannot_open_are_not_offered(world, username, title, rf):
    request = rf.get("/admin/")
    request.user = world["users"][username]
    titles = [str(item["title"]) for group in sidebar(request) for item in group["items"]]
    assert title not in titles

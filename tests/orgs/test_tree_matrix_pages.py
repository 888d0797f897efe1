"""The 组织树 and 责任矩阵 pages as a clerk uses them (issue 17): collapsible, filtered by county, industry and
name with the line to the root kept, counts, pages of 200, and the whole filtered page exported to xlsx."""

import io
import re

import openpyxl

from tests.ledger.factories import make_enterprise
from xinye.audit.models import ChangeLog


def _xlsx_rows(response):
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in ws.iter_rows(min_row=3)]


def test_the_tree_is_collapsible_with_counts_and_the_first_levels_open(client_for, world):
    html = client_for("city_admin").get("/admin/orgs/tree/").content.decode()
    assert html.count("<details open>") >= 1 and "<details>" in html  # deeper levels start closed
    assert re.search(r"下级 \d+ 个", html)


def test_the_tree_filtered_by_name_shows_the_match_with_its_ancestors_only(client_for, world):
    console = client_for("city_admin")
    html = console.get("/admin/orgs/tree/", {"q": "科尔沁区外卖"}).content.decode()
    hits = int(re.search(r'id="tree-hits">(\d+)<', html).group(1))
    assert hits >= 1
    tree = html[html.index('id="org-tree"') :]
    assert "科尔沁区外卖" in tree and "奈曼旗" not in tree  # another county's branch is not drawn
    assert "<details>" not in tree  # everything shown is open


def test_the_tree_county_filter_offers_only_counties_in_scope(client_for, world):
    html = client_for("kerqin_admin").get("/admin/orgs/tree/").content.decode()
    options = re.findall(r'<option value="(\d{6})"', html)
    assert options == ["150502"]


def test_the_tree_exports_what_it_shows(client_for, world):
    console = client_for("city_admin")
    rows = _xlsx_rows(console.get("/admin/orgs/tree/", {"q": "科尔沁区", "format": "xlsx"}))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["层级路径", "名称", "类型"]
    assert body and all(" / " in r[0] or r[0] == r[1] for r in body)
    assert any("科尔沁区" in r[1] for r in body)
    assert ChangeLog.objects.filter(action="export", note__contains="组织树").exists()


def test_the_matrix_filters_by_county_and_name_and_exports(client_for, world):
    mine = make_enterprise(world["units"]["djb-kerqin-delivery"], name="矩阵筛选科尔沁")
    other = make_enterprise(world["units"]["djb-naiman-delivery"], name="矩阵筛选奈曼")
    console = client_for("city_admin")
    html = console.get("/admin/orgs/matrix/", {"q": "矩阵筛选", "county": "150502"}).content.decode()
    assert mine.name in html and other.name not in html and "符合筛选条件 1 个" in html
    rows = _xlsx_rows(
        console.get("/admin/orgs/matrix/", {"q": "矩阵筛选", "county": "150502", "format": "xlsx"})
    )
    assert rows[0][0] == "企业" or "企业" in rows[0][0]
    assert [r[0] for r in rows[1:]] == [str(mine)]
    assert "缺位" in rows[1]  # a new enterprise has no one answering for it yet


def test_the_matrix_pages_by_200(client_for, world, monkeypatch):
    from xinye.orgs import views

    monkeypatch.setattr(views, "MATRIX_PAGE", 1)
    make_enterprise(world["units"]["djb-kerqin-delivery"], name="分页一")
    make_enterprise(world["units"]["djb-kerqin-delivery"], name="分页二")
    console = client_for("kerqin_admin")
    first = console.get("/admin/orgs/matrix/", {"q": "分页"}).content.decode()
    assert "第 1 / 2 页" in first and "page=2" in first
    second = console.get("/admin/orgs/matrix/", {"q": "分页", "page": "2"}).content.decode()
    assert "第 2 / 2 页" in second
